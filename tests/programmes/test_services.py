"""The steps of an allocation and their refusals: each writes the device's event in the registry, and a
refused step changes neither the allocation nor the device."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from devices.models import Device, DeviceEvent
from programmes import services
from programmes.models import Allocation
from tests.devices.conftest import device_row, event_count
from tests.programmes.conftest import SITUATIONS, hand_over

S = Device.Status
K = DeviceEvent.Kind
A = Allocation.Status


def _unchanged(allocation):
    """The allocation's and its device's rows and event count, to prove a refusal changed nothing."""
    return (
        Allocation.objects.filter(pk=allocation.pk).values().get(),
        device_row(allocation.device),
        event_count(allocation.device),
    )


def test_allocation_sets_the_device_aside_and_logs_the_partner_kind(allocate, technician, association):
    allocation = allocate()

    device = Device.objects.get(pk=allocation.device_id)
    assert (allocation.status, device.status, allocation.association) == (A.ALLOCATED, S.ALLOCATED, association)
    event = device.events.latest("pk")
    assert event.kind == K.ALLOCATED and event.actor == technician
    assert event.data["partner"] == "Mission locale du Pays de Redon"
    assert event.data["partner_kind"] == "mission_locale"
    assert event.data["programme"] == allocation.programme.name


def test_the_whole_way_to_a_beneficiary(received, partner_staff):
    allocation = received()
    assert allocation.status == A.RECEIVED and allocation.received_by == partner_staff
    assert Device.objects.get(pk=allocation.device_id).status == S.AT_PARTNER

    allocation = hand_over(allocation, partner_staff, territory="35236", handed_over_on=timezone.localdate())

    device = Device.objects.get(pk=allocation.device_id)
    assert (allocation.status, allocation.department, allocation.situation) == (A.HANDED_OVER, "35", SITUATIONS[0])
    assert (device.status, device.outcome_category, device.outcome_partner_kind, device.outcome_department) == (
        S.DONATED,
        "youth_mission_locale",
        "mission_locale",
        "35",
    )
    kinds = list(device.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [K.ALLOCATED, K.PARTNER_RECEIVED, K.HANDED_OVER]
    handed = device.events.get(kind=K.HANDED_OVER)
    assert handed.data["age_bracket"] == "16_25" and handed.data["territory"] == "35236"
    # The partner's own reference stays with the allocation: the registry's event never holds it.
    assert "DOSSIER-42" not in str(handed.data) and allocation.partner_reference == "DOSSIER-42"


def test_a_hand_over_before_the_receipt_is_refused(allocate, partner_staff):
    allocation = allocate()
    before = _unchanged(allocation)
    with pytest.raises(ValidationError, match="pas encore été reçu"):
        hand_over(allocation, partner_staff)
    assert _unchanged(allocation) == before


def test_a_second_hand_over_is_refused(received, partner_staff):
    allocation = hand_over(received(), partner_staff)
    before = _unchanged(allocation)
    with pytest.raises(ValidationError, match="déjà été remis"):
        hand_over(allocation, partner_staff, age_bracket="26_44")
    assert _unchanged(allocation) == before


def test_a_hand_over_after_the_return_is_refused(received, partner_staff):
    allocation = services.allocation_return(allocation=received(), actor=partner_staff, condition="broken")
    before = _unchanged(allocation)
    with pytest.raises(ValidationError, match="rendu à l'atelier"):
        hand_over(allocation, partner_staff)
    assert _unchanged(allocation) == before


def test_a_receipt_twice_is_refused(received, partner_staff):
    allocation = received()
    with pytest.raises(ValidationError, match="déjà été reçu"):
        services.allocation_receive(allocation=allocation, actor=partner_staff)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("beneficiary_category", "individual", "catégories de bénéficiaires du programme"),
        ("situation", "Retraité", "situations du programme"),
        ("age_bracket", "99_plus", "tranche d'âge"),
        ("territory", "Redon", "département"),
        ("handed_over_on", date(2030, 1, 1), "futur"),
        ("handed_over_on", date(2020, 1, 1), "avant le"),
    ],
)
def test_a_hand_over_outside_the_programme_is_refused(received, partner_staff, field, value, message):
    allocation = received()
    before = _unchanged(allocation)
    with pytest.raises(ValidationError, match=message):
        hand_over(allocation, partner_staff, **{field: value})
    assert _unchanged(allocation) == before


def test_a_return_sends_the_device_back_to_its_workshop_still_erased(received, partner_staff):
    allocation = services.allocation_return(
        allocation=received(), actor=partner_staff, condition="unused", note="Le jeune a trouvé un emploi"
    )

    device = Device.objects.get(pk=allocation.device_id)
    assert allocation.status == A.RETURNED and allocation.return_condition == "unused"
    assert (device.status, device.tests_passed, device.needs_erasure) == (S.IN_WORKSHOP, False, False)
    event = device.events.latest("pk")
    assert event.kind == K.PARTNER_RETURNED and event.data["condition"] == "Inutilisé"
    with pytest.raises(ValidationError, match="déjà été rendu"):
        services.allocation_return(allocation=allocation, actor=partner_staff, condition="unused")


def test_a_handed_over_device_is_not_returned_by_the_partner(received, partner_staff):
    allocation = hand_over(received(), partner_staff)
    with pytest.raises(ValidationError, match="remis à un bénéficiaire"):
        services.allocation_return(allocation=allocation, actor=partner_staff, condition="broken")


def test_a_return_needs_its_condition(received, partner_staff):
    with pytest.raises(ValidationError, match="inutilisé ou cassé"):
        services.allocation_return(allocation=received(), actor=partner_staff, condition="")


def test_allocation_refusals(ready, programme, mission_locale, technician, other_association, batch):
    device = ready()
    programme.partners.remove(mission_locale)
    with pytest.raises(ValidationError, match="n'est pas un partenaire relais"):
        services.allocation_create(device=device, programme=programme, partner=mission_locale, actor=technician)
    programme.partners.add(mission_locale)
    programme.members.set([other_association])
    with pytest.raises(ValidationError, match="ne reconditionne pas"):
        services.allocation_create(device=device, programme=programme, partner=mission_locale, actor=technician)
    programme.members.add(batch.association)
    programme.ends_on = timezone.localdate() - timedelta(days=1)
    programme.starts_on = programme.ends_on - timedelta(days=30)
    programme.save()
    with pytest.raises(ValidationError, match="n'est pas en cours"):
        services.allocation_create(device=device, programme=programme, partner=mission_locale, actor=technician)
    assert not Allocation.objects.exists() and Device.objects.get(pk=device.pk).status == S.READY


def test_the_quota_counts_every_device_not_returned(allocate, programme, partner_staff):
    programme.quota = 2
    programme.save()
    first = allocate()
    allocate()
    with pytest.raises(ValidationError, match="quota"):
        allocate()
    services.allocation_return(allocation=first, actor=partner_staff, condition="unused")
    allocate()  # a returned device frees its place
    assert programme.allocations.exclude(status=A.RETURNED).count() == 2


def test_an_allocated_device_cannot_be_allocated_again(allocate, programme, ccas, technician):
    allocation = allocate()
    with pytest.raises(ValidationError, match="ne peut pas être attribué"):
        services.allocation_create(device=allocation.device, programme=programme, partner=ccas, actor=technician)


def test_receive_all_receives_only_the_partners_devices(allocate, mission_locale, ccas, partner_staff):
    mine = [allocate(), allocate()]
    theirs = allocate(ccas)

    assert services.allocations_receive(partner=mission_locale, actor=partner_staff) == 2

    assert {a.status for a in Allocation.objects.filter(pk__in=[a.pk for a in mine])} == {A.RECEIVED}
    assert Allocation.objects.get(pk=theirs.pk).status == A.ALLOCATED


def test_reminders_after_the_programmes_delay_once_per_delay(received, allocate, programme, mission_locale):
    programme.reminder_days = 30
    programme.save()
    late = received()
    fresh = allocate()
    Allocation.objects.filter(pk=late.pk).update(received_at=timezone.now() - timedelta(days=31))

    assert services.allocations_remind() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"accueil@ml-redon.example", "conseillere@ml-redon.example"}
    assert late.device.asset_tag in message.body and fresh.device.asset_tag not in message.body
    assert "/relais/" in message.body and "remettre" in message.subject
    assert services.allocations_remind() == 0  # reminded: not again before the delay
    Allocation.objects.filter(pk=late.pk).update(reminded_at=timezone.now() - timedelta(days=31))
    assert services.allocations_remind() == 1


def test_a_donation_within_a_programme_needs_a_category_and_a_territory(ready, technician):
    from devices import services as registry

    with pytest.raises(ValidationError, match="catégorie"):
        registry.device_donate(device=ready(), actor=technician, programme="P", beneficiary_category="", territory="35")


def test_a_programme_keeps_its_name_once_a_device_is_allocated(allocate, programme):
    programme.name = "Autre nom"
    programme.full_clean()  # nothing allocated yet: renaming is fine
    programme.refresh_from_db()
    allocate()
    programme.name = "Autre nom"
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        programme.full_clean()
