"""Issue 13's journey in Chromium: a technician uploads an asset manager's export, fixes the mapping in the
preview, imports it, selects the batch's devices in the list for one erasure run with a certificate, then
exports the list. axe-core checks every page on the way."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group

from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch, Membership
from tests.browser.conftest import blocking_violations, login
from tests.browser.test_registry_journey import PASSWORD, _certificate_pdf, _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As GLPI's list export writes it (";", UTF-8 with BOM): "Code" is the donor's own inventory number, which no
# header rule can guess, and "Mémoire" holds MB without saying so.
EXPORT = (
    "\ufeffNom;Entité;Fabricant;Numéro de série;Type;Modèle;Composants - Processeur;Mémoire;Lieu;Code\r\n"
    "LYC-RNS-014;Région > Lycées;LENOVO;PF1GLPI01;Portable;ThinkPad T480;Intel Core i5-8250U;8192;Rennes;INV-014\r\n"
    "LYC-RNS-015;Région > Lycées;Dell Inc.;7XK2GLPI2;Portable;Latitude 5490;Intel Core i5-8350U;16384;Brest;"
    "INV-015\r\n"
    "LYC-VNS-203;Région > Lycées;HP;CZCGLPI03;Tour;EliteDesk 800 G3;Intel Core i5-6500;8192;Vannes;INV-203\r\n"
)


@pytest.fixture
def workshop(base_data):
    technician = _user("atelier.import@declic.example", is_staff=True)
    technician.groups.add(Group.objects.get(name="Workshop"))
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    Membership.objects.create(user=technician, association=association, role=Membership.Role.TECHNICIAN)
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference="LYCEES-2026")
    return {"technician": technician, "batch": batch}


def test_import_an_asset_manager_export_then_erase_and_export(page, live_server, workshop, tmp_path):
    page.set_default_timeout(20000)
    base, batch = live_server.url, workshop["batch"]
    login(page, base, workshop["technician"].email, PASSWORD)
    problems = []

    # Upload the export.
    upload_url = f"{base}/admin/atelier/lots/{batch.pk}/import/"
    problems += blocking_violations(page, upload_url)
    export = tmp_path / "glpi-ordinateurs.csv"
    export.write_bytes(EXPORT.encode("utf-8"))
    page.set_input_files("input[name=file]", str(export))
    with page.expect_navigation():
        page.get_by_role("button", name="Lire le fichier").click()

    # The preview: encoding said, nothing written, "Code" ignored; the technician maps it and sets the unit.
    assert "UTF-8 (BOM)" in page.locator("[data-file-description]").inner_text()
    assert not Device.objects.exists()
    assert "Code" in page.locator("[data-ignored-columns]").inner_text()
    page.get_by_label("Code", exact=True).select_option("donor_reference")
    page.get_by_label("Mémoire", exact=True).select_option("ram_mb")
    with page.expect_navigation():
        page.get_by_role("button", name="Mettre à jour l’aperçu").click()
    preview_url = page.url
    problems += blocking_violations(page, preview_url)
    first_row = page.locator("[data-preview] tbody tr").first
    assert first_row.locator("[data-field=donor_reference]").inner_text() == "INV-014"
    assert first_row.locator("[data-field=ram_gb]").inner_text() == "8"
    assert first_row.locator("[data-field=brand]").inner_text() == "Lenovo"
    assert "Entité" in page.locator("[data-ignored-columns]").inner_text()  # still said, never silent

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Importer 3 appareils")).click()
    assert re.search(r"\b3\b", page.locator("[data-import-result]").inner_text())
    problems += blocking_violations(page, page.url)
    devices = {d.serial: d for d in Device.objects.filter(batch=batch)}
    assert devices["7XK2GLPI2"].ram_gb == 16 and devices["7XK2GLPI2"].donor_reference == "INV-015"
    assert devices["CZCGLPI03"].category == "desktop" and devices["CZCGLPI03"].brand == "HP"

    # The batch's devices in the list: select them all, one erasure run with a certificate.
    list_url = f"{base}/admin/atelier/appareils/?batch={batch.pk}"
    problems += blocking_violations(page, list_url)
    for checkbox in page.locator("input[data-bulk-action-checkbox]").all():
        checkbox.check()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Effacer avec un seul certificat")).click()
    problems += blocking_violations(page, page.url)
    tags = page.locator("textarea[name=devices]").input_value().split()
    assert sorted(tags) == sorted(d.asset_tag for d in devices.values())
    page.fill("input[name=method]", "NIST SP 800-88 Purge")
    page.fill("input[name=tool]", "nwipe 0.34")
    page.locator("input[name=result][value=success]").check()
    page.set_input_files("input[name=certificate]", str(_certificate_pdf(tmp_path / "session.pdf")))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Enregistrer")).click()
    erasures = DeviceEvent.objects.filter(kind=DeviceEvent.Kind.ERASED, device__batch=batch)
    assert erasures.count() == 3 and len({event.evidence.name for event in erasures}) == 1
    assert not Device.objects.filter(batch=batch, needs_erasure=True).exists()

    # Export the filtered list.
    export_response = page.request.get(f"{list_url}&export=csv")
    assert export_response.ok
    rows = list(csv.reader(io.StringIO(export_response.text())))
    assert len(rows) == 4 and {"PF1GLPI01", "INV-014"} <= set(sum(rows, []))
    assert not problems, "\n".join(problems)
