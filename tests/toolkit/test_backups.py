"""A backup restored into an empty database and empty storages holds the same orders, devices, events and
files; a damaged archive, or a database in use, is refused before anything is written."""

import io
import sqlite3
import tarfile
import uuid
from contextlib import closing

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from devices.models import Association, Device
from reemploi import backups
from tests.helpers import folder_storages
from tests.shop.helpers import invoice_order, listed_product, verified_buyer

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed

ROWS = {
    "migrations": "SELECT app, name FROM django_migrations ORDER BY app, name",
    "devices": "SELECT asset_tag, status FROM devices_device ORDER BY id",
    "events": "SELECT device_id, kind, occurred_at, evidence FROM devices_deviceevent ORDER BY id",
    "orders": "SELECT number, total_incl_tax FROM order_order ORDER BY id",
}


@pytest.fixture
def registry(base_data):
    """Devices through the workshop, an order on invoice, and files in both storages."""
    from tests.factories import UserFactory

    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    products = [listed_product(association) for _ in range(2)]
    buyer = UserFactory(email="ccas@example.org")
    verified_buyer(buyer)
    invoice_order(buyer, products[:1])
    storages["private"].save("certificates/effacement-1.pdf", ContentFile(b"%PDF-1.7 certificate\n"))
    storages["private"].save("rental/proofs/attestation.pdf", ContentFile(b"%PDF-1.7 proof\n"))
    storages["default"].save("original_images/atelier.jpg", ContentFile(b"\xff\xd8\xff photo"))
    return association


def rows(database: dict) -> dict[str, list]:
    """The compared rows, read from `database` (settings as in DATABASES) without Django's connection."""
    if "postgresql" in database["ENGINE"]:
        import psycopg

        with psycopg.connect(
            dbname=database["NAME"], host=database["HOST"], port=database["PORT"], user=database["USER"]
        ) as raw:
            return {name: [tuple(row) for row in raw.execute(query).fetchall()] for name, query in ROWS.items()}
    with closing(sqlite3.connect(database["NAME"])) as raw:
        return {name: [tuple(row) for row in raw.execute(query).fetchall()] for name, query in ROWS.items()}


def stored_files() -> dict[str, bytes]:
    found = {}
    for alias in backups.FILE_STORAGES:
        for name in backups._walk(storages[alias]):
            with storages[alias].open(name, "rb") as handle:
                found[f"{alias}/{name}"] = handle.read()
    return found


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the same kind as the test database (dropped afterwards)."""
    database = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        import psycopg

        name = f"reemploi_restore_{uuid.uuid4().hex[:8]}"
        options = {"host": database["HOST"], "port": database["PORT"], "user": database["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **options) as raw:
            raw.execute(f'CREATE DATABASE "{name}"')
        database["NAME"] = name
        yield database
        with psycopg.connect(dbname="postgres", autocommit=True, **options) as raw:
            raw.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        database["NAME"] = str(tmp_path / "restored.sqlite3")
        yield database


@pytest.fixture
def empty_storages(settings, tmp_path):
    """Point both storages at new, empty folders (what a restore on a new machine starts from)."""

    def switch():
        settings.STORAGES = {**settings.STORAGES, **folder_storages(tmp_path / "m2", tmp_path / "p2")}

    return switch


@pytest.fixture
def backup_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "backups", "base_url": None},
        },
    }
    return tmp_path / "backups"


def test_a_restored_backup_holds_the_same_orders_devices_events_and_files(
    registry, backup_folder, empty_database, empty_storages, capsys
):
    before_rows = rows(connection.settings_dict)
    before_files = stored_files()
    assert len(before_rows["devices"]) == 2 and len(before_rows["orders"]) == 1 and len(before_rows["events"]) >= 8
    assert len(before_files) == 3

    call_command("backup")
    archive = capsys.readouterr().out.split(":")[0]
    assert archive.startswith("reemploi-") and archive.endswith(".tar.gz")
    assert (backup_folder / archive).is_file() and (backup_folder / f"{archive}.sha256").is_file()

    empty_storages()
    assert stored_files() == {}
    call_command("restore", archive, "--database-url", database_url(empty_database), "--noinput")

    # The same rows, and a working database, not only these tables: the migrations' record came along.
    assert rows(empty_database) == before_rows
    assert stored_files() == before_files


def database_url(database: dict) -> str:
    if "postgresql" in database["ENGINE"]:
        return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return f"sqlite:///{database['NAME']}"


def test_a_damaged_archive_is_refused_before_anything_is_written(
    registry, backup_folder, empty_database, empty_storages
):
    summary = backups.backup_create()
    path = backup_folder / summary.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    empty_storages()
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", summary.name, "--database-url", database_url(empty_database), "--noinput")
    assert stored_files() == {}
    assert not backups._has_tables(empty_database)


def test_a_member_changed_inside_the_archive_is_refused(
    registry, backup_folder, empty_database, empty_storages, tmp_path
):
    """An archive rebuilt with a changed file (and a checksum to match) still fails the manifest."""
    summary = backups.backup_create()
    original = backup_folder / summary.name
    rebuilt = tmp_path / "copy" / summary.name
    rebuilt.parent.mkdir()
    with tarfile.open(original, "r:gz") as source, tarfile.open(rebuilt, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.endswith("effacement-1.pdf"):
                content = b"%PDF-1.7 forged\n"
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    rebuilt.with_name(rebuilt.name + ".sha256").write_text(f"{backups._sha256(rebuilt)}  {rebuilt.name}\n")
    empty_storages()
    with pytest.raises(CommandError, match="effacement-1.pdf does not match the manifest"):
        call_command("restore", str(rebuilt), "--database-url", database_url(empty_database), "--noinput")
    assert stored_files() == {}


def test_a_database_in_use_is_not_written_over_without_replace(registry, backup_folder):
    summary = backups.backup_create()
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", summary.name, "--noinput")
    assert Device.objects.count() == 2


def test_old_archives_are_pruned_but_the_newest_is_kept(backup_folder, db):
    backup_folder.mkdir()
    for stamp in ("20260101-031500", "20260102-031500"):
        (backup_folder / f"reemploi-{stamp}.tar.gz").write_bytes(b"x")
        (backup_folder / f"reemploi-{stamp}.tar.gz.sha256").write_text("x")
    removed = backups.backups_prune(keep_days=30)
    assert removed == ["reemploi-20260101-031500.tar.gz"]
    assert sorted(p.name for p in backup_folder.iterdir()) == [
        "reemploi-20260102-031500.tar.gz",
        "reemploi-20260102-031500.tar.gz.sha256",
    ]
