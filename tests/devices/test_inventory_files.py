"""Inventory files as the tools write them (tests/devices/files/inventory/README.md says how each was made):
GLPI 10's and OCS Inventory's list exports, a French Excel "CSV UTF-8", LibreOffice Calc's Windows-1252 CSV,
XLSX and ODS, an English sheet. Each: the encoding found, every mapped field in its column, the ignored
columns listed, the rows with errors named; then imported for real."""

from decimal import Decimal
from pathlib import Path

import pytest

from devices import inventory, tabular
from devices.models import InventoryImport

FILES = Path(__file__).parent / "files" / "inventory"
pytestmark = pytest.mark.django_db

CALC_ROW_3 = {
    "serial": "PF2AB7LM",
    "category": "laptop",
    "donor_reference": "INV-2020-0007",
    "model": "ThinkPad L590",
    "cpu": "Intel Core i5-8265U",
    "os": "Windows 11 Pro",
    "brand": "Lenovo",
    "ram_gb": 16,
    "storage_gb": 512,
    "storage_kind": "nvme",
    "screen_inches": Decimal("15.6"),
}
CASES = {
    "glpi10_computers.csv": {
        "described": "UTF-8 (BOM)",
        "ignored": ["Nom", "Entité", "Statut", "Lieu", "Volumes - Taille totale", "Dernière modification"],
        "errors": [21],
        "rows": {
            2: {
                "serial": "PF1KX2ZQ",
                "category": "laptop",
                "donor_reference": "CVH-2019-0012",
                "model": "ThinkPad T480",
                "cpu": "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz",
                "os": "Microsoft Windows 10 Professionnel",
                "brand": "Lenovo",
                "ram_gb": 8,
                "storage_gb": 250,
            },
            13: {"serial": "9JQ2FV2", "category": "desktop", "brand": "Dell", "model": "OptiPlex 7060"},
        },
    },
    "ocs_computers.csv": {
        "described": "UTF-8",
        "default_category": "desktop",  # OCS's list has no device type: the technician chooses one
        "ignored": ["Account info : TAG", "Dernier inventaire", "Machine", "Utilisateur connecté", "CPU (MHz)"],
        "errors": [20, 21],  # a placeholder serial ("To Be Filled By O.E.M."), an empty one
        "rows": {
            2: {
                "serial": "PF1M3Q8T",
                "category": "desktop",
                "model": "20L5S0KF00",
                "brand": "Lenovo",
                "ram_gb": 8,
                "cpu": "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz",
                "os": "Microsoft Windows 10 Professionnel",
            },
        },
    },
    "excel_fr_utf8_bom.csv": {
        "described": "UTF-8 (BOM)",
        "ignored": [],
        "errors": [23],
        "rows": {
            3: CALC_ROW_3,
            16: {"serial": "YK2R004128", "category": "desktop", "storage_kind": "emmc", "declared_broken": True},
        },
    },
    "calc_fr_cp1252.csv": {
        "described": "Windows-1252",
        "ignored": [],
        "errors": [15],
        "rows": {
            2: {
                "serial": "PC0WX3AB",
                "category": "laptop",
                "model": "ThinkPad E490",
                "cpu": "Core i5-8265U",
                "os": "Windows 10 Professionnel",
                "brand": "Lenovo",
                "ram_gb": 8,
                "storage_gb": 250,
                "screen_inches": Decimal("14.0"),
            },
        },
    },
    "calc_fr.xlsx": {"described": "XLSX", "ignored": ["Date d'entrée"], "errors": [23], "rows": {3: CALC_ROW_3}},
    "calc_fr.ods": {"described": "ODS", "ignored": ["Date d'entrée"], "errors": [23], "rows": {3: CALC_ROW_3}},
    "english_headers.csv": {
        "described": "UTF-8",
        "ignored": [],
        "errors": [16],
        "rows": {
            2: {
                "serial": "PF3BN8QR",
                "category": "laptop",
                "donor_reference": "AT-000412",
                "model": "ThinkPad T490",
                "cpu": "Intel Core i5-8365U",
                "os": "Windows 11 Pro",
                "brand": "Lenovo",
                "ram_gb": 16,
                "storage_gb": 512,
                "storage_kind": "nvme",
                "screen_inches": Decimal("14.0"),
            },
        },
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_file_as_its_tool_writes_it(batch, technician, name):
    case = CASES[name]
    table = tabular.read_table((FILES / name).read_bytes())
    plan = inventory.plan_inventory(
        batch=batch,
        table=table,
        columns=inventory.proposed_columns(table.headers),
        default_category=case.get("default_category", ""),
    )

    assert case["described"] in table.describe()
    assert [column.header for column in plan.ignored] == case["ignored"]
    assert [line for line, _message in plan.errors] == case["errors"]
    stored = {line: {**specs, **event} for line, specs, event in plan.to_create}
    for line, expected in case["rows"].items():
        row = stored[line]
        assert {field: row.get(field) for field in expected} == expected, f"line {line}"
        if len(expected) > 6:  # a fully described row: nothing else was stored
            assert set(row) == set(expected), f"line {line}"

    run = InventoryImport.objects.create(batch=batch, filename=name, columns=[c.target for c in plan.columns])
    run = inventory.inventory_import_run(run=run, plan=plan, actor=technician)
    assert run.status == "done" and batch.devices.count() == len(plan.to_create) == len(table.rows) - len(
        case["errors"]
    )
    device = batch.devices.get(serial=next(iter(case["rows"].values()))["serial"])
    first = next(iter(case["rows"].values()))
    for field, value in first.items():
        if field != "declared_broken":
            assert getattr(device, field) == value, field
