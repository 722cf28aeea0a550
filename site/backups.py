"""Backups of what cannot be made again: the database and the files of both storages (private evidence —
erasure certificates, signed agreements, proofs of enrolment — and public media), in one dated archive.

An archive `reemploi-YYYYMMDD-HHMMSS.tar.gz` holds `database.pgdump` (pg_dump's custom format) or
`database.sqlite3` (SQLite's online backup), the files under `files/<storage>/<name>`, and `manifest.json`
with the SHA-256 of every member. It is written to the `backups` storage (a folder, or a bucket of its own)
beside `<archive>.sha256`. Restoring checks both checksums before anything is written, and writes only into
an empty database (or, with `replace`, over the current one).
"""

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

FILE_STORAGES = ("private", "default")
PREFIX = "reemploi-"
CHUNK = 1 << 20


class BackupError(Exception):
    """Said to the operator as it is: what is wrong and what to do."""


@dataclass(frozen=True)
class Summary:
    name: str
    size: int
    files: int
    sha256: str


def _sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_of(handle)


def _archives(storage) -> list[str]:
    """The archives in the backups storage, oldest first (their names sort by date)."""
    return sorted(name for name in storage.listdir("")[1] if name.startswith(PREFIX) and name.endswith(".tar.gz"))


def _walk(storage, folder: str = ""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder storage nothing was ever written to
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _pg_environment(database: dict) -> tuple[list[str], dict]:
    """libpq's connection options for pg_dump and pg_restore, the password in the environment only."""
    options = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        options += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        options += ["--port", str(database["PORT"])]
    if database.get("USER"):
        options += ["--username", database["USER"]]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "PGCONNECT_TIMEOUT": "10"}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return options, env


def _run(command: list[str], env: dict):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (pg_dump, pg_restore)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).") from None
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(connection, folder: Path) -> Path:
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        options, env = _pg_environment(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *options], env)
        return target
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise BackupError(f"no backup for the {connection.vendor} database")


def backup_create(*, using: str = "default") -> Summary:
    """Dump the database and every stored file into a new archive in the `backups` storage."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"{PREFIX}{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="reemploi-backup-") as work:
        work = Path(work)
        dump = _dump_database(connections[using], work)
        manifest = {
            "created": timezone.now().isoformat(),
            "database": {"vendor": connections[using].vendor, "member": dump.name, "sha256": _sha256(dump)},
            "files": {},
        }
        archive_path = work / name
        with tarfile.open(archive_path, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            for alias in FILE_STORAGES:
                storage = storages[alias]
                for stored in _walk(storage):
                    member = f"files/{alias}/{stored}"
                    digest = hashlib.sha256()
                    with storage.open(stored, "rb") as handle, tempfile.TemporaryFile() as spool:
                        for block in iter(lambda h=handle: h.read(CHUNK), b""):
                            digest.update(block)
                            spool.write(block)
                        info = tarfile.TarInfo(member)
                        info.size = spool.tell()
                        info.mtime = int(timezone.now().timestamp())
                        spool.seek(0)
                        archive.addfile(info, spool)
                    manifest["files"][member] = digest.hexdigest()
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
        checksum = _sha256(archive_path)
        target = storages["backups"]
        with archive_path.open("rb") as handle:
            saved = target.save(name, File(handle, name=name))
        target.save(f"{saved}.sha256", ContentFile(f"{checksum}  {saved}\n".encode()))
        return Summary(name=saved, size=archive_path.stat().st_size, files=len(manifest["files"]), sha256=checksum)


def backups_prune(*, keep_days: int) -> list[str]:
    """Delete the archives older than `keep_days` (the newest one is always kept)."""
    storage = storages["backups"]
    archives = _archives(storage)
    limit = timezone.now() - timedelta(days=keep_days)
    removed = []
    for name in archives[:-1]:
        stamp = name.removeprefix(PREFIX).removesuffix(".tar.gz")
        try:
            made = timezone.make_aware(timezone.datetime.strptime(stamp, "%Y%m%d-%H%M%S"))
        except ValueError:
            continue
        if made < limit:
            storage.delete(name)
            if storage.exists(f"{name}.sha256"):
                storage.delete(f"{name}.sha256")
            removed.append(name)
    return removed


def _fetch(name: str, folder: Path) -> Path:
    """The archive from the `backups` storage (or a local path), checked against its `.sha256`."""
    local = Path(name)
    target = folder / local.name
    if local.is_file():
        shutil.copyfile(local, target)
        sums = local.with_name(local.name + ".sha256")
        expected = sums.read_text().split()[0] if sums.is_file() else None
    else:
        storage = storages["backups"]
        if not storage.exists(name):
            raise BackupError(f"no backup named {name} (see `manage.py backup --list`)")
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        expected = (
            storage.open(f"{name}.sha256").read().decode().split()[0] if storage.exists(f"{name}.sha256") else None
        )
    if expected is None:
        raise BackupError(f"{name} has no .sha256 beside it: its integrity cannot be checked")
    if _sha256(target) != expected:
        raise BackupError(f"{name} does not match its checksum: the archive is damaged")
    return target


def _vendor(database: dict) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"no restore for the {engine} database")


def _has_tables(database: dict) -> bool:
    """Whether the target database holds any table (a database in use), read without Django's connection."""
    if _vendor(database) == "postgresql":
        import psycopg

        options = {
            key: database.get(key.upper()) for key in ("host", "port", "user", "password") if database.get(key.upper())
        }
        with psycopg.connect(dbname=database["NAME"], connect_timeout=10, **options) as raw:
            found = raw.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        return bool(found)
    path = Path(str(database["NAME"]))
    if str(path) == ":memory:" or "mode=memory" in str(path):
        raise BackupError("an in-memory SQLite database cannot be restored into")
    if not path.exists():
        return False
    with sqlite3.connect(path) as raw:
        found = raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    raw.close()
    return bool(found)


def _restore_database(database: dict, dump: Path, *, replace: bool):
    if _vendor(database) == "postgresql":
        options, env = _pg_environment(database)
        clean = ["--clean", "--if-exists"] if replace else []
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *clean, *options, str(dump)], env)
        return
    with sqlite3.connect(dump) as source, sqlite3.connect(str(database["NAME"])) as target:
        source.backup(target)
    source.close()
    target.close()


def backup_restore(name: str, *, database: dict | None = None, replace: bool = False) -> Summary:
    """Write an archive's database and files back. Every checksum is verified first; the database (the
    default one, or `database`, settings as in DATABASES) must be empty unless `replace`; a file already
    stored under the same name is left as it is unless `replace`."""
    if database is None:
        connections["default"].close()  # the restore writes beside Django, not through it
        database = connections["default"].settings_dict
    if _has_tables(database) and not replace:
        raise BackupError("the database is not empty: restore into a new database, or pass --replace")
    with tempfile.TemporaryDirectory(prefix="reemploi-restore-") as work:
        work = Path(work)
        archive_path = _fetch(name, work)
        checksum = _sha256(archive_path)
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
            dump_member = manifest["database"]["member"]
            expected = {dump_member: manifest["database"]["sha256"], **manifest["files"]}
            for member_name, digest_wanted in expected.items():
                handle = archive.extractfile(member_name)
                if handle is None:
                    raise BackupError(f"{member_name} is missing from the archive")
                if _sha256_of(handle) != digest_wanted:
                    raise BackupError(f"{member_name} does not match the manifest: the archive is damaged")
            archive.extract(dump_member, work, filter="data")
            _restore_database(database, work / dump_member, replace=replace)
            for member_name in manifest["files"]:
                _files, alias, stored = member_name.split("/", 2)
                storage = storages[alias]
                if storage.exists(stored):
                    if not replace:
                        continue
                    storage.delete(stored)
                saved = storage.save(stored, File(archive.extractfile(member_name), name=stored))
                if saved != stored:
                    raise BackupError(f"{stored} was stored as {saved}")
        return Summary(
            name=Path(name).name, size=archive_path.stat().st_size, files=len(manifest["files"]), sha256=checksum
        )


def backups_list() -> list[tuple[str, int]]:
    storage = storages["backups"]
    return [(name, storage.size(name)) for name in _archives(storage)]
