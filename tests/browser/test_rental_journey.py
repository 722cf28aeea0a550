"""Issue 5's journey in Chromium: a trainee signs up and applies with a PDF proof; the rental officer approves
and a device of the pool is assigned; the trainee signs the agreement online; the officer records the pickup,
later the return. The device's public passport shows it rented and returned, without any personal data.
axe-core checks every portal page (no serious or critical violation)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from devices.demo import DEMO_PASSWORD
from devices.models import BeneficiaryCategory, Device, DeviceEvent
from rental.demo import OFFICER_EMAIL
from rental.models import Application
from tests.browser.conftest import blocking_violations, login, officer_step
from tests.helpers import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAINEE = "armelle.stagiaire@exemple.bzh"
PASSWORD = "Velo-Kreiz-Breizh-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def french(label) -> str:
    with translation.override("fr"):
        return str(label)


def test_trainee_borrows_and_returns_a_computer(page, browser, live_server, demo_site, tmp_path):
    base = live_server.url
    violations = []

    # The landing page and its eligibility check.
    violations += blocking_violations(page, f"{base}/location/")
    page.locator("#id_enrolled_0").check()
    page.locator("#id_remote_0").check()
    page.locator("#id_equipped_1").check()
    page.locator("section.eligibility button[type=submit]").click()
    page.locator(".eligibility__result a[href='/location/demande/']").wait_for()

    # Sign up, confirm the address from the e-mail (allauth logs the trainee in).
    mail.outbox.clear()
    page.goto(f"{base}/compte/signup/")
    form = page.locator("main form").filter(has=page.locator("input[name=password2]"))
    form.locator("input[name=email]").fill(TRAINEE)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    body = wait_until(
        lambda: next((m.body for m in mail.outbox if TRAINEE in m.to), None), what="the address confirmation e-mail"
    )
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", body).group(0)
    page.goto(base + urlsplit(link).path)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()

    # Apply with a PDF proof.
    violations += blocking_violations(page, f"{base}/location/demande/")
    proof = tmp_path / "attestation.pdf"
    proof.write_bytes(PDF)
    fields = {
        "first_name": "Armelle",
        "last_name": "Kerjean",
        "phone": "06 98 76 54 32",
        "address": "7 impasse des Hortensias",
        "postcode": "35600",
        "commune": "Redon",
    }
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=programme]").select_option(index=1)
    page.locator("select[name=pickup_association]").select_option(label="Déclic")
    page.set_input_files("input[name=proof]", str(proof))
    page.locator("input[name=privacy_accepted]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application = Application.objects.get(email=TRAINEE)
    assert page.url == f"{base}/location/mes-demandes/{application.pk}/"
    assert application.status == Application.Status.SUBMITTED and application.proof.name.endswith(".pdf")
    violations += blocking_violations(page, f"{base}/location/mes-demandes/")
    violations += blocking_violations(page, f"{base}/location/mes-demandes/{application.pk}/")

    # The officer approves: a laptop of Déclic's pool is assigned.
    officer_context = browser.new_context()
    officer = officer_context.new_page()
    login(officer, base, OFFICER_EMAIL, DEMO_PASSWORD)
    officer.goto(f"{base}/admin/location/demandes/?status=submitted")
    officer.get_by_role("link", name=application.reference).click()
    officer.locator("main").get_by_text("Kerjean").first.wait_for()
    officer_step(officer, base, application, "approve")
    assert application.status == Application.Status.APPROVED
    device = application.device
    assert device is not None and device.status == Device.Status.RESERVED

    # The trainee signs online (payment at the counter: no Stripe keys here).
    violations += blocking_violations(page, f"{base}/location/mes-demandes/{application.pk}/signer/")
    assert device.asset_tag in page.locator("main").inner_text()
    page.locator("[name=typed_name]").fill("Armelle Kerjean")
    page.locator("[name=accepted]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED and application.agreement.signed_file
    violations += blocking_violations(page, f"{base}/location/mes-demandes/{application.pk}/")

    # Pickup: the passport shows the device rented, with categories only.
    officer_step(officer, base, application, "pickup")
    assert application.status == Application.Status.ACTIVE
    passport = browser.new_context().new_page()
    passport.goto(f"{base}/appareil/{device.asset_tag}/")
    text = passport.locator("main").inner_text()
    assert french(Device.Status.RENTED.label) in text

    # Later, the return with its condition check: back to the workshop.
    officer_step(officer, base, application, "return", {"condition": "Bon état, chargeur et sacoche rendus"})
    assert application.status == Application.Status.CLOSED
    device.refresh_from_db()
    assert device.status == Device.Status.IN_WORKSHOP and device.needs_erasure
    passport.goto(f"{base}/appareil/{device.asset_tag}/")
    text = passport.locator("main").inner_text()
    assert french(Device.Status.IN_WORKSHOP.label) in text
    assert french(gettext_lazy("The device has come back since: it will be erased again before its next use.")) in text
    assert device.events.filter(kind=DeviceEvent.Kind.RETURNED).exists()
    # Its second lives: rented (by a Région trainee, département only), then returned.
    lives = passport.locator("section").filter(has=passport.locator("#lives-title")).inner_text()
    assert french(DeviceEvent.Kind.RENTED.label) in lives and french(DeviceEvent.Kind.RETURNED.label) in lives
    assert french(BeneficiaryCategory.REGION_TRAINEE.label) in lives
    for personal in ("Armelle", "Kerjean", TRAINEE, "06 98 76 54 32", "Hortensias", application.reference):
        assert personal not in passport.content()
    officer_context.close()

    assert not violations, "\n\n".join(violations)
