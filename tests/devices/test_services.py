"""Every transition rule of the registry's services."""

import pytest
from django.core.exceptions import ValidationError

from devices import services
from devices.models import Association, Device, DeviceEvent
from devices.services import TransitionRefused

S = Device.Status
K = DeviceEvent.Kind
pytestmark = pytest.mark.django_db


def _outcome(device, actor, how):
    if how == "sell":
        services.device_list_for_sale(device=device, actor=actor)
        return services.device_sell(device=device, actor=actor, beneficiary_category="individual", territory="35238")
    if how == "rent":
        services.device_reserve_for_rental(device=device, actor=actor)
        return services.device_rent(device=device, actor=actor, territory="29019")
    return services.device_donate(
        device=device,
        actor=actor,
        programme="Mission locale",
        beneficiary_category="youth_mission_locale",
        territory="35236",
    )


def _snapshot(device):
    device.refresh_from_db()
    return (device.status, device.needs_erasure, device.outcome_category, device.events.count())


def test_registration_appends_a_received_event(make_device):
    device = make_device(brand="Dell", model="Latitude 5490")
    event = device.events.get()
    assert (event.kind, event.status_before, event.status_after) == (K.RECEIVED, "", S.RECEIVED)
    assert device.needs_erasure and len(device.asset_tag) == 7


def test_workshop_steps_lead_to_ready_only_when_erased_tested_and_graded(make_device, technician):
    device = make_device()
    services.device_clean(device=device, actor=technician)
    services.device_grade(device=device, actor=technician, grade="A")
    services.device_test(device=device, actor=technician, checklist={"écran": True})
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP  # not erased yet
    services.device_erase(device=device, actor=technician, method="NIST SP 800-88 Purge", result="failure")
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP and device.needs_erasure  # a failed erasure does not count
    services.device_erase(device=device, actor=technician, method="NIST SP 800-88 Purge")
    device.refresh_from_db()
    assert device.status == S.READY and not device.needs_erasure
    assert [e.kind for e in device.events.order_by("pk")] == [
        K.RECEIVED,
        K.CLEANED,
        K.GRADED,
        K.TESTED,
        K.ERASED,
        K.ERASED,
    ]


def test_a_failed_function_keeps_the_device_in_the_workshop(make_device, technician):
    device = make_device()
    services.device_erase(device=device, actor=technician, method="NIST")
    services.device_grade(device=device, actor=technician, grade="B")
    services.device_test(device=device, actor=technician, checklist={"écran": True, "webcam": False})
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP and not device.tests_passed


@pytest.mark.parametrize("how,status", [("sell", S.SOLD), ("rent", S.RENTED), ("donate", S.DONATED)])
def test_outcomes_from_a_ready_device(ready, technician, how, status):
    device = ready()
    event = _outcome(device, technician, how)
    device.refresh_from_db()
    assert device.status == status == event.status_after
    assert device.outcome_category and device.outcome_department in ("35", "29")


@pytest.mark.parametrize("action", ["list", "reserve", "donate"])
def test_nothing_goes_out_without_a_successful_erasure(make_device, technician, action):
    device = make_device()
    services.device_test(device=device, actor=technician, checklist={"écran": True})
    services.device_grade(device=device, actor=technician, grade="A")
    services.device_erase(device=device, actor=technician, method="NIST", result="failure")
    before = _snapshot(device)
    call = {
        "list": lambda: services.device_list_for_sale(device=device, actor=technician),
        "reserve": lambda: services.device_reserve_for_rental(device=device, actor=technician),
        "donate": lambda: services.device_donate(
            device=device, actor=technician, programme="P", beneficiary_category="org_association", territory="35"
        ),
    }[action]
    with pytest.raises(TransitionRefused):
        call()
    assert _snapshot(device) == before


@pytest.mark.parametrize("how", ["sell", "rent"])
def test_a_returned_device_needs_a_new_erasure_before_going_out_again(ready, technician, how):
    device = ready()
    _outcome(device, technician, how)
    services.device_return(device=device, actor=technician, condition="bon état")
    device.refresh_from_db()
    assert (device.status, device.needs_erasure, device.outcome_category) == (S.IN_WORKSHOP, True, "")
    services.device_test(device=device, actor=technician, checklist={"écran": True})
    device.refresh_from_db()
    assert device.status == S.IN_WORKSHOP  # graded and tested, but not erased since the return
    with pytest.raises(TransitionRefused):
        services.device_list_for_sale(device=device, actor=technician)
    services.device_erase(device=device, actor=technician, method="NIST")
    services.device_list_for_sale(device=device, actor=technician)
    device.refresh_from_db()
    assert device.status == S.LISTED


@pytest.mark.parametrize(
    "status_setup,call",
    [
        ("sold", lambda d, a: services.device_clean(device=d, actor=a)),
        ("sold", lambda d, a: services.device_erase(device=d, actor=a, method="NIST")),
        ("sold", lambda d, a: services.device_recycle(device=d, actor=a, channel="DEEE")),
        (
            "ready",
            lambda d, a: services.device_sell(device=d, actor=a, beneficiary_category="individual", territory="35"),
        ),
        ("ready", lambda d, a: services.device_rent(device=d, actor=a, territory="35")),
        ("ready", lambda d, a: services.device_unlist(device=d, actor=a)),
        ("ready", lambda d, a: services.device_return(device=d, actor=a)),
        ("recycled", lambda d, a: services.device_list_for_sale(device=d, actor=a)),
        ("recycled", lambda d, a: services.device_harvest(device=d, actor=a)),
    ],
)
def test_refused_transitions_change_nothing(ready, technician, status_setup, call):
    device = ready()
    if status_setup == "sold":
        _outcome(device, technician, "sell")
    elif status_setup == "recycled":
        services.device_recycle(device=device, actor=technician, channel="Éco-organisme")
    before = _snapshot(device)
    with pytest.raises(TransitionRefused):
        call(device, technician)
    assert _snapshot(device) == before


def test_recycle_and_harvest_are_final(make_device, technician):
    recycled, harvested = make_device(), make_device()
    services.device_recycle(device=recycled, actor=technician, channel="Éco-organisme agréé")
    services.device_harvest(device=harvested, actor=technician, parts="mémoire")
    recycled.refresh_from_db()
    harvested.refresh_from_db()
    assert (recycled.status, harvested.status) == (S.RECYCLED, S.PARTS)


@pytest.mark.parametrize("territory", ["", "3", "999999", "ABCDE", "35 238"])
def test_outcome_territory_must_be_a_departement_or_commune_code(ready, technician, territory):
    device = ready()
    with pytest.raises(ValidationError):
        services.device_donate(
            device=device, actor=technician, programme="P", beneficiary_category="org_school", territory=territory
        )


def test_outcome_needs_a_known_beneficiary_category(ready, technician):
    with pytest.raises(ValidationError):
        services.device_donate(
            device=ready(), actor=technician, programme="P", beneficiary_category="Mme Dupont", territory="35"
        )


def test_transfer_changes_the_holding_association(make_device, technician):
    device = make_device()
    other = Association.objects.create(name="Atelier du Léon", slug="leon")
    event = services.device_transfer(device=device, actor=technician, to_association=other)
    device.refresh_from_db()
    assert device.association == other == event.association
    assert event.data == {"from": "Déclic", "to": "Atelier du Léon"}


def test_correction_keeps_old_and_new_values(make_device, technician):
    device = make_device(ram_gb=4)
    event = services.device_correct(device=device, actor=technician, changes={"ram_gb": 8}, note="barrette ajoutée")
    device.refresh_from_db()
    assert device.ram_gb == 8
    assert event.data == {"before": {"ram_gb": "4"}, "after": {"ram_gb": "8"}}


def test_events_are_never_edited_nor_deleted(make_device):
    event = make_device().events.get()
    event.note = "réécrire l'histoire"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        DeviceEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError):
        DeviceEvent.objects.filter(pk=event.pk).delete()
    assert DeviceEvent.objects.get(pk=event.pk).note == ""


def test_bulk_erasure_stores_one_certificate_for_the_run(make_device, technician):
    from django.core.files.base import ContentFile

    devices = [make_device() for _ in range(3)]
    events = services.devices_erase_bulk(
        devices=devices, actor=technician, method="NIST", certificate=ContentFile(b"%PDF-1.4 run", name="run.pdf")
    )
    assert len({e.evidence.name for e in events}) == 1
    assert all(not Device.objects.get(pk=d.pk).needs_erasure for d in devices)
