"""A donation through a relay partner in Chromium: a technician allocates three laptops to the Mission
locale; its staff receive them, hand two over and give one back; the donor's report and the passports show
the chain (member → partner kind → beneficiary category and territory) and no personal data. axe-core on
each page."""

from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from devices import services
from devices.models import Association, Device, Donor, IntakeBatch, Membership, PartnerKind
from programmes.models import Allocation, Programme, RelayPartner
from tests.browser.conftest import blocking_violations, login
from tests.devices.conftest import CHECKLIST_OK, ERASURE_METHOD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-relais-2026"


def _user(email, *, group=None):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    if group:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=group))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def setting(base_data):
    declic = Association.objects.create(name="Déclic", slug="declic", postcode="35600", city="Redon")
    laposte = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY, contact_email="dr@laposte.example")
    batch = IntakeBatch.objects.create(
        donor=laposte, association=declic, reference="LP-35-2026", received_on=date(2026, 6, 2)
    )
    technician = _user("atelier@declic.example", group="Workshop")
    Membership.objects.create(user=technician, association=declic, role=Membership.Role.TECHNICIAN)
    devices = []
    for n in range(3):
        device = services.device_register(
            batch=batch,
            category=Device.Category.LAPTOP,
            brand="Dell",
            model="Latitude 5490",
            serial=f"LP-SN-{n}",
            donor_reference=f"INV-LP-{n:04d}",
        )
        services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
        services.device_erase(device=device, actor=technician, method=ERASURE_METHOD)
        services.device_grade(device=device, actor=technician, grade="B")
        devices.append(device)
    partner = RelayPartner.objects.create(
        name="Mission locale du Pays de Redon", slug="ml-redon", kind=PartnerKind.MISSION_LOCALE, territory="35236"
    )
    staff = _user("conseillere@ml-redon.example")
    partner.users.add(staff)
    programme = Programme.objects.create(
        name="La Poste → jeunes de la Mission locale",
        slug="laposte-ml",
        categories=["youth_mission_locale"],
        situations="Demandeur d'emploi\nEn formation",
        quota=20,
        starts_on=date(2026, 1, 1),
    )
    programme.donors.add(laposte)
    programme.members.add(declic)
    programme.partners.add(partner)
    donor_user = _user("dr@laposte.example")
    laposte.users.add(donor_user)
    return {"technician": technician, "staff": staff, "donor": donor_user, "devices": devices, "programme": programme}


def test_three_laptops_through_the_mission_locale(page, browser, live_url, setting):
    page.set_default_timeout(15000)
    devices, programme = setting["devices"], setting["programme"]
    problems = []

    # The technician allocates the three laptops from their device pages (the partner list follows the programme).
    login(page, live_url, setting["technician"].email, PASSWORD)
    for device in devices:
        page.goto(f"{live_url}/admin/atelier/appareils/{device.pk}/")
        page.locator("#action-allocate summary").click()
        page.locator("#action-allocate select[name=allocate-programme]").select_option(str(programme.pk))
        partner_select = page.locator("#action-allocate select[name=allocate-partner]")
        partner_select.select_option(label="Mission locale du Pays de Redon")
        page.locator("#action-allocate button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert "attribué à Mission locale du Pays de Redon" in page.content()
    problems += blocking_violations(page, f"{live_url}/admin/atelier/appareils/{devices[0].pk}/")
    assert set(Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("status", flat=True)) == {
        Device.Status.ALLOCATED
    }

    # The Mission locale's adviser receives them all at once, hands two over and gives one back.
    partner_context = browser.new_context()
    partner = partner_context.new_page()
    partner.set_default_timeout(15000)
    login(partner, live_url, setting["staff"].email, PASSWORD)
    partner.goto(f"{live_url}/relais/")
    problems += blocking_violations(partner, f"{live_url}/relais/")
    home = partner.content()
    assert all(d.asset_tag in home for d in devices)
    assert "INV-LP-0000" not in home and "LP-35-2026" not in home and "LP-SN-0" not in home
    partner.get_by_role("button", name="Tout marquer comme reçu (Mission locale du Pays de Redon)").click()
    partner.wait_for_load_state("networkidle")
    assert "3 appareils reçus" in partner.content()
    allocations = {a.device_id: a for a in Allocation.objects.all()}
    for device, commune, age in ((devices[0], "35236", "16 à 25 ans"), (devices[1], "44067", "26 à 44 ans")):
        partner.get_by_role("link", name=f"Remettre {device.asset_tag}").click()
        url = f"{live_url}/relais/appareils/{allocations[device.pk].pk}/remise/"
        assert partner.url == url
        problems += blocking_violations(partner, url)
        partner.get_by_label("Catégorie de bénéficiaire").select_option(label="Jeune accompagné par une Mission locale")
        partner.get_by_label("Tranche d'âge").select_option(label=age)
        partner.get_by_label("Où vit le bénéficiaire").fill(commune)
        partner.get_by_label("Situation").select_option(label="En formation")
        partner.get_by_label("Votre propre référence (facultatif)").fill(f"DOSSIER-{device.pk}")
        partner.get_by_role("button", name="Enregistrer la remise").click()
        partner.wait_for_load_state("networkidle")
        assert f"Remise de {device.asset_tag} enregistrée" in partner.content()
    partner.get_by_role("link", name=f"Rendre {devices[2].asset_tag}").click()
    problems += blocking_violations(partner, partner.url)
    partner.get_by_label("Cassé ou abîmé").check()
    partner.get_by_label("Ce qui s'est passé (facultatif)").fill("Écran fêlé")
    partner.get_by_role("button", name="Enregistrer le retour").click()
    partner.wait_for_load_state("networkidle")
    assert f"Retour de {devices[2].asset_tag} enregistré" in partner.content()
    with partner.expect_download() as download:
        partner.get_by_role("link", name=f"Reçu pour {devices[0].asset_tag} (PDF)").click()
    assert download.value.suggested_filename == f"recu-remise-{devices[0].asset_tag}.pdf"
    partner_context.close()

    statuses = dict(Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("pk", "status"))
    assert [statuses[d.pk] for d in devices] == [
        Device.Status.DONATED,
        Device.Status.DONATED,
        Device.Status.IN_WORKSHOP,
    ]

    # La Poste's report and the passports: the chain, no personal data.
    donor_context = browser.new_context()
    donor = donor_context.new_page()
    donor.set_default_timeout(15000)
    login(donor, live_url, setting["donor"].email, PASSWORD)
    donor.goto(f"{live_url}/donateurs/")
    donor.get_by_role("link", name=programme.name).click()
    report_url = f"{live_url}/donateurs/programmes/{programme.slug}/"
    assert donor.url == report_url
    assert donor.locator("[data-handed-over]").inner_text() == "2"
    assert donor.locator("[data-returned]").inner_text() == "1"
    text = donor.content()
    assert "Mission locale du Pays de Redon" in text and "DOSSIER-" not in text
    problems += blocking_violations(donor, report_url)
    batch_url = f"{live_url}/donateurs/lots/{devices[0].batch_id}/"
    donor.goto(batch_url)
    chain = donor.locator("[data-chain]").inner_text()
    assert "Déclic" in chain and "Mission locale" in chain and "Jeune accompagné par une Mission locale" in chain
    problems += blocking_violations(donor, batch_url)
    donor_context.close()

    for device, department in ((devices[0], "35"), (devices[1], "44")):
        passport_url = f"{live_url}/appareil/{device.asset_tag}/"
        page.goto(passport_url)
        lives = page.locator("#lives-title + ol").inner_text()
        assert "de Déclic par un partenaire relais : Mission locale" in lives
        assert f"département {department}" in lives and "DOSSIER" not in page.content()
        problems += blocking_violations(page, passport_url)
    assert not problems, "\n\n".join(problems)
