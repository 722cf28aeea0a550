"""Inventory imports at 20,000 rows: reading, preview (the mapping and every row checked) and import.

    .venv/bin/python bench/imports.py [--rows 20000] [--fresh] [--postgres]

Uses its own database: SQLite `var/bench/imports.sqlite3` (`--fresh` deletes it first), or with `--postgres`
the database `reemploi_bench_imports` on 127.0.0.1 (created if missing, emptied of devices first). Writes two
files of `--rows` devices as institutions export them: a GLPI-like CSV (";" delimiter, UTF-8 with BOM, French
labels, memory in MB, several disks in one cell, a few irregular rows) and the same rows as an XLSX workbook.
For each, times as the workshop's pages run them:

- read: the file decoded (encoding and delimiter detected) or the workbook opened, rows split;
- preview: `plan_inventory`, every row mapped, normalised and checked, the registered serials looked up;
- import: `inventory_import_run`, chunk by chunk with the progress saved (a worker does this for a large file);
- re-import: the preview of the same file again (every row found already in the batch, nothing written).

Prints seconds and rows/s. Goal: each preview under 5 s, each import under 60 s, on this 2-core machine.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "var" / "bench" / "imports.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/reemploi_bench_imports"
sys.path.insert(0, str(ROOT))

PARSER = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
PARSER.add_argument("--rows", type=int, default=20_000, help="rows of each file (default 20,000)")
PARSER.add_argument("--fresh", action="store_true", help="delete the SQLite benchmark database first")
PARSER.add_argument("--postgres", action="store_true", help=f"use PostgreSQL ({PG_URL})")
ARGS = PARSER.parse_args()
GOALS = {"preview": 5.0, "import": 60.0}

os.environ["DJANGO_SETTINGS_MODULE"] = "reemploi.settings.dev"
if ARGS.postgres:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'reemploi_bench_imports'").fetchone():
            admin.execute("CREATE DATABASE reemploi_bench_imports")
    os.environ["DATABASE_URL"] = PG_URL
else:
    if ARGS.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from devices import inventory, tabular  # noqa: E402
from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch, InventoryImport  # noqa: E402

HEADERS = [
    "Nom",
    "Entité",
    "Statut",
    "Fabricant",
    "Numéro de série",
    "Numéro d'inventaire",
    "Type",
    "Modèle",
    "Système d'exploitation - Nom",
    "Lieu",
    "Composants - Processeur",
    "Mémoire (Mo)",
    "Disques",
]
MODELS = [
    ("LENOVO", "ThinkPad T480", "Portable", "Intel Core i5-8250U"),
    ("Hewlett-Packard", "EliteBook 840 G5", "Portable", "Intel Core i5-8350U"),
    ("Dell Inc.", "OptiPlex 7050", "Tour", "Intel Core i5-7500"),
    ("FUJITSU", "ESPRIMO D556", "Mini tour", "Intel Core i3-6100"),
    ("Dell Inc.", "Latitude 5490", "Ordinateur portable", "Intel Core i7-8650U"),
    ("HP", "ProDesk 400 G4", "Fixe", "Intel Core i5-7500"),
]
DISKS = ["256 Go SSD", "500 Go HDD", "238475", "1 To HDD\n256 Go SSD", "512 Go NVMe"]


def rows(count: int) -> list[list[str]]:
    rng = random.Random(13)
    out = []
    for number in range(count):
        brand, model, kind, cpu = rng.choice(MODELS)
        out.append(
            [
                f"PC-LYC-{number:05d}",
                "Région Bretagne > Lycées",
                "Réformé",
                brand,
                f"SN{number:08d}{rng.randint(0, 9)}",
                f"RB-{number:06d}",
                kind,
                model,
                rng.choice(["Windows 10 Pro", "Windows 11 Pro", ""]),
                rng.choice(["Rennes", "Vannes", "Brest", "Saint-Brieuc"]),
                cpu,
                rng.choice(["8192", "16384", "4096", "8 192"]),
                rng.choice(DISKS),
            ]
        )
    return out


def csv_bytes(data) -> bytes:
    lines = [";".join(HEADERS)] + [";".join(f'"{cell}"' if "\n" in cell else cell for cell in row) for row in data]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(data) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Ordinateurs")
    sheet.append(HEADERS)
    for row in data:  # memory as a number, as a spreadsheet holds it
        sheet.append([*row[:11], int(row[11].replace(" ", "")), row[12]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(function, **kwargs):
    start = time.perf_counter()
    result = function(**kwargs)
    return result, time.perf_counter() - start


def main():
    call_command("migrate", verbosity=0, interactive=False)
    association, _ = Association.objects.get_or_create(slug="bench-imports", defaults={"name": "Banc d'import"})
    donor, _ = Donor.objects.get_or_create(name="Région Bretagne (banc)", defaults={"kind": "local_authority"})
    data = rows(ARGS.rows)
    files = {"GLPI CSV": csv_bytes(data), "XLSX": xlsx_bytes(data)}
    print(f"{ARGS.rows:,} rows, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"{'file':<10} {'size':>8} {'read':>7} {'preview':>8} {'import':>8} {'re-import':>9}  rows/s (import)  goals")
    for name, content in files.items():
        batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"bench {name}")
        table, read_s = timed(tabular.read_table, content=content)
        columns = inventory.proposed_columns(table.headers)
        plan, preview_s = timed(inventory.plan_inventory, batch=batch, table=table, columns=columns)
        if plan.error_count:
            print("  errors:", plan.errors[:3])
        run = InventoryImport.objects.create(batch=batch, filename=name, columns=columns)
        run, import_s = timed(inventory.inventory_import_run, run=run, plan=plan, actor=None)
        again, reimport_s = timed(inventory.plan_inventory, batch=batch, table=table, columns=columns)
        assert run.status == "done" and run.created_count == len(plan.to_create), run.message
        assert again.skipped == len(plan.to_create) and not again.to_create
        ok = preview_s < GOALS["preview"] and import_s < GOALS["import"]
        print(
            f"{name:<10} {len(content) / 1e6:>6.1f}MB {read_s:>6.2f}s {preview_s:>7.2f}s {import_s:>7.2f}s "
            f"{reimport_s:>8.2f}s  {run.created_count / import_s:>10,.0f}       {'met' if ok else 'MISSED'}"
        )
        # The next file registers the same serials in another batch: clear this one's devices first.
        DeviceEvent.objects.filter(device__batch=batch)._raw_delete(DeviceEvent.objects.db)
        Device.objects.filter(batch=batch).delete()


if __name__ == "__main__":
    main()
