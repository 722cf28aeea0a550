"""What the donors and the funder see of a programme, and the chain on the passport and the batch report:
member → relay partner kind → beneficiary category and territory, never a person."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from devices import selectors as registry_selectors
from programmes import selectors, services
from tests.programmes.conftest import hand_over


@pytest.fixture
def donor_user(donor, django_user_model):
    user = django_user_model.objects.create_user(email="numerique@region.example", password="x" * 12)
    donor.users.add(user)
    return user


@pytest.fixture
def spread(allocate, received, partner_staff, ccas):
    """Two handed over (one through the CCAS), one pending at the Mission locale, one returned, one to receive."""
    handed = [
        hand_over(received(), partner_staff, age_bracket="16_25", territory="35236", partner_reference="ML-1"),
        hand_over(received(), partner_staff, age_bracket="26_44", territory="56260"),
    ]
    pending = received()
    returned = services.allocation_return(allocation=received(), actor=partner_staff, condition="broken")
    to_receive = allocate(ccas)
    return {"handed": handed, "pending": pending, "returned": returned, "to_receive": to_receive}


def test_report_counts_equal_the_event_log(programme, spread):
    report = selectors.programme_report(programme)

    assert (report.allocated, report.handed_over, report.pending, report.returned) == (5, 2, 2, 1)
    assert (report.to_receive, report.at_partner) == (1, 1)
    assert selectors.programme_event_counts(programme) == {"allocated": 5, "handed_over": 2, "returned": 1}
    assert report.by_department == [("35", 1), ("56", 1)]
    assert dict(report.by_age) == {"16 à 25 ans": 1, "26 à 44 ans": 1}
    assert report.partners[0][:3] == ("Mission locale du Pays de Redon", "Mission locale", 4)
    assert report.fill_percent == 40  # 4 of the quota of 10 (the returned device frees its place)
    assert report.delay_median_days is not None


def test_the_donor_sees_the_programme_from_the_portal(client, donor_user, programme, spread):
    client.force_login(donor_user)
    home = client.get(reverse("devices:donor_home")).content.decode()
    assert reverse("programmes:report", args=[programme.slug]) in home

    html = client.get(reverse("programmes:report", args=[programme.slug])).content.decode()
    assert programme.name in html and "Remises par mois" in html and "<svg" in html
    assert "Mission locale du Pays de Redon" in html and "Jeune accompagné par une Mission locale" in html
    # No personal data, no partner's own file number.
    assert "ML-1" not in html and "conseillere@" not in html


def test_another_donor_does_not_see_the_programme(client, programme, spread, django_user_model):
    from devices.models import Donor

    stranger = django_user_model.objects.create_user(email="autre@donateur.example", password="x" * 12)
    Donor.objects.create(name="Autre donateur", kind=Donor.Kind.COMPANY).users.add(stranger)
    client.force_login(stranger)
    for name in ("report", "report_csv", "report_pdf"):
        assert client.get(reverse(f"programmes:{name}", args=[programme.slug])).status_code == 404
    assert programme.name not in client.get(reverse("devices:donor_home")).content.decode()


def test_the_funder_sees_it_too(client, programme, spread, django_user_model, laposte):
    funder_user = django_user_model.objects.create_user(email="dr@laposte.example", password="x" * 12)
    laposte.users.add(funder_user)
    programme.funder = laposte
    programme.save()
    client.force_login(funder_user)
    assert client.get(reverse("programmes:report", args=[programme.slug])).status_code == 200


def test_csv_lists_each_device_without_personal_data(client, donor_user, programme, spread):
    client.force_login(donor_user)
    response = client.get(reverse("programmes:report_csv", args=[programme.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *lines = rows
    assert header[0] == "Étiquette d'inventaire" and len(lines) == 5
    by_tag = {line[0]: line for line in lines}
    handed = by_tag[spread["handed"][0].device.asset_tag]
    assert handed[5] == "Remis" and handed[8] == "Jeune accompagné par une Mission locale" and handed[10] == "35"
    assert "ML-1" not in response.content.decode("utf-8-sig")


def test_pdf_tells_the_story_in_figures(client, donor_user, programme, spread):
    client.force_login(donor_user)
    response = client.get(reverse("programmes:report_pdf", args=[programme.slug]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "5 appareils attribués" in text and "2 remis" in text
    assert "Remises par mois" in text and "Où vivent les bénéficiaires" in text
    assert "borne haute" in text and "au plus" in text.lower()


def test_passport_and_batch_report_show_the_chain(client, programme, spread, batch):
    device = spread["handed"][0].device
    html = client.get(reverse("devices:passport", args=[device.asset_tag])).content.decode()
    assert "Remis à un bénéficiaire" in html
    assert "de Déclic par un partenaire relais : Mission locale" in html
    assert "Jeune accompagné par une Mission locale" in html
    assert "Pays de Redon" not in html and "ML-1" not in html  # neither the programme's partner nor its file

    report = registry_selectors.batch_report(batch)
    assert ("Déclic", "Mission locale", "Jeune accompagné par une Mission locale", 2) in report.by_chain
