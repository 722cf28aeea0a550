"""The workshop's tools around the registry: the hardware probe and its API, erasure tools' reports (nwipe's
log, JSON), the device list's export and bulk actions."""

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from devices import probe_reports, services
from devices.imports import ImportRejected, import_erasure_report
from devices.models import Device, DeviceDisk, DeviceEvent, HardwareReport, IntakeBatch, Membership
from tests.devices.conftest import CHECKLIST_OK

FILES = Path(__file__).parent / "files"
ROOT = Path(__file__).resolve().parents[2]
API = "/api/atelier/rapports-materiel/"
S = Device.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def old_batch(batch):
    """A batch received before the fixtures' nwipe runs (2024–2025)."""
    IntakeBatch.objects.filter(pk=batch.pk).update(received_on=date(2024, 1, 8))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def workshop(client, technician, association):
    technician.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=technician, association=association, role=Membership.Role.TECHNICIAN)
    client.force_login(technician)
    return client


@pytest.fixture
def key(association, technician):
    _token, key = probe_reports.probe_token_create(association=association, name="Banc 1", actor=technician)
    return key


def send(client, content: bytes, key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(API, content, content_type="application/json", **headers)


# --- Probe → API → device ---------------------------------------------------------------------------------


def probe_report_of_this_machine(tmp_path) -> bytes:
    """The probe run for real here: whatever tools this machine has and lets it use."""
    output = tmp_path / "rapport.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "probe" / "reemploi-probe"), "--output", str(output), "--quiet"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return output.read_bytes()


def test_a_report_made_on_this_machine_fills_its_device(client, key, make_device, tmp_path):
    content = probe_report_of_this_machine(tmp_path)
    report = json.loads(content)
    # The machine's serial as the probe reads it (none in many VMs: the device is registered under a stand-in).
    serial = report["raw"].get("dmi_id", {}).get("product_serial") or "VM-SANS-SERIE"
    if serial == "VM-SANS-SERIE":
        report["raw"].setdefault("dmi_id", {})["product_serial"] = serial
        content = json.dumps(report).encode()
    device = make_device(serial=serial, category="desktop")

    response = send(client, content, key)

    assert response.status_code == 201, response.json()
    assert response.json()["asset_tag"] == device.asset_tag
    device.refresh_from_db()
    assert device.cpu and device.ram_gb and device.ram_gb > 0  # /proc/cpuinfo and the memory are always there
    event = device.events.get(kind=DeviceEvent.Kind.TESTED)
    assert event.evidence.read() == content  # the report as sent is the event's evidence
    assert device.tests_passed is False  # a hardware report is not a functional test
    assert device.battery_health is None  # no battery here: nothing made up


def test_a_laptop_report_fills_what_was_empty_and_proposes_what_differs(client, key, make_device, technician):
    content = (FILES / "hardware" / "thinkpad-t480.json").read_bytes()
    device = make_device(serial="PF1ABCDE", brand="Lenovo", ram_gb=8)  # typed at intake: 8 GB

    response = send(client, content, key)

    assert response.status_code == 201
    device.refresh_from_db()
    assert device.model == "ThinkPad T480" and device.storage_kind == "nvme" and device.screen_inches
    assert device.battery_health is not None and 0 < device.battery_health <= 100
    assert device.ram_gb == 8  # what staff typed is kept…
    report = HardwareReport.objects.get(device=device)
    assert report.proposed == {"ram_gb": ["8", "16"]}  # …and the report's value waits to be accepted
    disk = DeviceDisk.objects.get(device=device)
    assert disk.kind == "nvme" and disk.smart_passed is True
    services.hardware_report_accept(report=report, actor=technician, fields=["ram_gb"])
    device.refresh_from_db()
    assert device.ram_gb == 16 and device.events.filter(kind=DeviceEvent.Kind.CORRECTED).exists()


def test_keys_unknown_or_revoked_are_refused(client, key, make_device):
    content = (FILES / "hardware" / "thinkpad-t480.json").read_bytes()
    make_device(serial="PF1ABCDE")

    assert send(client, content, None).status_code == 401
    assert send(client, content, "rmp_notakey").status_code == 401
    probe_reports.probe_token_revoke(token=probe_reports.probe_token_of(key))
    response = send(client, content, key)

    assert response.status_code == 403 and "révoquée" in response.json()["message"]
    assert not HardwareReport.objects.exists()


def test_a_report_for_an_unknown_serial_waits_then_registers_the_device(client, key, workshop, batch):
    content = (FILES / "hardware" / "optiplex-7040.json").read_bytes()  # a desktop without a battery

    response = send(client, content, key)

    assert response.status_code == 202 and not Device.objects.exists()
    report = HardwareReport.objects.get()
    page = workshop.get(reverse("workshop_hardware_reports:index"))
    assert report.serial in page.content.decode()
    form = page.context["waiting"][0][1]
    assert form["category"].value() == "desktop"

    response = workshop.post(
        reverse("workshop_hardware_reports:index"),
        {"register": report.pk, f"report-{report.pk}-batch": batch.pk, f"report-{report.pk}-category": "desktop"},
    )

    device = Device.objects.get(serial=report.serial)
    assert response.status_code == 302 and response.url == reverse("workshop_devices:detail", args=[device.pk])
    assert device.brand == "Dell" and device.storage_kind == "hdd" and device.battery_health is None
    assert device.disks.get().smart_passed is not None


def test_an_offline_report_is_uploaded_in_the_back_office(workshop, make_device, association):
    device = make_device(serial="PF1ABCDE")
    upload = SimpleUploadedFile("rapport.json", (FILES / "hardware" / "thinkpad-t480.json").read_bytes())

    response = workshop.post(
        reverse("workshop_hardware_reports:index"), {"upload": "1", "file": upload, "association": association.pk}
    )

    assert response.status_code == 302
    assert HardwareReport.objects.get().device == device
    garbage = SimpleUploadedFile("rapport.json", (FILES / "hardware" / "garbage.json").read_bytes())
    response = workshop.post(
        reverse("workshop_hardware_reports:index"), {"upload": "1", "file": garbage, "association": association.pk}
    )
    assert response.status_code == 200 and response.context["upload"].errors["file"]


def test_probe_keys_are_made_shown_once_and_revoked(workshop, association):
    url = reverse("workshop_probe_keys:index")
    response = workshop.post(url, {"create": "1", "name": "Banc soudure", "association": association.pk})

    key = response.context["new_key"]
    assert key.startswith("rmp_") and key in response.content.decode()
    assert key not in workshop.get(url).content.decode()  # never again
    token = probe_reports.probe_token_of(key)
    workshop.post(url, {"revoke": token.pk})
    token.refresh_from_db()
    assert not token.is_active


# --- Erasure tools' reports --------------------------------------------------------------------------------


def in_workshop(make_device, technician, **specs):
    device = make_device(**specs)
    services.device_test(device=device, actor=technician, checklist=CHECKLIST_OK)
    return device


def disk_of(device, serial):
    return DeviceDisk.objects.create(device=device, serial=serial, model="disque", size_gb=500)


def test_an_nwipe_log_erases_the_device_its_disk_was_found_in(old_batch, make_device, technician):
    device = in_workshop(make_device, technician)
    disk_of(device, "WD-WCC2EH7J1234")
    content = (FILES / "erasure" / "nwipe_single_success.log").read_bytes()

    (event,) = import_erasure_report(content=content, actor=technician)

    device.refresh_from_db()
    assert device.needs_erasure is False and event.data["result"] == "success"
    assert event.data["tool"].startswith("nwipe") and event.data["method"] and event.data["passes"]
    assert event.data["disks"] == [{"serial": "WD-WCC2EH7J1234", "result": "success", "status": "Erased"}]
    assert timezone.localtime(event.occurred_at).date() == date(2024, 3, 12)
    assert event.evidence.name.endswith(".log") and event.evidence.read() == content


def test_a_failed_nwipe_wipe_is_recorded_as_failed_and_blocks_the_device(old_batch, make_device, technician):
    device = in_workshop(make_device, technician, serial="W0Q4ABCD")  # registered under its disk's serial
    (event,) = import_erasure_report(content=(FILES / "erasure" / "nwipe_failure.log").read_bytes(), actor=technician)

    device.refresh_from_db()
    assert event.data["result"] == "failure" and device.needs_erasure is True


def test_several_disks_of_one_log_and_one_device_with_two_disks(old_batch, make_device, technician):
    desktop = in_workshop(make_device, technician)
    disk_of(desktop, "Z3T8AB12")
    disk_of(desktop, "TE85113R0KXY2B")
    laptop = in_workshop(make_device, technician)
    disk_of(laptop, "S2R6NX0H612345Z")

    events = import_erasure_report(content=(FILES / "erasure" / "nwipe_multi.log").read_bytes(), actor=technician)

    results = {event.device_id: event.data for event in events}
    assert set(results) == {desktop.pk, laptop.pk}
    disk_results = {disk["serial"]: disk["result"] for data in results.values() for disk in data["disks"]}
    assert len(disk_results) == 3
    # A device is erased only if every one of its disks was.
    expected = "success" if all(disk_results[s] == "success" for s in ("Z3T8AB12", "TE85113R0KXY2B")) else "failure"
    assert results[desktop.pk]["result"] == expected


def test_an_unknown_disk_serial_records_nothing(old_batch, make_device, technician):
    in_workshop(make_device, technician)
    with pytest.raises(ImportRejected) as rejected:
        import_erasure_report(content=(FILES / "erasure" / "nwipe_single_success.log").read_bytes(), actor=None)
    assert "WD-WCC2EH7J1234" in rejected.value.errors[0][1]
    assert not DeviceEvent.objects.filter(kind=DeviceEvent.Kind.ERASED).exists()


def test_an_erasure_before_the_intake_or_in_the_future_is_refused(batch, make_device, technician):
    device = in_workshop(make_device, technician, serial="SN-DATE")
    for when in ("2025-12-31", (timezone.now() + timezone.timedelta(days=2)).strftime("%Y-%m-%d")):
        with pytest.raises(ImportRejected) as rejected:
            import_erasure_report(content=f"serial,method,result,date\nSN-DATE,NIST,success,{when}\n", actor=None)
        assert "Appareil" in rejected.value.errors[0][1]
    device.refresh_from_db()
    assert device.needs_erasure is True


def test_the_json_report(batch, make_device, technician):
    device = in_workshop(make_device, technician)
    disk_of(device, "S3Z9NB0K123456")
    report = {
        "tool": "ShredOS nwipe 0.38",
        "operator": "Yann",
        "erasures": [
            {
                "disk_serial": "S3Z9NB0K123456",
                "method": "PRNG Stream",
                "result": "success",
                "date": "2026-03-31T15:20:00",
                "started_at": "2026-03-31T14:05:00",
                "passes": 1,
                "verification": "Verify Last Pass",
            },
        ],
    }

    (event,) = import_erasure_report(content=json.dumps(report).encode(), actor=technician)

    assert (
        event.data["operator"] == "Yann"
        and event.data["passes"] == 1
        and event.data["started_at"] == "31/03/2026 14:05"
    )
    assert event.evidence.name.endswith(".json")


# --- The device list ---------------------------------------------------------------------------------------


def test_the_filtered_list_exports_as_csv_and_xlsx(workshop, make_device, batch):
    make_device(serial="EXP-1", brand="Dell", model="Latitude 5490", donor_reference="RB-77")
    make_device(serial="EXP-2", category="screen")
    url = reverse("workshop_devices:index")

    response = workshop.get(url, {"category": "laptop", "export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and "EXP-1" in rows[1] and "RB-77" in rows[1] and "EXP-2" not in str(rows)
    response = workshop.get(url, {"q": "EXP-2", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]][1] == "EXP-2"


def test_a_bulk_grade_reaches_only_my_devices_and_refuses_all_or_nothing(workshop, make_device, technician):
    first = in_workshop(make_device, technician)
    second = in_workshop(make_device, technician)
    url = reverse("wagtail_bulk_action", args=["devices", "device", "grade"]) + f"?id={first.pk}&id={second.pk}"

    page = workshop.get(url)
    assert first.asset_tag in page.content.decode()
    response = workshop.post(url, {"grade": "B"})

    assert response.status_code == 302
    assert set(Device.objects.filter(pk__in=[first.pk, second.pk]).values_list("grade", flat=True)) == {"B"}


def test_recycled_devices_show_no_pending_erasure(workshop, make_device, technician):
    device = in_workshop(make_device, technician)
    services.device_recycle(device=device, actor=technician, channel="Ecologic")
    html = workshop.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert "Nécessaire" not in html and "recyclage" in html


def test_a_batch_received_today_is_logged_at_the_time_it_was_registered(association, donor):
    batch = IntakeBatch.objects.create(donor=donor, association=association)
    before = timezone.now()
    device = services.device_register(batch=batch, category="laptop", serial="NOW-1")
    assert device.events.get().occurred_at >= before


def test_a_log_of_one_disk_of_a_two_disk_device_does_not_clear_it(old_batch, make_device, technician):
    desktop = in_workshop(make_device, technician)
    disk_of(desktop, "WD-WCC2EH7J1234")
    disk_of(desktop, "SECOND-DISK-01")  # found by a hardware report, absent from the log

    (event,) = import_erasure_report(
        content=(FILES / "erasure" / "nwipe_single_success.log").read_bytes(), actor=technician
    )

    desktop.refresh_from_db()
    assert event.data["result"] == "failure" and event.data["not_erased"] == ["SECOND-DISK-01"]
    assert desktop.needs_erasure is True


def test_the_export_keeps_a_formula_from_a_donors_file_as_text(workshop, make_device):
    make_device(serial="FORMULA-1", model='=HYPERLINK("http://exemple.invalid","x")')
    response = workshop.get(reverse("workshop_devices:index"), {"export": "csv"})
    assert "'=HYPERLINK" in b"".join(response.streaming_content).decode()


def test_bulk_actions_ignore_ids_that_are_not_mine_or_not_numbers(
    workshop, make_device, technician, other_association, donor
):
    mine = in_workshop(make_device, technician)
    batch = IntakeBatch.objects.create(donor=donor, association=other_association)
    theirs = services.device_register(batch=batch, category="laptop", serial="THEIRS-1")
    url = reverse("wagtail_bulk_action", args=["devices", "device", "grade"])

    page = workshop.get(url + f"?id={mine.pk}&id={theirs.pk}&id=abc")

    assert page.status_code == 200
    html = page.content.decode()
    assert mine.asset_tag in html and theirs.asset_tag not in html
    workshop.post(url + f"?id={mine.pk}&id={theirs.pk}", {"grade": "A"})
    theirs.refresh_from_db()
    assert theirs.grade == "" and Device.objects.get(pk=mine.pk).grade == "A"
    assert (
        workshop.post(
            reverse("wagtail_bulk_action", args=["devices", "device", "labels"]) + f"?id={mine.pk}"
        ).status_code
        == 302
    )


def test_module_lists_add_up_and_unknown_categories_stay_errors(batch):
    from devices import inventory

    assert inventory._ram_gb("8 Go, 8 Go", "gb") == 16 and inventory._ram_gb("4 Go + 4 Go", "gb") == 8
    assert inventory._ram_gb("512 Mo", "gb") == 1
    with pytest.raises(ValueError):
        inventory._category("Imprimante", "laptop")  # the default is for rows without a category


def test_a_donor_gets_certificates_not_the_runs_report(client, old_batch, make_device, technician):
    """An nwipe log covers a whole run, other donors' disks too: it stays in the workshop."""
    device = in_workshop(make_device, technician)
    disk_of(device, "WD-WCC2EH7J1234")
    (event,) = import_erasure_report(
        content=(FILES / "erasure" / "nwipe_single_success.log").read_bytes(), actor=technician
    )
    donor_user = old_batch.donor.users.create(email="elu@region.example")
    client.force_login(donor_user)

    assert client.get(reverse("devices:donor_certificate", args=[event.pk])).status_code == 404
    page = client.get(reverse("devices:donor_batch", args=[old_batch.pk])).content.decode()
    assert reverse("devices:donor_certificate", args=[event.pk]) not in page
