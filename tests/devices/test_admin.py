"""The workshop back office in the Wagtail admin: imports, quick entry, steps, erasure runs, labels, access."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from devices import forms, services
from devices.forms import CATEGORY_TEST_FUNCTIONS
from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch, Membership
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

Kind = DeviceEvent.Kind
Status = Device.Status
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
INVENTORY = (
    "serial;brand;model;category;cpu;ram;storage_gb;storage_kind;screen_inches;os\n"
    "SN-A1;Dell;Latitude 5490;laptop;i5-8350U;8;256;ssd;14;Windows 10\n"
    "SN-A2;Dell;OptiPlex 7050;unité centrale;i5-7500;8;500;hdd;;\n"
)


def csv_upload(text: str, name="inventaire.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def pdf_upload(name="certificat.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def workshop_user(association):
    """A technician of Déclic (the tests' association): the workshop shows Déclic's devices and batches."""
    user = get_user_model().objects.create_user(email="atelier@example.org", password="x", first_name="Alex")
    user.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=user, association=association, role=Membership.Role.TECHNICIAN)
    return user


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user(email="redaction@example.org", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def workshop(client, workshop_user):
    client.force_login(workshop_user)
    return client


@pytest.fixture
def association():
    return Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")


@pytest.fixture
def batch(association):
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    return IntakeBatch.objects.create(donor=donor, association=association, reference="RB-2022", declared_laptops=2)


def register(batch, serial, category=Device.Category.LAPTOP):
    return services.device_register(batch=batch, category=category, serial=serial, brand="Dell", model="Latitude")


def ready_device(batch, user, serial="SN-READY"):
    device = register(batch, serial)
    services.device_test(device=device, actor=user, checklist={"power": True})
    services.device_erase(device=device, actor=user, method="NIST SP 800-88 Purge")
    services.device_grade(device=device, actor=user, grade="A")
    device.refresh_from_db()
    assert device.status == Status.READY
    return device


def action_url(device, slug):
    return reverse(f"workshop_devices:{slug}", args=[device.pk])


# --- Group -----------------------------------------------------------------------------------------


def test_workshop_group_holds_exactly_the_workshop_permissions():
    group = Group.objects.get(name="Workshop")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert perms == {
        "wagtailadmin.access_admin",
        *(
            f"devices.{action}_{model}"
            for action in ("view", "add", "change")
            for model in ("intakebatch", "donor", "association")
        ),
        "devices.view_device",
        "devices.view_deviceevent",
        "devices.operate_device",
        "programmes.view_allocation",  # the allocations of the member's devices to relay partners
        *(f"programmes.{action}_allocationrule" for action in ("view", "add", "change", "delete")),
    }


# --- Inventory import ----------------------------------------------------------------------------


def upload_and_preview(workshop, batch, upload):
    """Upload a file: the answer is its preview page (nothing registered yet)."""
    response = workshop.post(reverse("workshop_batches:import", args=[batch.pk]), {"file": upload}, follow=True)
    assert response.status_code == 200
    return response


def confirm(workshop, response, **mapping):
    """Press "Import" on a preview page, with its mapping as proposed (or changed by `mapping`)."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "save_profile"}
    data = {name: value for name, value in data.items() if value not in (False, None)}
    data.update(mapping)
    data["import"] = "1"
    return workshop.post(response.wsgi_request.path, data, follow=True)


def test_inventory_import_previews_then_registers_every_row_with_its_reception_event(workshop, workshop_user, batch):
    preview = upload_and_preview(workshop, batch, csv_upload(INVENTORY))

    assert not Device.objects.exists()  # nothing is written before the import is confirmed
    html = preview.content.decode()
    assert "SN-A1" in html and "Latitude 5490" in html and "Windows-1252" not in html
    assert "UTF-8" in html  # the encoding found is said

    response = confirm(workshop, preview)

    devices = {d.serial: d for d in batch.devices.all()}
    assert set(devices) == {"SN-A1", "SN-A2"}
    assert devices["SN-A1"].ram_gb == 8 and devices["SN-A1"].storage_kind == "ssd"
    assert devices["SN-A2"].category == Device.Category.DESKTOP
    for device in devices.values():
        event = device.events.get()
        assert event.kind == Kind.RECEIVED and event.actor == workshop_user
    run = response.context["run"]
    assert (run.status, run.created_count, run.skipped_count) == ("done", 2, 0)
    assert f"?batch={batch.pk}" in response.content.decode()


def test_inventory_with_a_bad_row_imports_nothing_and_lists_the_line(workshop, batch):
    bad = INVENTORY + "SN-A3;HP;ProBook;grille-pain;;;;;;\n"

    preview = upload_and_preview(workshop, batch, csv_upload(bad))
    assert [line for line, _message in preview.context["plan"].errors] == [4]
    html = preview.content.decode()
    assert "<td>4</td>" in html and "grille-pain" in html

    response = confirm(workshop, preview)

    assert not Device.objects.exists()
    assert "rien n’a été importé" in response.content.decode() or "Rien n" in response.content.decode()

    response = confirm(workshop, response, skip_errors="on")  # or the valid rows only, the others listed

    assert set(batch.devices.values_list("serial", flat=True)) == {"SN-A1", "SN-A2"}
    assert response.context["run"].errors == [[4, response.context["run"].errors[0][1]]]
    assert "grille-pain" in response.content.decode()


def test_importing_the_same_inventory_again_creates_no_duplicate(workshop, batch):
    confirm(workshop, upload_and_preview(workshop, batch, csv_upload(INVENTORY)))

    preview = upload_and_preview(workshop, batch, csv_upload(INVENTORY))
    assert preview.context["plan"].skipped == 2
    response = confirm(workshop, preview)

    assert batch.devices.count() == 2
    assert DeviceEvent.objects.count() == 2
    assert (response.context["run"].created_count, response.context["run"].skipped_count) == (0, 2)


def test_a_binary_file_is_refused_before_the_import(workshop, batch):
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\x00\x00", content_type="text/csv")

    response = workshop.post(reverse("workshop_batches:import", args=[batch.pk]), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Device.objects.exists() and not batch.imports.exists()


# --- Quick entry ---------------------------------------------------------------------------------


def test_quick_entry_registers_an_unknown_serial_then_finds_it(workshop, workshop_user, batch):
    url = reverse("workshop_quick_entry:index")

    response = workshop.post(url, {"code": " SN-SCAN-1 ", "batch": batch.pk, "category": "laptop"})

    assert response.status_code == 302 and response.url == url
    device = Device.objects.get(serial="SN-SCAN-1")
    assert device.batch == batch and device.category == "laptop"
    assert device.events.get().kind == Kind.RECEIVED and device.events.get().actor == workshop_user
    page = workshop.get(url)
    html = page.content.decode()
    assert device.asset_tag in html  # the confirmation shows the new tag
    assert page.context["form"]["batch"].value() == batch.pk  # kept for the next scan
    assert page.context["form"]["category"].value() == "laptop"
    assert "autofocus" in html

    again = workshop.post(url, {"code": "sn-scan-1", "batch": batch.pk, "category": "laptop"})
    by_tag = workshop.post(url, {"code": device.asset_tag.replace("-", "").lower()})

    detail = reverse("workshop_devices:detail", args=[device.pk])
    assert again.status_code == 302 and again.url == detail
    assert by_tag.status_code == 302 and by_tag.url == detail
    assert Device.objects.count() == 1


def test_quick_entry_without_a_batch_does_not_register(workshop):
    response = workshop.post(reverse("workshop_quick_entry:index"), {"code": "SN-UNKNOWN"})

    assert response.status_code == 200
    assert not Device.objects.exists()
    assert "SN-UNKNOWN" in response.content.decode()  # named in the error message
    assert response.context["form"]["code"].value() == ""  # the input is empty for the next scan


# --- Device page and its steps -------------------------------------------------------------------


def test_erase_grade_and_list_for_sale_from_the_device_page(workshop, workshop_user, batch):
    device = register(batch, "SN-STEPS")
    functions = CATEGORY_TEST_FUNCTIONS[Device.Category.LAPTOP]
    today = timezone.localdate().isoformat()

    tested = workshop.post(action_url(device, "test"), {"test-passed": functions})
    erased = workshop.post(
        action_url(device, "erase"),
        {
            "erase-method": "NIST SP 800-88 Purge",
            "erase-tool": "nwipe",
            "erase-result": "success",
            "erase-operator": "Alex",
            "erase-erased_on": today,
            "erase-certificate": pdf_upload(),
        },
    )
    graded = workshop.post(action_url(device, "grade"), {"grade-grade": "B", "grade-battery_health": "81"})
    device.refresh_from_db()
    assert device.status == Status.READY
    listed = workshop.post(action_url(device, "list"), {"list-listing": "LAT-5490-B"})

    for response in (tested, erased, graded, listed):
        assert response.status_code == 302 and response.url == reverse("workshop_devices:detail", args=[device.pk])
    device.refresh_from_db()
    assert device.status == Status.LISTED
    assert (device.grade, device.battery_health, device.needs_erasure, device.tests_passed) == ("B", 81, False, True)
    events = list(device.events.order_by("pk"))
    assert [e.kind for e in events] == [Kind.RECEIVED, Kind.TESTED, Kind.ERASED, Kind.GRADED, Kind.LISTED]
    assert all(e.actor == workshop_user for e in events[1:])
    erasure = events[2]
    assert erasure.data == {"method": "NIST SP 800-88 Purge", "tool": "nwipe", "result": "success", "operator": "Alex"}
    assert erasure.evidence.open("rb").read() == PDF
    assert len(events[1].data["checklist"]) == len(functions) and events[1].data["passed"] is True

    page = workshop.get(reverse("workshop_devices:detail", args=[device.pk]))
    html = page.content.decode()
    assert reverse("workshop_devices:evidence", args=[erasure.pk]) in html
    assert "NIST SP 800-88 Purge" in html and "LAT-5490-B" in html
    assert 'id="action-unlist"' in html and 'id="action-erase"' not in html


def test_a_refused_step_shows_the_message_keeps_the_input_and_changes_nothing(workshop, batch):
    device = register(batch, "SN-EARLY")

    response = workshop.post(action_url(device, "list"), {"list-listing": "LAT-EARLY"})

    assert response.status_code == 200
    html = response.content.decode()
    expected = _("Device %(tag)s cannot be listed for sale: it is “%(status)s”.") % {
        "tag": device.asset_tag,
        "status": device.get_status_display(),
    }
    assert expected in html or escape(expected) in html
    assert 'value="LAT-EARLY"' in html
    device.refresh_from_db()
    assert device.status == Status.RECEIVED
    assert list(device.events.values_list("kind", flat=True)) == [Kind.RECEIVED]


def test_the_page_offers_only_the_steps_the_status_allows(workshop, workshop_user, batch):
    received = register(batch, "SN-NEW")
    ready = ready_device(batch, workshop_user)

    received_html = workshop.get(reverse("workshop_devices:detail", args=[received.pk])).content.decode()
    ready_html = workshop.get(reverse("workshop_devices:detail", args=[ready.pk])).content.decode()

    assert 'id="action-erase"' in received_html and 'id="action-list"' not in received_html
    assert 'id="action-donate"' not in received_html and 'id="action-correct"' in received_html
    assert 'id="action-list"' in ready_html and 'id="action-reserve"' in ready_html
    # Without a programme that the member refurbishes for, no donation or allocation is offered.
    assert 'id="action-donate"' not in ready_html and 'id="action-allocate"' not in ready_html
    assert 'id="action-release"' not in ready_html


def test_an_unticked_function_is_recorded_as_failed(workshop, batch):
    device = register(batch, "SN-SCREEN", category=Device.Category.SCREEN)

    response = workshop.post(action_url(device, "test"), {"test-passed": ["power", "panel"]})

    assert response.status_code == 302
    event = device.events.get(kind=Kind.TESTED)
    labels = forms.TEST_FUNCTIONS
    assert event.data == {
        "checklist": {str(labels["power"]): True, str(labels["panel"]): True, str(labels["video_inputs"]): False},
        "passed": False,
    }
    device.refresh_from_db()
    assert device.tests_passed is False


def test_an_invalid_form_records_nothing(workshop, batch):
    device = register(batch, "SN-NOMETHOD")

    response = workshop.post(action_url(device, "erase"), {"erase-result": "success"})

    assert response.status_code == 200
    assert response.context["actions"][2]["form"].errors["method"]
    assert device.events.count() == 1


@pytest.mark.parametrize(
    ("slug", "data", "kind", "status"),
    [
        ("clean", {"clean-note": "Dépoussiéré"}, Kind.CLEANED, Status.IN_WORKSHOP),
        ("install-os", {"install-os-os": "Linux Mint 22"}, Kind.OS_INSTALLED, Status.IN_WORKSHOP),
        ("repair", {"repair-parts": "Clavier AZERTY"}, Kind.REPAIRED, Status.IN_WORKSHOP),
        ("recycle", {"recycle-channel": "Ecosystem", "recycle-certificate": "pdf"}, Kind.RECYCLED, Status.RECYCLED),
        ("harvest", {"harvest-parts": "RAM, SSD"}, Kind.HARVESTED, Status.PARTS),
    ],
)
def test_each_workshop_step_calls_its_service(workshop, batch, slug, data, kind, status):
    device = register(batch, f"SN-{slug}")
    data = {key: pdf_upload() if value == "pdf" else value for key, value in data.items()}

    response = workshop.post(action_url(device, slug), data)

    assert response.status_code == 302
    device.refresh_from_db()
    event = device.events.get(kind=kind)
    assert device.status == status and event.status_after == status
    assert bool(event.evidence) is (slug == "recycle")


def test_listing_steps_from_ready_to_reserved_and_back(workshop, workshop_user, batch):
    device = ready_device(batch, workshop_user)
    steps = [
        ("list", {}, Status.LISTED),
        ("unlist", {"unlist-reason": "Photo à refaire"}, Status.READY),
        ("reserve", {}, Status.RESERVED),
        ("release", {"release-reason": "Formation annulée"}, Status.READY),
    ]

    for slug, data, status in steps:
        assert workshop.post(action_url(device, slug), data).status_code == 302, slug
        device.refresh_from_db()
        assert device.status == status, slug
    assert device.events.filter(kind__in=[Kind.LISTED, Kind.UNLISTED, Kind.RESERVED, Kind.RELEASED]).count() == 4


def test_a_transfer_is_sent_by_one_member_and_received_by_the_other(workshop, batch, association):
    device = register(batch, "SN-MOVE")
    other = Association.objects.create(name="Ordi Breizh", slug="ordi-breizh")
    receiver = get_user_model().objects.create_user(email="atelier@ordi-breizh.example", password="x")
    Membership.objects.create(user=receiver, association=other, role=Membership.Role.TECHNICIAN)

    response = workshop.post(action_url(device, "transfer"), {"transfer-to_association": other.pk})

    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.association, device.transfer_to, device.status) == (association, other, Status.IN_TRANSIT)
    assert device.events.get(kind=Kind.TRANSFER_SENT).data == {"from": "Déclic", "to": "Ordi Breizh"}
    # The sender cannot record the receipt; its page offers to cancel, not to receive.
    assert workshop.post(action_url(device, "receive"), {}).status_code == 404
    page = workshop.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert action_url(device, "cancel-transfer") in page and action_url(device, "receive") not in page

    client = Client()
    client.force_login(receiver)
    page = client.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert action_url(device, "receive") in page and action_url(device, "cancel-transfer") not in page
    assert client.post(action_url(device, "receive"), {"receive-note": "arrivé"}).status_code == 302
    device.refresh_from_db()
    assert (device.association, device.transfer_to, device.status) == (other, None, Status.RECEIVED)
    received = device.events.get(kind=Kind.TRANSFER_RECEIVED)
    assert received.association == other and received.actor == receiver
    # Now the device is the receiver's: the sender no longer reaches it.
    assert workshop.get(reverse("workshop_devices:detail", args=[device.pk])).status_code == 404


def test_a_correction_keeps_the_old_and_new_values(workshop, batch):
    device = register(batch, "SN-FIX")

    response = workshop.post(
        action_url(device, "correct"),
        {"correct-field": "ram_gb", "correct-value": "16", "correct-note": "Barrette ajoutée"},
    )

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.ram_gb == 16
    event = device.events.get(kind=Kind.CORRECTED)
    assert event.data == {"before": {"ram_gb": "None"}, "after": {"ram_gb": "16"}} and event.note == "Barrette ajoutée"


# --- Erasure runs --------------------------------------------------------------------------------


def test_bulk_erasure_records_one_event_per_device_sharing_one_certificate(workshop, batch):
    devices = [register(batch, f"SN-RUN-{n}") for n in range(3)]
    lines = [devices[0].asset_tag, "sn-run-1", devices[2].asset_tag.replace("-", "").lower(), devices[0].asset_tag]
    url = reverse("workshop_bulk_erasure:index")

    response = workshop.post(
        url,
        {
            "devices": "\n".join(lines),
            "method": "NIST SP 800-88 Purge",
            "tool": "nwipe (ShredOS)",
            "result": "success",
            "operator": "Alex",
            "erased_on": timezone.localdate().isoformat(),
            "certificate": pdf_upload("passage-1.pdf"),
        },
    )

    assert response.status_code == 302 and response.url == url
    events = list(DeviceEvent.objects.filter(kind=Kind.ERASED))
    assert sorted(e.device_id for e in events) == sorted(d.pk for d in devices)
    assert len({e.evidence.name for e in events}) == 1 and events[0].evidence.name
    assert events[0].evidence.open("rb").read() == PDF
    for device in devices:
        device.refresh_from_db()
        assert device.needs_erasure is False and device.status == Status.IN_WORKSHOP
    result = workshop.get(url).content.decode()
    assert all(d.asset_tag in result for d in devices)


def test_bulk_erasure_refuses_the_whole_run_when_one_device_cannot_be_erased(workshop, workshop_user, batch):
    kept = register(batch, "SN-KEEP")
    gone = register(batch, "SN-GONE")
    services.device_recycle(device=gone, actor=workshop_user, channel="Ecosystem")

    response = workshop.post(
        reverse("workshop_bulk_erasure:index"),
        {
            "devices": f"{kept.asset_tag}\n{gone.asset_tag}",
            "method": "ATA Secure Erase",
            "result": "success",
            "erased_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200
    assert gone.asset_tag in response.content.decode()
    assert not DeviceEvent.objects.filter(kind=Kind.ERASED).exists()


def test_bulk_erasure_names_the_unknown_lines(workshop, batch):
    register(batch, "SN-ONE")

    response = workshop.post(
        reverse("workshop_bulk_erasure:index"),
        {
            "devices": "SN-ONE\nSN-NOWHERE",
            "method": "ATA Secure Erase",
            "result": "success",
            "erased_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200
    assert "SN-NOWHERE" in response.content.decode()
    assert not DeviceEvent.objects.filter(kind=Kind.ERASED).exists()


def test_erasure_report_import_records_each_row(workshop, batch):
    IntakeBatch.objects.filter(pk=batch.pk).update(received_on="2026-01-05")
    first, second = register(batch, "SN-R1"), register(batch, "SN-R2")
    report = (
        "serial,asset_tag,method,tool,result,date,operator\n"
        "SN-R1,,NIST SP 800-88 Purge,Blancco,succès,2026-01-15,Alex\n"
        f",{second.asset_tag},NIST SP 800-88 Purge,Blancco,failure,15/01/2026,Alex\n"
    )
    url = reverse("workshop_erasure_report:index")

    response = workshop.post(url, {"file": csv_upload(report), "certificate": pdf_upload("rapport.pdf")})

    assert response.status_code == 302 and response.url == url
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.needs_erasure is False and second.needs_erasure is True
    events = DeviceEvent.objects.filter(kind=Kind.ERASED)
    assert {e.data["result"] for e in events} == {"success", "failure"}
    assert len({e.evidence.name for e in events}) == 1
    assert first.asset_tag in workshop.get(url).content.decode()


def test_erasure_report_with_an_error_records_nothing(workshop, batch):
    register(batch, "SN-R1")
    report = "serial,method,result,date\nSN-R1,NIST,success,2026-01-15\nSN-NONE,NIST,success,2026-01-15\n"

    response = workshop.post(reverse("workshop_erasure_report:index"), {"file": csv_upload(report)})

    assert response.status_code == 200
    assert [line for line, _message in response.context["errors"]] == [3]
    assert "<td>3</td>" in response.content.decode()
    assert not DeviceEvent.objects.filter(kind=Kind.ERASED).exists()


# --- Labels and evidence -------------------------------------------------------------------------


def test_label_sheets_are_pdf_served_inline_with_the_tags(workshop, batch):
    first, second = register(batch, "SN-L1"), register(batch, "SN-L2")

    sheet = workshop.get(reverse("workshop_batches:labels", args=[batch.pk]))
    single = workshop.get(reverse("workshop_devices:label", args=[first.pk]))

    for response in (sheet, single):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert response.content.startswith(b"%PDF")
    sheet_text = pdf_text(sheet.content)
    assert first.asset_tag.encode() in sheet_text and second.asset_tag.encode() in sheet_text
    assert first.asset_tag.encode() in pdf_text(single.content)
    assert second.asset_tag.encode() not in pdf_text(single.content)


def test_evidence_is_downloaded_by_the_workshop_only(client, workshop_user, editor, batch):
    device = register(batch, "SN-CERT")
    event = services.device_erase(device=device, actor=workshop_user, method="NIST", certificate=pdf_upload())
    url = reverse("workshop_devices:evidence", args=[event.pk])

    anonymous = client.get(url)
    client.force_login(editor)
    as_editor = client.get(url)
    client.force_login(workshop_user)
    as_workshop = client.get(url)

    assert anonymous.status_code == 302 and "/compte/login/" in anonymous.url
    assert as_editor.status_code == 403
    assert as_workshop.status_code == 200
    assert as_workshop["Content-Disposition"].startswith("attachment")
    assert device.asset_tag in as_workshop["Content-Disposition"]
    assert as_workshop["X-Content-Type-Options"] == "nosniff"
    assert b"".join(as_workshop.streaming_content) == PDF


# --- Listings and access -------------------------------------------------------------------------


def test_device_listing_filters_searches_and_links_to_the_device_page(workshop, batch, association):
    laptop = register(batch, "SN-LIST-1")
    screen = register(batch, "SN-LIST-2", category=Device.Category.SCREEN)
    url = reverse("workshop_devices:index")

    html = workshop.get(url).content.decode()
    screens = workshop.get(url, {"category": "screen"}).content.decode()
    found = workshop.get(url, {"q": "list-1"}).content.decode()

    assert laptop.asset_tag in html and screen.asset_tag in html
    assert reverse("workshop_devices:detail", args=[laptop.pk]) in html
    assert "/admin/atelier/appareils/new/" not in html
    assert screen.asset_tag in screens and laptop.asset_tag not in screens
    assert laptop.asset_tag in found and screen.asset_tag not in found


def test_batches_are_created_and_listed_with_their_device_counts(workshop, batch, association):
    register(batch, "SN-COUNT")

    created = workshop.post(
        reverse("workshop_batches:add"),
        {
            "donor": batch.donor.pk,
            "association": association.pk,
            "received_on": "2026-02-01",
            "reference": "LP-2026",
            "declared_laptops": "40",
            "declared_desktops": "0",
            "declared_screens": "10",
            "declared_other": "0",
            "notes": "",
        },
    )
    listing = workshop.get(reverse("workshop_batches:index"))

    new_batch = IntakeBatch.objects.get(reference="LP-2026")
    assert created.status_code == 302 and created.url == reverse("workshop_batches:import", args=[new_batch.pk])
    assert new_batch.declared_total == 50
    html = listing.content.decode()
    assert "LP-2026" in html
    assert reverse("workshop_batches:import", args=[batch.pk]) in html
    assert reverse("workshop_batches:labels", args=[batch.pk]) in html
    counts = {row.pk: row.device_count for row in listing.context["object_list"]}
    assert counts[batch.pk] == 1


def test_donor_portal_users_are_given_by_e_mail(workshop, workshop_user):
    portal_user = get_user_model().objects.create_user(email="contact@region.example", password="x")
    data = {
        "name": "La Poste",
        "kind": "company",
        "public_name_agreed": "on",
        "contact_name": "",
        "contact_email": "",
        "users": "Contact@Region.example",
    }

    created = workshop.post(reverse("workshop_donors:add"), data)
    unknown = workshop.post(reverse("workshop_donors:add"), {**data, "name": "Autre", "users": "nobody@example.org"})

    assert created.status_code == 302
    assert list(Donor.objects.get(name="La Poste").users.all()) == [portal_user]
    assert unknown.status_code == 200 and not Donor.objects.filter(name="Autre").exists()
    assert "nobody@example.org" in unknown.content.decode()


def test_a_member_staff_account_cannot_be_a_donors_portal_user(workshop, workshop_user):
    """The donor portal shows the donor's batches at every member: a technician adding himself (or any member's
    staff) as a portal user would read other members' batches."""
    data = {"name": "La Poste", "kind": "company", "contact_name": "", "contact_email": ""}

    refused = workshop.post(reverse("workshop_donors:add"), {**data, "users": workshop_user.email})

    assert refused.status_code == 200 and not Donor.objects.filter(name="La Poste").exists()
    assert "ne peut pas être utilisateur du portail d’un donateur" in refused.content.decode()


def test_a_technician_changes_only_the_donors_of_their_own_members(client, workshop_user, batch):
    """Région Bretagne gave to Déclic (the fixture's batch): a technician of another member neither lists nor
    opens it; a donor that gave only to their member, or to nobody yet, is theirs."""
    rennes = Association.objects.create(name="Rennes Ordi Partage", slug="rennes-ordi-partage", city="Rennes")
    technician = get_user_model().objects.create_user(email="atelier.rennes@example.org", password="x")
    technician.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=technician, association=rennes, role=Membership.Role.TECHNICIAN)
    theirs = Donor.objects.create(name="Rennes Métropole", kind=Donor.Kind.LOCAL_AUTHORITY)
    IntakeBatch.objects.create(donor=theirs, association=rennes, reference="RM-1")
    unused = Donor.objects.create(name="Nouveau donateur", kind=Donor.Kind.COMPANY)
    declics = batch.donor
    client.force_login(technician)

    listed = {donor.name for donor in client.get(reverse("workshop_donors:index")).context["object_list"]}
    edit = {
        donor: client.get(reverse("workshop_donors:edit", args=[donor.pk])).status_code
        for donor in (declics, theirs, unused)
    }
    changed = client.post(
        reverse("workshop_donors:edit", args=[declics.pk]),
        {"name": "Région Bretagne", "kind": "local_authority", "contact_email": "pirate@example.org", "users": ""},
    )

    assert listed == {"Rennes Métropole", "Nouveau donateur"}
    assert edit == {declics: 404, theirs: 200, unused: 200}
    assert changed.status_code == 404 and Donor.objects.get(pk=declics.pk).contact_email == ""
    for name in ("history", "usage", "delete"):
        assert client.get(reverse(f"workshop_donors:{name}", args=[declics.pk])).status_code == 404, name
    client.force_login(workshop_user)  # Déclic's technician: Région Bretagne gave to Déclic only
    assert client.get(reverse("workshop_donors:edit", args=[declics.pk])).status_code == 200


def test_an_editor_gets_403_on_every_workshop_page(client, editor, workshop_user, batch):
    device = register(batch, "SN-EDITOR")
    client.force_login(editor)
    get_urls = [
        reverse("workshop_devices:index"),
        reverse("workshop_devices:detail", args=[device.pk]),
        reverse("workshop_devices:label", args=[device.pk]),
        reverse("workshop_batches:index"),
        reverse("workshop_batches:add"),
        reverse("workshop_batches:import", args=[batch.pk]),
        reverse("workshop_batches:labels", args=[batch.pk]),
        reverse("workshop_donors:index"),
        reverse("workshop_associations:index"),
        reverse("workshop_quick_entry:index"),
        reverse("workshop_bulk_erasure:index"),
        reverse("workshop_erasure_report:index"),
    ]

    for url in get_urls:
        assert client.get(url).status_code == 403, url
    assert client.post(action_url(device, "clean"), {}).status_code == 403
    assert (
        client.post(
            reverse("workshop_quick_entry:index"), {"code": "SN-X", "batch": batch.pk, "category": "laptop"}
        ).status_code
        == 403
    )
    assert device.events.count() == 1 and Device.objects.count() == 1


def test_the_workshop_menu_is_shown_to_the_workshop_only(client, editor, workshop_user, home_page):
    client.force_login(editor)
    editor_home = client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(workshop_user)
    workshop_home = client.get(reverse("wagtailadmin_home")).content.decode()

    quick_entry = reverse("workshop_quick_entry:index")
    assert quick_entry not in editor_home and reverse("workshop_devices:index") not in editor_home
    assert quick_entry in workshop_home and reverse("workshop_batches:index") in workshop_home
