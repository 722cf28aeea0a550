"""A trainee's application moves across the network in Chromium: she applies at a member that lends laptops
but has none free; its rental officer approves (waiting list) and proposes a move to a member that has one;
she accepts on her application's page and the laptop there is assigned at once; that member's officer, and
no longer the first one, takes it to the pickup. axe-core on each page of the move."""

import datetime

import pytest

from devices import services as device_services
from devices.models import Association, Device, Donor, IntakeBatch, Membership
from rental.models import Application, TrainingProgramme
from tests.browser.conftest import blocking_violations, login, officer_step
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mor-Braz-Penn-ar-Bed-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _person(email, association=None, *, staff=True):
    user = UserFactory(email=email, password=PASSWORD, is_staff=staff)
    if association is not None:
        Membership.objects.create(user=user, association=association, role=Membership.Role.RENTAL_OFFICER)
    return user


@pytest.fixture
def network(base_data):
    """Cornouaille (Finistère) lends laptops but has none; Déclic (Ille-et-Vilaine) has one in its pool."""
    cornouaille = Association.objects.create(
        name="Cornouaille Numérique Solidaire", slug="cornouaille", postcode="29000", city="Quimper", offers_rental=True
    )
    declic = Association.objects.create(
        name="Déclic", slug="declic", postcode="35600", city="Redon", street="3 rue des Douves", offers_rental=True
    )
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    batch = IntakeBatch.objects.create(donor=donor, association=declic, reference="CONV-RB-2026")
    technician = _person("atelier@declic.example")
    laptop = device_services.device_register(
        batch=batch, category=Device.Category.LAPTOP, serial="PF1ABCDE", brand="Lenovo", model="ThinkPad T480"
    )
    device_services.device_test(device=laptop, actor=technician, checklist={"écran": True, "webcam": True})
    device_services.device_erase(device=laptop, actor=technician, method="NIST SP 800-88 Purge", tool="nwipe")
    device_services.device_grade(device=laptop, actor=technician, grade="B", battery_health=85)
    device_services.device_reserve_for_rental(device=laptop, actor=technician)
    today = datetime.date.today()
    TrainingProgramme.objects.create(
        title="Assistant·e de vie aux familles",
        training_body="GRETA de Cornouaille",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=150),
    )
    return {
        "cornouaille": cornouaille,
        "declic": declic,
        "laptop": laptop,
        "officer_cornouaille": _person("location@cornouaille.example", cornouaille),
        "officer_declic": _person("location@declic.example", declic),
        "trainee": _person("gwenola.stagiaire@exemple.bzh", staff=False),
    }


def test_an_application_moves_to_a_member_with_a_free_laptop_and_completes(page, browser, live_url, network, tmp_path):
    page.set_default_timeout(15000)
    violations = []
    cornouaille, declic, laptop = network["cornouaille"], network["declic"], network["laptop"]

    # The trainee applies at Cornouaille, near her training.
    login(page, live_url, network["trainee"].email, PASSWORD)
    page.goto(f"{live_url}/location/demande/")
    proof = tmp_path / "attestation.pdf"
    proof.write_bytes(PDF)
    for name, value in {
        "first_name": "Gwenola",
        "last_name": "Le Goff",
        "phone": "06 11 22 33 44",
        "address": "12 rue de Kerfeunteun",
        "postcode": "29000",
        "commune": "Quimper",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=programme]").select_option(index=1)
    page.locator("select[name=pickup_association]").select_option(label=cornouaille.name)
    page.set_input_files("input[name=proof]", str(proof))
    page.locator("input[name=privacy_accepted]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application = Application.objects.get(email=network["trainee"].email)
    assert application.pickup_association == cornouaille

    # Cornouaille's officer approves: no laptop there nor in Finistère, the application waits; a move to
    # Déclic, which has one, is proposed.
    officer_context = browser.new_context()
    officer = officer_context.new_page()
    officer.set_default_timeout(15000)
    login(officer, live_url, network["officer_cornouaille"].email, PASSWORD)
    officer_step(officer, live_url, application, "approve")
    assert application.status == Application.Status.WAITLISTED and application.device is None
    officer_step(
        officer,
        live_url,
        application,
        "transfer",
        fields={"message": "Déclic, à Redon, a un ordinateur libre tout de suite."},
        selects={"to_association": str(declic.pk)},
    )
    assert application.transfer_to == declic and application.pickup_association == cornouaille
    violations += blocking_violations(officer, f"{live_url}/admin/location/demandes/{application.pk}/")

    # The trainee sees the proposal on her application's page and accepts it: Déclic's laptop is hers.
    page.goto(f"{live_url}/location/mes-demandes/{application.pk}/")
    proposal = page.locator("section.rental-box").filter(has=page.locator("#transfer"))
    assert "Déclic" in proposal.inner_text() and "3 rue des Douves" in proposal.inner_text()
    violations += blocking_violations(page, f"{live_url}/location/mes-demandes/{application.pk}/")
    with page.expect_navigation():
        proposal.locator("button[value=accept]").click()
    application.refresh_from_db()
    assert application.pickup_association == declic and application.transfer_to is None
    assert application.status == Application.Status.APPROVED and application.device == laptop

    # The application is Déclic's now: Cornouaille's officer no longer reaches it, Déclic's does.
    assert officer.goto(f"{live_url}/admin/location/demandes/{application.pk}/").status == 404
    officer_context.close()
    declic_context = browser.new_context()
    declic_officer = declic_context.new_page()
    declic_officer.set_default_timeout(15000)
    login(declic_officer, live_url, network["officer_declic"].email, PASSWORD)

    # She signs online (payment at the counter) and Déclic's officer records the pickup.
    page.goto(f"{live_url}/location/mes-demandes/{application.pk}/signer/")
    assert laptop.asset_tag in page.locator("main").inner_text()
    page.locator("[name=typed_name]").fill("Gwenola Le Goff")
    page.locator("[name=accepted]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED
    officer_step(declic_officer, live_url, application, "pickup")
    assert application.status == Application.Status.ACTIVE
    laptop.refresh_from_db()
    assert laptop.status == Device.Status.RENTED and laptop.association == declic
    violations += blocking_violations(declic_officer, f"{live_url}/admin/location/")
    declic_context.close()
    assert not violations, "\n\n".join(violations)
