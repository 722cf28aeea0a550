"""CSV imports: a donor's inventory and an erasure tool's report. A file with any error imports nothing."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from devices import services
from devices.imports import ImportRejected, batch_import_inventory, import_erasure_report
from devices.models import Device, DeviceEvent, IntakeBatch
from tests.devices.conftest import CHECKLIST_OK, bring_to, event_count

S = Device.Status
K = DeviceEvent.Kind
pytestmark = pytest.mark.django_db

INVENTORY = (
    "serial,category,brand,model,cpu,ram_gb,storage_kind,storage_gb,screen_inches,os\n"
    "PF1A2B3C,laptop,Lenovo,ThinkPad T480,Intel Core i5-8250U,8,ssd,256,14,Windows 10\n"
    "CZC12345,desktop,HP,EliteDesk 800 G3,Intel Core i5-6500,16,hdd,500,,\n"
    "CN0ABC99,screen,Dell,P2419H,,,,,24,\n"
)


def _counts():
    return Device.objects.count(), DeviceEvent.objects.count()


def _rejected(call):
    with pytest.raises(ImportRejected) as rejected:
        call()
    return rejected.value.errors


# --- Inventory ---------------------------------------------------------------------------------------------


def test_inventory_registers_every_row_with_its_reception_event(batch, technician):
    result = batch_import_inventory(batch=batch, content=INVENTORY.encode(), actor=technician)
    assert (len(result.created), result.skipped) == (3, 0)
    laptop = batch.devices.get(serial="PF1A2B3C")
    assert (laptop.category, laptop.brand, laptop.model, laptop.ram_gb, laptop.storage_kind, laptop.storage_gb) == (
        "laptop",
        "Lenovo",
        "ThinkPad T480",
        8,
        "ssd",
        256,
    )
    assert batch.devices.get(serial="CN0ABC99").screen_inches == 24
    for device in batch.devices.all():
        event = device.events.get()
        assert (event.kind, event.status_after, event.actor) == (K.RECEIVED, S.RECEIVED, technician)
        assert device.status == S.RECEIVED and device.association == batch.association


def test_french_headers_semicolons_decimal_commas_and_windows_encoding(batch, technician):
    content = (
        "Numéro de série;Catégorie;Marque;Modèle;Processeur;Mémoire;Type de stockage;Stockage;Écran (pouces);Système\n"
        "PF1A2B3C;Ordinateur portable;Lenovo;ThinkPad T480;Intel Core i5, 1,6 GHz;8;SSD;256;14,0;Windows 10\n"
        "CZC12345;Unité centrale;HP;EliteDesk 800;;16;Disque dur;500;;\n"
        "CN0ABC99;Écran;Dell;P2419H;;;;;24;\n"
    ).encode("cp1252")
    result = batch_import_inventory(batch=batch, content=content, actor=technician)
    assert len(result.created) == 3
    devices = {d.serial: d for d in batch.devices.all()}
    assert devices["PF1A2B3C"].category == "laptop" and devices["PF1A2B3C"].cpu == "Intel Core i5, 1,6 GHz"
    assert (devices["CZC12345"].category, devices["CZC12345"].storage_kind) == ("desktop", "hdd")
    assert devices["CN0ABC99"].category == "screen" and devices["CN0ABC99"].screen_inches == 24
    assert devices["PF1A2B3C"].screen_inches == 14


@pytest.mark.parametrize("size", ["15.6", "15,6", "13.3", "23.8"])
def test_screen_sizes_with_a_decimal(batch, technician, size):
    content = f'serial;category;screen_inches\nSN-1;laptop;"{size}"\n'
    device = batch_import_inventory(batch=batch, content=content, actor=technician).created[0]
    assert str(device.screen_inches) == size.replace(",", ".")


@pytest.mark.parametrize("size", ["NaN", "inf", "-Infinity", "1E+40", "-15.6", "0", "1000", "15.6.1"])
def test_screen_sizes_that_are_no_size_are_reported_on_their_line(batch, technician, size):
    content = f"serial;category;screen_inches\nSN-1;laptop;14\nSN-2;laptop;{size}\n"
    before = _counts()
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content=content, actor=technician))
    assert [line for line, _message in errors] == [3]
    assert _counts() == before


@pytest.mark.parametrize("ram", ["inf", "NaN", "huit"])
def test_quantities_that_are_no_number_are_reported_on_their_line(batch, technician, ram):
    errors = _rejected(
        lambda: batch_import_inventory(batch=batch, content=f"serial,category,ram_gb\nSN-1,laptop,{ram}\n", actor=None)
    )
    assert [line for line, _message in errors] == [2]


def test_utf8_with_bom_and_tabs(batch, technician):
    content = "\ufeffsérie\ttype\tmarque\nSN-1\tportable\tDell\nSN-2\ttablette\tApple\n".encode()
    result = batch_import_inventory(batch=batch, content=content, actor=technician)
    assert sorted(d.category for d in result.created) == ["laptop", "tablet"]


def test_bad_rows_are_reported_with_their_line_and_nothing_is_imported(batch, technician):
    content = (
        "serial,category,ram_gb,storage_kind,screen_inches\n"
        "OK-1,laptop,8,ssd,14\n"
        "OK-2,grille-pain,8,ssd,14\n"  # line 3: unknown category
        "OK-3,laptop,-4,ssd,14\n"  # line 4: negative memory
        ",laptop,8,ssd,14\n"  # line 5: no serial
        "OK-5,laptop,8,floppy,14\n"  # line 6: unknown storage
        "OK-6,laptop,huit,ssd,14\n"  # line 7: not a number
        "OK-7,laptop,8,ssd,grand\n"  # line 8: screen size
        "OK-8,laptop,8,ssd,14\n"
    )
    before = _counts()
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content=content, actor=technician))
    assert [line for line, _message in errors] == [3, 4, 5, 6, 7, 8]
    assert "grille-pain" in errors[0][1] and "huit" in errors[4][1]
    assert _counts() == before


def test_missing_columns_and_empty_files_are_refused(batch, technician):
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content="brand,model\nDell,E7450\n", actor=None))
    assert errors == [(1, "Aucune colonne ne contient les numéros de série.")]
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content=b"", actor=None))
    assert "vide" in errors[0][1]
    assert not batch.devices.exists()


def test_a_serial_twice_in_the_file_is_refused(batch, technician):
    content = "serial,category,brand\nSN-1,laptop,Dell\nSN-2,laptop,Dell\nsn-1,laptop,dell\n"
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content=content, actor=technician))
    assert len(errors) == 1
    line, message = errors[0]
    assert line == 4 and "sn-1" in message and "2" in message  # names the first line
    assert not batch.devices.exists()


def test_a_serial_already_in_another_batch_is_refused(batch, technician, donor, association):
    other = IntakeBatch.objects.create(donor=donor, association=association, reference="AUTRE")
    services.device_register(batch=other, category="laptop", serial="SN-OLD", brand="Dell")
    content = "serial,category,brand\nSN-NEW,laptop,Dell\nSN-OLD,laptop,Dell\n"
    before = _counts()
    errors = _rejected(lambda: batch_import_inventory(batch=batch, content=content, actor=technician))
    assert len(errors) == 1 and errors[0][0] == 3 and "SN-OLD" in errors[0][1]
    assert _counts() == before


def test_a_serial_already_registered_is_found_whatever_its_case(batch, technician, donor, association):
    other = IntakeBatch.objects.create(donor=donor, association=association, reference="AUTRE")
    services.device_register(batch=other, category="laptop", serial="SN-OLD", brand="Dell")
    errors = _rejected(
        lambda: batch_import_inventory(batch=batch, content="serial,category,brand\nsn-old,laptop,DELL\n", actor=None)
    )
    assert errors[0][0] == 2


def test_the_same_serial_of_another_brand_is_another_device(batch, technician, donor, association):
    other = IntakeBatch.objects.create(donor=donor, association=association, reference="AUTRE")
    services.device_register(batch=other, category="laptop", serial="123456", brand="Dell")
    result = batch_import_inventory(batch=batch, content="serial,category,brand\n123456,laptop,HP\n", actor=None)
    assert len(result.created) == 1


def test_importing_the_same_file_again_is_idempotent(batch, technician):
    batch_import_inventory(batch=batch, content=INVENTORY, actor=technician)
    before = _counts()
    again = batch_import_inventory(batch=batch, content=INVENTORY, actor=technician)
    assert (again.created, again.skipped) == ([], 3)
    assert _counts() == before

    grown = INVENTORY + "NEW-0001,tablet,Apple,iPad 6,,,,,,\n"
    third = batch_import_inventory(batch=batch, content=grown, actor=technician)
    assert ([d.serial for d in third.created], third.skipped) == (["NEW-0001"], 3)
    assert _counts() == (before[0] + 1, before[1] + 1)


def test_imported_devices_go_through_the_services_afterwards(batch, technician):
    device = batch_import_inventory(batch=batch, content=INVENTORY, actor=technician).created[0]
    bring_to(device, S.SOLD, technician)
    assert device.events.filter(kind=K.SOLD).count() == 1


# --- Erasure report ----------------------------------------------------------------------------------------


@pytest.fixture
def workshop_devices(make_device, technician):
    devices = [make_device(brand="Lenovo", serial=f"ER-{n}") for n in range(3)]
    services.device_test(device=devices[0], actor=technician, checklist=CHECKLIST_OK)
    services.device_grade(device=devices[0], actor=technician, grade="A")
    return devices


def _stored_files():
    root = Path(settings.PRIVATE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_erasure_report_by_serial_and_by_asset_tag(workshop_devices, technician):
    first, second, third = workshop_devices
    content = (
        "serial,asset_tag,method,tool,result,date,operator\n"
        f"ER-0,,NIST SP 800-88 Purge,Blancco,success,2026-03-30,Yann\n"
        f",{second.asset_tag.lower()},NIST SP 800-88 Clear,nwipe,ko,31/03/2026,Maël\n"
        f"ER-2,{third.asset_tag},DoD 5220.22-M,nwipe,OK,2026-03-31 14:05:00,\n"
    )
    events = import_erasure_report(
        content=content, actor=technician, certificate=ContentFile(b"%PDF-1.4 run", name="rapport.pdf")
    )
    assert [e.device_id for e in events] == [first.pk, second.pk, third.pk]
    assert [e.data["result"] for e in events] == ["success", "failure", "success"]
    assert events[1].data == {
        "method": "NIST SP 800-88 Clear",
        "tool": "nwipe",
        "result": "failure",
        "operator": "Maël",
    }
    assert [timezone.localtime(e.occurred_at).date() for e in events] == [
        date(2026, 3, 30),
        date(2026, 3, 31),
        date(2026, 3, 31),
    ]
    assert len({e.evidence.name for e in events}) == 1 and len(_stored_files()) == 1
    statuses = {
        d.pk: (d.status, d.needs_erasure) for d in Device.objects.filter(pk__in=[d.pk for d in workshop_devices])
    }
    assert statuses[first.pk] == (S.READY, False)  # tested and graded before: the erasure made it ready
    assert statuses[second.pk] == (S.IN_WORKSHOP, True)  # a failed erasure does not count
    assert statuses[third.pk] == (S.IN_WORKSHOP, False)


def test_erasure_report_with_french_headers(workshop_devices, technician):
    content = (
        "Numéro de série;Méthode;Outil;Résultat;Date;Opérateur\n"
        "ER-0;NIST SP 800-88 Purge;Blancco;Succès;31/03/2026;Yann\n"
        "ER-1;NIST SP 800-88 Purge;Blancco;Échec;31/03/2026;Yann\n"
    )
    events = import_erasure_report(content=content.encode("cp1252"), actor=technician)
    assert [e.data["result"] for e in events] == ["success", "failure"]


@pytest.mark.parametrize(
    "row,message_part",
    [
        ("INCONNU-9,,NIST,success,2026-03-31", "INCONNU-9"),  # unknown serial
        (",AAA-AAA,NIST,success,2026-03-31", "AAA-AAA"),  # unknown asset tag
        ("ER-1,,NIST,peut-être,2026-03-31", "peut-être"),  # bad result
        ("ER-1,,NIST,success,31 mars 2026", "31 mars 2026"),  # bad date
        ("ER-1,,NIST,success,", ""),  # no date
        ("ER-1,,NIST,success,2026-02-30", "2026-02-30"),  # no such day
        ("ER-1,,,success,2026-03-31", ""),  # no method
    ],
)
def test_erasure_report_errors_name_their_line_and_record_nothing(workshop_devices, technician, row, message_part):
    content = (
        f"serial,asset_tag,method,result,date\nER-0,,NIST,success,2026-03-31\n{row}\nER-2,,NIST,success,2026-03-31\n"
    )
    before = _counts()
    errors = _rejected(
        lambda: import_erasure_report(content=content, actor=technician, certificate=ContentFile(b"%PDF", name="c.pdf"))
    )
    assert len(errors) == 1 and errors[0][0] == 3 and message_part in errors[0][1]
    assert _counts() == before
    assert _stored_files() == []


def test_erasure_report_refuses_a_device_out_of_the_workshop(device_in, technician):
    sold = device_in(S.SOLD, serial="SOLD-1")
    before = event_count(sold)
    errors = _rejected(
        lambda: import_erasure_report(content="serial,method,result,date\nSOLD-1,NIST,success,2026-03-31\n", actor=None)
    )
    assert errors[0][0] == 2 and sold.asset_tag in errors[0][1]
    assert event_count(sold) == before


def test_erasure_report_refuses_an_ambiguous_serial(make_device, technician):
    make_device(serial="SAME-1", brand="Dell")
    make_device(serial="SAME-1", brand="HP")
    errors = _rejected(
        lambda: import_erasure_report(content="serial,method,result,date\nSAME-1,NIST,success,2026-03-31\n", actor=None)
    )
    assert errors[0][0] == 2


def test_erasure_report_needs_its_columns(workshop_devices):
    errors = _rejected(lambda: import_erasure_report(content="serial,method,result\nER-0,NIST,success\n", actor=None))
    assert errors[0][0] == 1


def test_erasure_report_normalises_asset_tags(workshop_devices, technician):
    device = workshop_devices[1]
    typed = device.asset_tag.replace("-", "").lower()
    events = import_erasure_report(
        content=f"asset_tag,method,result,date\n{typed},NIST,success,2026-03-31\n", actor=None
    )
    assert events[0].device_id == device.pk


def test_erasure_report_matches_serials_whatever_their_case(make_device, technician):
    device = make_device(brand="Lenovo", serial="pf1a2b3c")
    events = import_erasure_report(
        content="serial,method,result,date\nPF1A2B3C,NIST,success,2026-03-31\n", actor=technician
    )
    assert [e.device_id for e in events] == [device.pk]


def test_a_rejected_erasure_report_leaves_no_certificate(workshop_devices, technician):
    """The last row fails the device's validation after the first erasure stored the shared certificate."""
    Device.objects.filter(pk=workshop_devices[2].pk).update(battery_health=150)  # a row full_clean refuses
    content = "serial,method,result,date\nER-0,NIST,success,2026-03-31\nER-2,NIST,success,2026-03-31\n"
    before = _counts()
    errors = _rejected(
        lambda: import_erasure_report(content=content, actor=technician, certificate=ContentFile(b"%PDF", name="c.pdf"))
    )
    assert errors[0][0] == 3
    assert _counts() == before
    assert _stored_files() == []
