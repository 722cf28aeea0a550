"""The public device passport /appareil/<tag>/: what a device is and went through, and no personal data."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.translation import gettext as _

from devices import services
from devices.models import Device, Donor, IntakeBatch

S = Device.Status
pytestmark = pytest.mark.django_db


def _page(client, tag):
    response = client.get(f"/appareil/{tag}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def passport_device(make_device, technician):
    device = make_device(
        brand="Lenovo", model="ThinkPad T480", cpu="Intel Core i5-8250U", ram_gb=8, storage_kind="ssd", storage_gb=256
    )
    services.device_test(device=device, actor=technician, checklist={"Écran": True, "Clavier": True, "Webcam": False})
    services.device_test(device=device, actor=technician, checklist={"Écran": True, "Clavier": True, "Webcam": True})
    services.device_erase(device=device, actor=technician, method="NIST SP 800-88 Purge", result="failure")
    services.device_erase(
        device=device,
        actor=technician,
        method="NIST SP 800-88 Purge",
        tool="Blancco Drive Eraser",
        erased_on=date(2026, 3, 31),
    )
    services.device_grade(device=device, actor=technician, grade="A", battery_health=91)
    device.refresh_from_db()
    return device


def test_passport_shows_what_the_device_is_and_went_through(client, passport_device):
    device = passport_device
    html = _page(client, device.asset_tag)
    for text in [
        device.asset_tag,
        str(Device.Category.LAPTOP.label),  # category
        "Lenovo ThinkPad T480",
        "Intel Core i5-8250U",
        str(device.get_grade_display()),
        str(Device.GRADE_CRITERIA[Device.Grade.A]),
        "91 %",
        str(Donor.ORIGIN_LABELS[Donor.Kind.LOCAL_AUTHORITY]),  # origin category
        "Déclic",
        "31 mars 2026",  # erasure date, French
        "NIST SP 800-88 Purge (Blancco Drive Eraser)",  # erasure method and tool
        str(device.get_status_display()),
    ]:
        assert escape(text) in html, text
    # the last test is shown, not the failed one before it
    assert html.count("Webcam") == 1
    assert "<svg" in html  # QR code of the passport
    assert '<meta name="robots" content="noindex">' in html


def test_a_device_not_yet_erased_says_so(client, make_device):
    device = make_device(brand="HP")
    html = _page(client, device.asset_tag)
    assert "NIST" not in html
    assert escape(str(Device.Status.RECEIVED.label)) in html


@pytest.mark.parametrize(
    "typed",
    [
        lambda tag: tag.lower(),
        lambda tag: tag.replace("-", ""),
        lambda tag: tag.replace("-", " "),
        lambda tag: " " + tag.lower().replace("-", " ") + " ",
        lambda tag: tag.replace("-", "."),
    ],
)
def test_typed_tags_are_normalised(client, passport_device, typed):
    assert passport_device.asset_tag in _page(client, typed(passport_device.asset_tag))


@pytest.mark.parametrize("tag", ["AAA-AAA", "ABC-DEF", "pas-un-tag", "K7X-4A", "K7X-4A99", "%20"])
def test_unknown_or_invalid_tags_are_404(client, db, tag):
    assert client.get(f"/appareil/{tag}/").status_code == 404


def test_an_unknown_tag_gets_the_sites_own_page_even_under_debug(client, db, home_page, settings):
    settings.DEBUG = True  # `make run`: Django's technical 404 page used to show instead
    response = client.get("/appareil/AAA-AAA/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Aucun appareil ne porte l’étiquette AAA-AAA" in content and "Page introuvable" in content
    assert "technical" not in content.lower() and "URLconf" not in content


def test_passport_never_shows_personal_data(client, ready, donor, device_in):
    donor.contact_name = "Gwenaëlle Quéméner-Contact"
    donor.contact_email = "gwenaelle.quemener@region-bretagne.example"
    donor.public_name_agreed = False
    donor.save()
    actor = get_user_model().objects.create_user(
        email="armelle.vendeuse@atelier.example", password="x" * 12, first_name="Armelle", last_name="Kerloc'hvendeuse"
    )
    sold, rented, donated = ready(), ready(), ready()
    services.device_list_for_sale(device=sold, actor=actor)
    services.device_sell(
        device=sold,
        actor=actor,
        beneficiary_category="individual",
        territory="35238",
        reference="ORDER-100042-Mme-Le-Goff",
    )
    services.device_reserve_for_rental(device=rented, actor=actor)
    services.device_rent(device=rented, actor=actor, territory="29019", reference="AGREEMENT-77-Kevin-Morvan")
    services.device_donate(
        device=donated,
        actor=actor,
        programme="Mission locale du Pays de Redon",
        beneficiary_category="youth_mission_locale",
        territory="35236",
    )
    returned = device_in(S.RENTED)
    services.device_return(device=returned, actor=actor, condition="rendu par Kevin Morvan", note="Kevin Morvan")

    private = [
        donor.name,
        donor.contact_name,
        escape(donor.contact_name),
        donor.contact_email,
        actor.email,
        "Armelle",
        "Kerloc",
        "ORDER-",
        "Le-Goff",
        "AGREEMENT-",
        "Morvan",
        "35238",
        "29019",
        "35236",
        "Mission locale du Pays de Redon",
        "yann.technicien",
    ]
    for device in (sold, rented, donated, returned):
        html = _page(client, device.asset_tag.lower().replace("-", " "))
        assert device.asset_tag in html
        assert escape(str(Donor.ORIGIN_LABELS[Donor.Kind.LOCAL_AUTHORITY])) in html
        for secret in private:
            assert secret not in html, (device.status, secret)


def test_the_donor_is_named_only_with_its_agreement(client, ready, donor):
    device = ready()
    assert donor.name not in _page(client, device.asset_tag)
    donor.public_name_agreed = True
    donor.save()
    html = _page(client, device.asset_tag)
    assert donor.name in html
    assert donor.contact_name not in html and donor.contact_email not in html


def test_an_individual_donor_is_never_named(client, association):
    person = Donor.objects.create(name="Jean-Yves Le Donateur", kind=Donor.Kind.INDIVIDUAL, public_name_agreed=True)
    batch = IntakeBatch.objects.create(donor=person, association=association)
    device = services.device_register(batch=batch, category="laptop", serial="IND-1")
    html = _page(client, device.asset_tag)
    assert "Jean-Yves" not in html
    assert escape(str(Donor.ORIGIN_LABELS[Donor.Kind.INDIVIDUAL])) in html


def test_a_returned_device_says_it_will_be_erased_again(client, device_in, technician):
    device = device_in(S.SOLD)
    notice = _("The device has come back since: it will be erased again before its next use.")  # {% translate %}
    assert notice not in _page(client, device.asset_tag)
    services.device_return(device=device, actor=technician)
    html = _page(client, device.asset_tag)
    assert "NIST SP 800-88 Purge" in html  # the earlier erasure stays in the history
    assert notice in html


def test_passport_tells_the_second_lives_by_category_and_department(client, ready):
    device = ready()
    services.device_reserve_for_rental(device=device, actor=None)
    services.device_rent(device=device, actor=None, territory="29019", reference="AGREEMENT-12")
    services.device_return(device=device, actor=None, condition="bon état")

    content = client.get(f"/appareil/{device.asset_tag}/").content.decode()

    lives = content.split('id="lives-title"', 1)[1].split("</section>", 1)[0]
    assert lives.count("<li>") == 2
    assert "29" in lives and "29019" not in lives and "AGREEMENT" not in lives
