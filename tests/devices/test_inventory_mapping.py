"""Inventory files as people and software write them: encodings, delimiters, spreadsheets, headers with
units, values to normalise; the mapping proposed, a donor's saved profile, the plan written only on demand."""

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest

from devices import inventory, tabular
from devices.models import Device, DeviceEvent, ImportProfile, InventoryImport

pytestmark = pytest.mark.django_db

FRENCH = (
    "N° de série;Fabricant;Modèle;Type;Processeur;Mémoire (Go);Stockage (Go);Type de disque;Écran (pouces);"
    "Système;N° d'inventaire;Hors service;Lieu\r\n"
    "PF1A2B3C;LENOVO;ThinkPad T480;Portable;Intel Core i5-8250U;8;256;SSD;14,0;Windows 10;RB-0001;Non;Rennes\r\n"
    "CZC12345;Hewlett-Packard;EliteDesk 800 G3;Tour;Intel Core i5-6500;16;500;Disque dur;;;RB-0002;Oui;Vannes\r\n"
)


def plan_of(batch, content: bytes, columns=None, default_category=""):
    table = tabular.read_table(content)
    columns = inventory.proposed_columns(table.headers) if columns is None else columns
    return inventory.plan_inventory(batch=batch, table=table, columns=columns, default_category=default_category)


def stored(plan, line):
    return next({**specs, **event} for number, specs, event in plan.to_create if number == line)


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_a_french_sheet_in_every_encoding_office_suites_write(batch, encoding, bom, label):
    plan = plan_of(batch, bom + FRENCH.encode(encoding))

    assert plan.table.encoding == label and plan.table.delimiter == ";"
    assert tabular.ENCODING_LABELS[label] in plan.table.describe()
    assert [c.target for c in plan.columns] == [
        "serial",
        "brand",
        "model",
        "category",
        "cpu",
        "ram_gb",
        "storage_gb",
        "storage_kind",
        "screen_inches",
        "os",
        "donor_reference",
        "declared_broken",
        "",
    ]
    assert [c.header for c in plan.ignored] == ["Lieu"]  # never silently dropped: listed
    assert stored(plan, 2) == {
        "serial": "PF1A2B3C",
        "brand": "Lenovo",
        "model": "ThinkPad T480",
        "category": "laptop",
        "cpu": "Intel Core i5-8250U",
        "ram_gb": 8,
        "storage_gb": 256,
        "storage_kind": "ssd",
        "screen_inches": Decimal("14.0"),
        "os": "Windows 10",
        "donor_reference": "RB-0001",
    }
    desktop = stored(plan, 3)
    assert (desktop["brand"], desktop["category"], desktop["storage_kind"], desktop["declared_broken"]) == (
        "HP",
        "desktop",
        "hdd",
        True,
    )


def test_units_in_headers_and_in_values():
    assert inventory.proposed_columns(["RAM (MB)", "Disque (To)", "Memoire en Go", "Capacité disque (Mo)"]) == [
        "ram_mb",
        "storage_tb",
        "",
        "",  # one column per field: the second memory and storage are ignored
    ]
    assert inventory._ram_gb("8192", "mb") == 8
    assert inventory._ram_gb("2 x 4 Go", "gb") == 8
    assert inventory._ram_gb("DDR4 8Go", "gb") == 8
    assert inventory._ram_gb("4096\n4096", "mb") == 8  # two modules in one cell
    assert inventory._storage_gb("0,5", "tb") == (500, "")
    assert inventory._storage_gb("256 Go SSD / 1 To HDD", "gb") == (1000, "hdd")
    assert inventory._storage_gb("1 024", "gb") == (1024, "")
    assert inventory._inches('15,6"') == Decimal("15.6")
    for bad in ("-4", "huit"):
        with pytest.raises(ValueError):
            inventory._ram_gb(bad, "gb")


def test_a_damaged_utf8_file_is_refused_with_its_line_not_read_as_mojibake(batch):
    content = "serial;category;model\nSN-1;laptop;Écran mat\n".encode() + b"SN-2;laptop;Mod\xe8le\n"

    with pytest.raises(tabular.UnreadableFile) as refused:
        tabular.read_table(content)
    assert "ligne 3" in str(refused.value) and "UTF-8" in str(refused.value)


def test_binary_and_empty_files_are_refused():
    for content in (b"\x89PNG\r\n\x1a\n\x00\x00\x00", b"PK\x03\x04not a zip", b"", b"\n\n"):
        with pytest.raises(tabular.UnreadableFile):
            tabular.read_table(content)


def test_an_excel_workbook_with_numbers_and_text_cells(batch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Parc"
    sheet.append(["Serial Number", "Manufacturer", "Model", "Device Type", "RAM (GB)", "Storage (GB)", "Screen Size"])
    sheet.append(["5CG1234XYZ", "HP", "ProBook 450 G8", "Laptop", 16, 512, 15.6])
    sheet.append([735419026, "Dell", "OptiPlex 3080", "Desktop", 8.0, 256, None])
    buffer = io.BytesIO()
    book.save(buffer)

    plan = plan_of(batch, buffer.getvalue())

    assert plan.table.kind == "xlsx" and "Parc" in plan.table.describe()
    assert stored(plan, 2)["screen_inches"] == Decimal("15.6") and stored(plan, 2)["ram_gb"] == 16
    assert stored(plan, 3)["serial"] == "735419026" and stored(plan, 3)["ram_gb"] == 8  # no "735419026.0"


def test_the_mapping_can_be_changed_and_saved_for_the_donor(batch, technician):
    content = "Réf;Genre;Mémoire\nAB-1;Portable;8\n".encode()
    plan = plan_of(batch, content)
    assert plan.missing_serial_column and not plan.to_create  # "Réf" is not recognised: the user maps it

    plan = plan_of(batch, content, columns=["serial", "category", "ram_gb"])
    assert stored(plan, 2) == {"serial": "AB-1", "category": "laptop", "ram_gb": 8}
    inventory.profile_save(batch=batch, plan=plan, actor=technician)

    profile = ImportProfile.objects.get(donor=batch.donor)
    assert inventory.proposed_columns(["Réf", "Genre", "Mémoire"], profile) == ["serial", "category", "ram_gb"]


def test_a_default_category_for_files_without_one(batch):
    plan = plan_of(batch, b"SSN;SMANUFACTURER;MEMORY\nX1;LENOVO;8192\n", default_category="desktop")
    assert [c.target for c in plan.columns] == ["serial", "brand", "ram_gb"]
    assert stored(plan, 2)["category"] == "desktop"


def test_the_preview_writes_nothing_and_the_run_imports_in_chunks(batch, technician, monkeypatch):
    monkeypatch.setattr(inventory, "IMPORT_CHUNK", 7)
    rows = "".join(f"SN-{n:05d};laptop;{n % 4 * 4 + 4}\n" for n in range(30))
    content = ("serial;category;ram_gb\n" + rows).encode()
    before = (Device.objects.count(), DeviceEvent.objects.count())

    plan = plan_of(batch, content)
    assert len(plan.to_create) == 30 and (Device.objects.count(), DeviceEvent.objects.count()) == before

    run = InventoryImport.objects.create(batch=batch, filename="parc.csv", columns=[c.target for c in plan.columns])
    run = inventory.inventory_import_run(run=run, plan=plan, actor=technician)

    assert (run.status, run.rows_done, run.rows_total, run.created_count) == ("done", 30, 30, 30)
    assert batch.devices.count() == 30 and len(set(batch.devices.values_list("asset_tag", flat=True))) == 30
    assert plan_of(batch, content).skipped == 30  # importing it again registers nothing
