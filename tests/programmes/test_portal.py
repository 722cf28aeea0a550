"""The relay partners' portal: each partner's staff see and act on their own partner's devices only, see
no donor-internal data, and record receipts, hand-overs and returns that reach the registry."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from devices.models import Device
from programmes.models import Allocation
from tests.programmes.conftest import SITUATIONS, hand_over

A = Allocation.Status


@pytest.fixture
def partner_client(client, partner_staff):
    client.force_login(partner_staff)
    return client


def _urls(allocation):
    return {
        "receive": ("post", reverse("programmes:receive", args=[allocation.pk])),
        "hand_over": ("get", reverse("programmes:hand_over", args=[allocation.pk])),
        "hand_over_post": ("post", reverse("programmes:hand_over", args=[allocation.pk])),
        "give_back": ("get", reverse("programmes:give_back", args=[allocation.pk])),
        "give_back_post": ("post", reverse("programmes:give_back", args=[allocation.pk])),
        "receipt": ("get", reverse("programmes:receipt", args=[allocation.pk])),
    }


def test_the_home_lists_the_partners_devices_and_no_donor_internal_data(partner_client, allocate, received, batch):
    to_receive = allocate(donor_reference="INV-LP-0042", brand="Dell", model="Latitude 5490")
    at_partner = received()

    html = partner_client.get(reverse("programmes:home")).content.decode()

    assert to_receive.device.asset_tag in html and at_partner.device.asset_tag in html
    assert "Latitude 5490" in html and "Déclic" in html
    # The donor's inventory numbers, batch reference and contact stay in the workshop and the donor portal.
    for internal in ("INV-LP-0042", batch.reference, batch.donor.contact_email, batch.donor.contact_name):
        assert internal not in html
    assert to_receive.device.serial not in html


def test_another_partners_device_is_404_everywhere(client, other_partner_staff, received, allocate):
    mine = received()
    to_receive = allocate()
    client.force_login(other_partner_staff)

    assert mine.device.asset_tag not in client.get(reverse("programmes:home")).content.decode()
    for allocation in (mine, to_receive):
        for name, (method, url) in _urls(allocation).items():
            response = getattr(client, method)(url, {"condition": "unused", "age_bracket": "16_25"})
            assert response.status_code == 404, name
    assert Allocation.objects.get(pk=to_receive.pk).status == A.ALLOCATED
    assert Allocation.objects.get(pk=mine.pk).status == A.RECEIVED
    response = client.post(reverse("programmes:receive_all", args=["mission-locale-redon"]))
    assert response.status_code == 404


def test_someone_without_a_partner_gets_a_clear_403(client, technician):
    client.force_login(technician)
    response = client.get(reverse("programmes:home"))
    assert response.status_code == 403
    assert "n'est lié à aucun partenaire relais" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, allocate):
    response = client.get(reverse("programmes:receipt", args=[allocate().pk]))
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_receive_then_hand_over_through_the_pages(partner_client, allocate, partner_staff):
    allocation = allocate()

    response = partner_client.post(reverse("programmes:receive", args=[allocation.pk]), follow=True)
    assert "Réception de" in response.content.decode()
    page = partner_client.get(reverse("programmes:hand_over", args=[allocation.pk])).content.decode()
    assert "Jeune accompagné par une Mission locale" in page and SITUATIONS[1] in page
    assert "Particulier acheteur" not in page  # only the programme's categories
    response = partner_client.post(
        reverse("programmes:hand_over", args=[allocation.pk]),
        {
            "handed_over_on": "",
            "beneficiary_category": "youth_mission_locale",
            "age_bracket": "16_25",
            "territory": "35236",
            "situation": SITUATIONS[1],
            "partner_reference": "ML-2026-17",
        },
    )
    assert response.status_code == 200  # the date is required: the form comes back with the input kept
    html = response.content.decode()
    assert "ML-2026-17" in html and "Champ requis" in html
    response = partner_client.post(
        reverse("programmes:hand_over", args=[allocation.pk]),
        {
            "handed_over_on": timezone.localdate().isoformat(),
            "beneficiary_category": "youth_mission_locale",
            "age_bracket": "16_25",
            "territory": "35236",
            "situation": SITUATIONS[1],
            "partner_reference": "ML-2026-17",
        },
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.status, allocation.handed_over_by, str(allocation.handed_over_on)) == (
        A.HANDED_OVER,
        partner_staff,
        timezone.localdate().isoformat(),
    )
    assert Device.objects.get(pk=allocation.device_id).status == Device.Status.DONATED


def test_a_stale_link_says_why_on_the_portal(partner_client, received, partner_staff):
    allocation = hand_over(received(), partner_staff)
    for name in ("hand_over", "give_back"):
        response = partner_client.get(reverse(f"programmes:{name}", args=[allocation.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("programmes:home")
        assert "déjà été remis" in response.content.decode() or "remis à un bénéficiaire" in response.content.decode()


def test_a_refused_hand_over_keeps_the_input_and_says_why(partner_client, received, partner_staff):
    allocation = received()
    response = partner_client.post(
        reverse("programmes:hand_over", args=[allocation.pk]),
        {
            "handed_over_on": "2020-01-01",
            "beneficiary_category": "youth_mission_locale",
            "age_bracket": "26_44",
            "territory": "56260",
            "situation": SITUATIONS[0],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "avant le" in html and 'value="56260"' in html
    assert Allocation.objects.get(pk=allocation.pk).status == A.RECEIVED


def test_give_back_through_the_page(partner_client, received):
    allocation = received()
    response = partner_client.post(
        reverse("programmes:give_back", args=[allocation.pk]), {"condition": "broken", "note": "Écran fêlé"}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.status, allocation.return_condition, allocation.return_note) == (
        A.RETURNED,
        "broken",
        "Écran fêlé",
    )
    assert Device.objects.get(pk=allocation.device_id).status == Device.Status.IN_WORKSHOP


def test_receive_all(partner_client, allocate):
    allocations = [allocate(), allocate()]
    response = partner_client.post(reverse("programmes:receive_all", args=["mission-locale-redon"]), follow=True)
    assert "2 appareils reçus" in response.content.decode()
    assert set(Allocation.objects.filter(pk__in=[a.pk for a in allocations]).values_list("status", flat=True)) == {
        A.RECEIVED
    }


def test_the_receipt_is_a_pdf_to_sign_with_no_name_in_it(partner_client, received, partner_staff):
    allocation = hand_over(received(), partner_staff, partner_reference="ML-99")
    response = partner_client.get(reverse("programmes:receipt", args=[allocation.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert allocation.device.asset_tag in text and "ML-99" in text
    assert "écrit à la main" in text and "ne pas le revendre" in text


def test_the_account_page_leads_to_the_relay_portal(partner_client, client):
    html = partner_client.get(reverse("shop_my_orders")).content.decode()
    assert "Mes espaces" in html and reverse("programmes:home") in html


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_partners_staff_land_on_the_relay_portal_after_logging_in(client, partner_staff):
    _verified(partner_staff)
    response = client.post("/compte/login/", {"login": partner_staff.email, "password": "x" * 12})
    assert response.status_code == 302 and response["Location"] == reverse("programmes:home")


def test_a_donors_people_land_on_the_donor_portal(client, donor, django_user_model):
    person = _verified(django_user_model.objects.create_user(email="numerique@region.example", password="x" * 12))
    donor.users.add(person)
    response = client.post("/compte/login/", {"login": person.email, "password": "x" * 12})
    assert response.status_code == 302 and response["Location"] == reverse("devices:donor_home")
    # A `next` still wins.
    client.logout()
    response = client.post("/compte/login/?next=/boutique/", {"login": person.email, "password": "x" * 12})
    assert response["Location"] == "/boutique/"
