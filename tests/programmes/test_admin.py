"""The programme steps on the workshop's device page and the coordinator's programme pages."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from devices.models import Device
from programmes.models import Allocation, Programme, SolidarityPrice


@pytest.fixture
def workshop(client, workshop_user):
    client.force_login(workshop_user)
    return client


def _step(device, slug):
    return reverse(f"workshop_devices:{slug}", args=[device.pk])


def test_a_technician_allocates_a_ready_device_to_a_partner_of_the_programme(
    workshop, ready, programme, mission_locale
):
    device = ready()
    page = workshop.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert 'id="action-allocate"' in page and 'id="action-donate"' in page
    # Each partner's option says which programmes it serves.
    assert f'<option value="{mission_locale.pk}" data-programmes="{programme.pk}">' in page

    response = workshop.post(
        _step(device, "allocate"), {"allocate-programme": programme.pk, "allocate-partner": mission_locale.pk}
    )

    assert response.status_code == 302
    allocation = Allocation.objects.get(device=device)
    assert allocation.partner == mission_locale and allocation.status == Allocation.Status.ALLOCATED
    assert Device.objects.get(pk=device.pk).status == Device.Status.ALLOCATED


def test_a_partner_outside_the_programme_is_refused_with_the_input_kept(workshop, ready, programme, mission_locale):
    from programmes.models import RelayPartner

    outsider = RelayPartner.objects.create(name="École de Brest", slug="ecole-brest", kind="school")
    other = programme.__class__.objects.create(
        name="Écoles", slug="ecoles", categories=["org_school"], starts_on=programme.starts_on
    )
    other.members.add(*programme.members.all())
    other.partners.add(outsider)
    device = ready()

    response = workshop.post(
        _step(device, "allocate"), {"allocate-programme": programme.pk, "allocate-partner": outsider.pk}
    )

    assert response.status_code == 200
    assert "n&#x27;est pas un partenaire relais de ce programme" in response.content.decode()
    assert not Allocation.objects.exists()


def test_the_donation_form_starts_with_no_category_and_offers_only_the_programmes(workshop, ready, programme):
    device = ready()
    page = workshop.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    form = page[page.index('id="action-donate"') :]
    form = form[: form.index("</form>")]
    assert '<option value="" selected>' in form
    assert "Jeune accompagné par une Mission locale" in form and "Particulier acheteur" not in form

    response = workshop.post(
        _step(device, "donate"),
        {"donate-programme": programme.pk, "donate-beneficiary_category": "individual", "donate-territory": "35236"},
    )
    assert response.status_code == 200 and Device.objects.get(pk=device.pk).status == Device.Status.READY

    response = workshop.post(
        _step(device, "donate"),
        {
            "donate-programme": programme.pk,
            "donate-beneficiary_category": "youth_mission_locale",
            "donate-territory": "35236",
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.status, device.outcome_category, device.outcome_department) == (
        Device.Status.DONATED,
        "youth_mission_locale",
        "35",
    )
    assert device.events.latest("pk").data["programme"] == programme.name


def test_another_members_technician_cannot_allocate(client, ready, programme, mission_locale, other_association):
    from django.contrib.auth import get_user_model

    from devices.models import Membership

    stranger = get_user_model().objects.create_user(email="atelier@leon.example", password="x" * 12)
    stranger.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=stranger, association=other_association, role=Membership.Role.TECHNICIAN)
    client.force_login(stranger)
    device = ready()
    response = client.post(
        _step(device, "allocate"), {"allocate-programme": programme.pk, "allocate-partner": mission_locale.pk}
    )
    assert response.status_code == 404 and not Allocation.objects.exists()


def test_the_coordinator_sees_quotas_and_fill_rates(client, allocate, programme, django_user_model):
    coordinator = django_user_model.objects.create_user(email="coordination@ogo.example", password="x" * 12)
    coordinator.groups.add(Group.objects.get(name="Network coordinators"))
    allocate()
    allocate()
    client.force_login(coordinator)
    html = client.get(reverse("donation_programmes:index")).content.decode()
    assert programme.name in html and "2 / 10 (20 %)" in html


def test_a_technician_sees_only_the_allocations_of_their_member(workshop, allocate, client, other_association):
    mine = allocate()
    html = workshop.get(reverse("allocations:index")).content.decode()
    assert mine.device.asset_tag in html
    assert workshop.get(reverse("donation_programmes:index")).status_code == 403


def test_the_coordinator_creates_a_programme_and_a_solidarity_price(
    client, association, mission_locale, django_user_model
):
    coordinator = django_user_model.objects.create_user(email="coordination@ogo.example", password="x" * 12)
    coordinator.groups.add(Group.objects.get(name="Network coordinators"))
    client.force_login(coordinator)
    assert client.get(reverse("donation_programmes:add")).status_code == 200

    response = client.post(
        reverse("donation_programmes:add"),
        {
            "name": "Collèges du Morbihan",
            "slug": "colleges-morbihan",
            "story": "",
            "members": [association.pk],
            "partners": [mission_locale.pk],
            "categories": ["org_school", "youth_mission_locale"],
            "situations": "Collégien\nLycéen",
            "territory": "Morbihan",
            "quota": "25",
            "starts_on": "2026-09-01",
            "ends_on": "2027-06-30",
            "receipt_terms": "",
            "loan_terms": "",
            "reminder_days": "30",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    programme = Programme.objects.get(slug="colleges-morbihan")
    assert programme.categories == ["org_school", "youth_mission_locale"] and programme.situation_list() == [
        "Collégien",
        "Lycéen",
    ]

    response = client.post(reverse("solidarity_prices:add"), {"category": "laptop", "max_price": "80.00"})
    assert response.status_code == 302
    price = SolidarityPrice.objects.get(category="laptop")
    assert price.offer is not None and price.offer.benefit.proxy().value == Decimal("80.00")


def test_the_timeline_tells_the_partner_steps_in_plain_words(workshop, received, partner_staff):
    from tests.programmes.conftest import hand_over

    allocation = hand_over(received(), partner_staff)
    html = workshop.get(reverse("workshop_devices:detail", args=[allocation.device_id])).content.decode()
    assert "Remis à un bénéficiaire" in html and "Type de partenaire" in html and "16 à 25 ans" in html
    assert "partner_kind" not in html and "age_bracket" not in html
