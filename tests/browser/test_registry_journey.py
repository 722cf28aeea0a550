"""Issue 3's journey in Chromium: a technician imports a batch, erases and grades a device and prints its
label; the donor then logs in and finds the device, erased, in its report."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from reportlab.pdfgen import canvas

from devices.models import Association, Device, Donor, IntakeBatch, Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-atelier-2026"
INVENTORY = (
    "serial;brand;model;category;cpu;ram;storage_gb;storage_kind;screen_inches;os\n"
    "RB-LAP-0001;Dell;Latitude 5490;laptop;Intel Core i5-8350U;8;256;ssd;14;\n"
    "RB-LAP-0002;HP;EliteBook 840 G5;laptop;Intel Core i5-8250U;8;256;ssd;14;\n"
)


def _user(email, is_staff=False):
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    user.is_staff = is_staff
    user.save(update_fields=["is_staff"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def registry(base_data):
    technician = _user("technicienne@atelier.example", is_staff=True)
    technician.groups.add(Group.objects.get(name="Workshop"))
    donor_user = _user("elu@region.example")
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    Membership.objects.create(user=technician, association=association, role=Membership.Role.TECHNICIAN)
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY, public_name_agreed=True)
    donor.users.add(donor_user)
    batch = IntakeBatch.objects.create(
        donor=donor, association=association, reference="CONV-TEST-01", declared_laptops=2
    )
    return {"technician": technician, "donor_user": donor_user, "batch": batch}


def _login(page, base_url, email):
    page.goto(f"{base_url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def _certificate_pdf(path):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Certificat d'effacement - test")
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def test_technician_traces_a_device_that_the_donor_then_sees(page, live_server, registry, tmp_path):
    page.set_default_timeout(15000)
    batch = registry["batch"]
    _login(page, live_server.url, registry["technician"].email)

    # Import the donor's inventory into the batch.
    csv_path = tmp_path / "inventaire.csv"
    csv_path.write_text(INVENTORY, encoding="utf-8")
    page.goto(f"{live_server.url}/admin/atelier/lots/{batch.pk}/import/")
    page.set_input_files("input[name=file]", str(csv_path))
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    with page.expect_navigation():  # the preview, then the import
        page.locator("button[name=import]").click()
    result = page.locator("[data-import-result]")
    result.wait_for()
    assert re.search(r"\b2\b", result.inner_text())
    assert Device.objects.filter(batch=batch).count() == 2

    # Open the first device, test it, erase it with a certificate, grade it.
    device = Device.objects.get(serial="RB-LAP-0001")
    page.goto(f"{live_server.url}/admin/atelier/appareils/{device.pk}/")
    page.locator("#action-test summary").click()
    for checkbox in page.locator("#action-test input[type=checkbox]").all():
        checkbox.check()
    page.locator("#action-test button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    page.locator("#action-erase summary").click()
    page.fill("#action-erase input[name=erase-method]", "NIST SP 800-88 Purge")
    page.fill("#action-erase input[name=erase-tool]", "nwipe")
    page.locator("#action-erase input[name=erase-result][value=success]").check()
    page.set_input_files(
        "#action-erase input[name=erase-certificate]", str(_certificate_pdf(tmp_path / "certificat.pdf"))
    )
    page.locator("#action-erase button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    page.locator("#action-grade summary").click()
    page.locator("#action-grade input[name=grade-grade][value=B]").check()
    page.fill("#action-grade input[name=grade-battery_health]", "84")
    page.locator("#action-grade button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    device.refresh_from_db()
    assert device.status == Device.Status.READY
    assert device.grade == "B" and not device.needs_erasure
    assert page.locator("[data-status]").get_attribute("data-status") == Device.Status.READY

    # Print its label: a PDF that names the device.
    label = page.request.get(f"{live_server.url}/admin/atelier/appareils/{device.pk}/etiquette.pdf")
    assert label.ok and label.headers["content-type"] == "application/pdf"
    assert label.body().startswith(b"%PDF")

    # The donor logs in and finds the device in its batch report, with its erasure and certificate.
    donor_context = page.context.browser.new_context()
    donor_page = donor_context.new_page()
    donor_page.set_default_timeout(15000)
    _login(donor_page, live_server.url, registry["donor_user"].email)
    donor_page.goto(f"{live_server.url}/donateurs/")
    donor_page.get_by_role("link", name=re.compile("CONV-TEST-01")).click()
    donor_page.wait_for_url(re.compile(r"/donateurs/lots/\d+/$"))
    batch_url = donor_page.url
    row = donor_page.locator("tr", has_text=device.asset_tag)
    assert "RB-LAP-0001" in row.inner_text()
    assert row.get_by_role("link", name=re.compile(device.asset_tag)).count() >= 1
    certificate_link = row.locator("a[href*='/donateurs/certificats/']")
    assert certificate_link.count() == 1
    certificate = donor_page.request.get(live_server.url + certificate_link.get_attribute("href"))
    assert certificate.ok and certificate.body().startswith(b"%PDF")
    assert "attachment" in certificate.headers["content-disposition"]

    # The donor's pages and the public passport pass axe-core without serious or critical violations.
    problems = _serious_violations(donor_page, f"{live_server.url}/donateurs/")
    problems += _serious_violations(donor_page, batch_url)
    problems += _serious_violations(donor_page, f"{live_server.url}/appareil/{device.asset_tag}/")
    assert not problems, "\n".join(problems)
    donor_context.close()


def _serious_violations(page, url):
    from axe_playwright_python.sync_playwright import Axe

    if not url:
        return []
    page.goto(url)
    violations = Axe().run(page).response["violations"]
    return [
        f"{url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
