"""Imports for the workshop: a donor's inventory, and the reports of erasure tools.

Both check every row first and report errors with their line numbers; a file with any error imports
nothing. Re-importing the same inventory creates no duplicates. Erasure reports come as nwipe's log, as
the documented JSON, or as a table (CSV, XLSX, ODS: see `ERASURE_COLUMNS`); each names a device by its
asset tag, its serial number or the serial of one of its disks.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from devices import inventory, nwipe, services, tabular
from devices.models import Device, DeviceDisk, IntakeBatch
from devices.tags import asset_tag_normalize

RESULT_WORDS = {
    "success": "success",
    "succes": "success",
    "ok": "success",
    "reussi": "success",
    "erased": "success",
    "efface": "success",
    "passed": "success",
    "failure": "failure",
    "failed": "failure",
    "fail": "failure",
    "echec": "failure",
    "ko": "failure",
    "aborted": "failure",
    "abandonne": "failure",
    "partial": "failure",
    "partiel": "failure",
}
# The columns of an erasure report as a table, with the header names recognised for each.
ERASURE_COLUMNS = {
    "asset_tag": ["asset tag", "asset_tag", "etiquette", "n d etiquette"],
    "serial": ["serial", "numero de serie", "n de serie", "serie", "serial number", "device serial"],
    "disk_serial": ["disk serial", "disk_serial", "numero de serie du disque", "serie disque", "drive serial"],
    "method": ["method", "methode", "norme", "standard"],
    "tool": ["tool", "outil", "logiciel", "software"],
    "result": ["result", "resultat", "status", "statut"],
    "date": ["date", "erased on", "erased_on", "date d effacement", "fin", "ended at", "ended_at", "end"],
    "started_at": ["started at", "started_at", "debut", "start"],
    "operator": ["operator", "operateur", "technicien", "technician"],
    "passes": ["passes", "passages", "rounds", "nombre de passes"],
    "verification": ["verification", "verify", "controle"],
}
ERASURE_HEADER = {inventory.header_key(key): name for name, keys in ERASURE_COLUMNS.items() for key in keys}


class ImportRejected(ValidationError):
    """The file has errors: `errors` lists (line, message); nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(_("The file has %(count)d error(s); nothing was imported.") % {"count": len(errors)})


@dataclass
class ImportResult:
    created: list[Device] = field(default_factory=list)
    skipped: int = 0  # rows already imported into this batch


def batch_import_inventory(*, batch: IntakeBatch, content: bytes | str, actor) -> ImportResult:
    """Register every device of a donor's inventory file in the batch, mapped as the preview proposes
    (the donor's profile, the recognised headers), or none if a row is wrong."""
    content = content.encode() if isinstance(content, str) else content
    try:
        table = tabular.read_table(content)
    except tabular.UnreadableFile as exc:
        raise ImportRejected([(0, str(exc))]) from None
    columns, default_category = inventory.proposal(batch=batch, headers=table.headers)
    plan = inventory.plan_inventory(batch=batch, table=table, columns=columns, default_category=default_category)
    if plan.missing_serial_column:
        raise ImportRejected([(1, _("No column holds the serial numbers."))])
    if plan.error_count:
        raise ImportRejected(plan.errors)
    created = inventory.register_planned(batch=batch, rows=plan.to_create, actor=actor)
    return ImportResult(created=created, skipped=plan.skipped)


# --- Erasure reports ------------------------------------------------------------------------------------


@dataclass
class ErasureRecord:
    """One erasure of a report: of a device (asset tag or serial) or of one of its disks (disk serial)."""

    line: int
    method: str
    result: str  # "success" or "failure"
    erased_at: datetime | None
    asset_tag: str = ""
    serial: str = ""
    disk_serial: str = ""
    tool: str = ""
    operator: str = ""
    started_at: datetime | None = None
    passes: int | None = None
    verification: str = ""
    status: str = ""  # the tool's own word (nwipe: "Erased", "FAILED"…)

    @property
    def reference(self) -> str:
        return self.asset_tag or self.serial or self.disk_serial or "—"


def _aware(moment: datetime | None) -> datetime | None:
    """A time read in a report: a station's clock is local time (Europe/Paris) unless it says otherwise."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _moment(value: str) -> datetime:
    value = value.strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    moment = parse_datetime(value) if value else None
    if moment is None:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None:
        raise ValueError(_("Unreadable date “%(value)s” (use 2026-03-31 or 31/03/2026).") % {"value": value})
    return moment


def _result(value: str) -> str:
    result = RESULT_WORDS.get(inventory.header_key(value))
    if not result:
        raise ValueError(_("Unknown result “%(value)s” (success or failure).") % {"value": value})
    return result


def _passes(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(_("The number of passes must be a number, not “%(value)s”.") % {"value": value}) from None


def _record_of(line: int, values: dict) -> ErasureRecord:
    """A record from a row of a table or an item of the JSON report (every value as text or number)."""
    text = {key: str(value).strip() for key, value in values.items() if value is not None}
    if not (text.get("asset_tag") or text.get("serial") or text.get("disk_serial")):
        raise ValueError(_("The row names no device: give its asset tag, its serial or its disk's serial."))
    if not text.get("method"):
        raise ValueError(_("The erasure method is missing."))
    if not text.get("date"):
        raise ValueError(_("The date of the erasure is missing."))
    return ErasureRecord(
        line=line,
        method=text["method"],
        result=_result(text.get("result", "")),
        erased_at=_aware(_moment(text["date"])),
        started_at=_aware(_moment(text["started_at"])) if text.get("started_at") else None,
        asset_tag=text.get("asset_tag", ""),
        serial=text.get("serial", ""),
        disk_serial=text.get("disk_serial", ""),
        tool=text.get("tool", ""),
        operator=text.get("operator", ""),
        passes=_passes(text.get("passes")),
        verification=text.get("verification", ""),
    )


def _records_of_rows(rows, errors) -> list[ErasureRecord]:
    records = []
    for line, values in rows:
        try:
            records.append(_record_of(line, values))
        except ValueError as exc:
            errors.append((line, str(exc)))
    return records


def _records_of_table(table: tabular.Table, errors) -> list[ErasureRecord]:
    names = [ERASURE_HEADER.get(inventory.header_key(header), "") for header in table.headers]
    found = set(names)
    if not ({"asset_tag", "serial", "disk_serial"} & found) or not {"method", "result", "date"} <= found:
        raise ImportRejected(
            [
                (
                    1,
                    _(
                        "Expected columns: asset_tag, serial or disk_serial, method, result, date; optional: tool, "
                        "operator, started_at, passes, verification."
                    ),
                )
            ]
        )
    rows = ((line, {name: cell for name, cell in zip(names, cells, strict=True) if name}) for line, cells in table.rows)
    return _records_of_rows(rows, errors)


def _records_of_json(text: str, errors) -> list[ErasureRecord]:
    """The JSON report: {"tool": …, "operator": …, "erasures": [{"disk_serial" | "serial" | "asset_tag",
    "method", "result", "date", "started_at", "passes", "verification", "tool", "operator"}]} or that list."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [(exc.lineno, _("The JSON report cannot be read: %(error)s.") % {"error": exc.msg})]
        ) from None
    shared = data if isinstance(data, dict) else {}
    items = data.get("erasures") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportRejected([(1, _("The JSON report must hold a list “erasures” of objects."))])
    defaults = {key: shared[key] for key in ("tool", "operator", "method") if isinstance(shared.get(key), str)}
    return _records_of_rows(((number, {**defaults, **item}) for number, item in enumerate(items, 1)), errors)


def _records_of_nwipe(log: nwipe.NwipeLog) -> list[ErasureRecord]:
    tool = f"nwipe {log.version}".strip()
    return [
        ErasureRecord(
            line=number,
            method=disk.method,
            result=disk.result,
            erased_at=_aware(disk.ended_at or disk.started_at),
            started_at=_aware(disk.started_at),
            disk_serial=disk.serial,
            tool=tool,
            passes=disk.passes,
            verification=disk.verification,
            status=disk.status,
        )
        for number, disk in enumerate(log.disks, 1)
    ]


def erasure_records(content: bytes) -> tuple[list[ErasureRecord], str, list[tuple[int, str]]]:
    """The records of a report, its format ("nwipe", "json", "table") and the rows with errors."""
    errors: list[tuple[int, str]] = []
    try:
        if tabular.is_spreadsheet(content):
            return _records_of_table(tabular.read_spreadsheet(content), errors), "table", errors
        text, _encoding = tabular.decode(content)
    except tabular.UnreadableFile as exc:
        raise ImportRejected([(0, str(exc))]) from None
    if nwipe.looks_like_nwipe(text):
        try:
            log = nwipe.parse_nwipe_log(text)
        except nwipe.NwipeFormatError as exc:
            raise ImportRejected([(0, _("The nwipe log cannot be read: %(error)s.") % {"error": exc})]) from None
        return _records_of_nwipe(log), "nwipe", errors
    if text.lstrip().startswith(("{", "[")):
        return _records_of_json(text, errors), "json", errors
    try:
        table = tabular.read_csv(content)
    except tabular.UnreadableFile as exc:
        raise ImportRejected([(0, str(exc))]) from None
    return _records_of_table(table, errors), "table", errors


def _matches(records: list[ErasureRecord], devices) -> dict[int, list[Device]]:
    """The devices each record may name: by asset tag first, then by serial, then by a disk's serial."""
    # Tags as scanners and people write them (k7x4a9, K7X 4A9) in their printed form, K7X-4A9.
    tags = {record.line: asset_tag_normalize(record.asset_tag) for record in records}
    by_tag = {d.asset_tag: d for d in devices.filter(asset_tag__in={tag for tag in tags.values() if tag})}
    serials = {s.lower() for r in records for s in (r.serial, r.disk_serial) if s}
    by_serial: dict[str, list[Device]] = {}
    for device in devices.annotate(serial_lower=Lower("serial")).filter(serial_lower__in=serials):
        by_serial.setdefault(device.serial.lower(), []).append(device)
    by_disk: dict[str, list[Device]] = {}
    disks = DeviceDisk.objects.annotate(serial_lower=Lower("serial")).filter(
        serial_lower__in=serials, device__in=devices
    )
    for disk in disks.select_related("device"):
        by_disk.setdefault(disk.serial.lower(), []).append(disk.device)
    found = {}
    for record in records:
        tag = tags[record.line]
        if tag in by_tag:
            found[record.line] = [by_tag[tag]]
        elif record.serial:
            found[record.line] = by_serial.get(record.serial.lower(), [])
        else:  # a disk: the device it was found in, or a device registered under the disk's serial
            key = record.disk_serial.lower()
            found[record.line] = by_disk.get(key) or by_serial.get(key, [])
    return found


def _details(records: list[ErasureRecord]) -> dict:
    first = records[0]
    details = {
        "passes": first.passes,
        "verification": first.verification,
        "started_at": min((r.started_at for r in records if r.started_at), default=None),
    }
    if details["started_at"]:
        details["started_at"] = timezone.localtime(details["started_at"]).strftime("%d/%m/%Y %H:%M")
    if any(r.disk_serial for r in records):
        details["disks"] = [
            {"serial": r.disk_serial, "result": r.result, **({"status": r.status} if r.status else {})} for r in records
        ]
    return {key: value for key, value in details.items() if value not in (None, "")}


def import_erasure_report(*, content: bytes | str, actor, certificate=None, devices=None) -> list:
    """Record the erasures of an erasure tool's report (nwipe's log, the JSON report, a table).

    A device with several disks in the report gets one erasure, successful only if every disk was erased.
    The report file itself is the evidence of each erasure unless a PDF certificate is given. Only `devices`
    (the operator's own association's, all by default) are matched: a line naming another member's device is
    refused like an unknown one."""
    devices = Device.objects.all() if devices is None else devices
    content = content.encode() if isinstance(content, str) else content
    records, _format, errors = erasure_records(content)
    if not records and not errors:
        raise ImportRejected([(0, _("The report holds no erasure."))])
    matches = _matches(records, devices)
    by_device: dict[int, tuple[Device, list[ErasureRecord]]] = {}
    for record in records:
        found = matches[record.line]
        if record.erased_at is None:  # an nwipe log cut to its summary table: no time
            errors.append((record.line, _("The erasure of %(ref)s has no date.") % {"ref": record.reference}))
            continue
        if len(found) != 1:
            errors.append((record.line, _("No single device matches %(ref)s.") % {"ref": record.reference}))
            continue
        by_device.setdefault(found[0].pk, (found[0], []))[1].append(record)
    for device, device_records in by_device.values():
        if device.status not in services.WORKSHOP:
            errors.append(
                (device_records[0].line, _("Device %(tag)s is not in the workshop.") % {"tag": device.asset_tag})
            )
    if errors:
        raise ImportRejected(sorted(errors))
    events: list = []
    shared = certificate or _report_file(content, _format)
    try:
        with transaction.atomic():
            for device, device_records in by_device.values():
                last = max(device_records, key=lambda r: r.erased_at)
                erased = {r.disk_serial.lower() for r in device_records if r.disk_serial and r.result == "success"}
                # Every disk known in the device must be in the report and erased, not only those it names.
                unerased = [d.serial for d in device.disks.all() if d.serial.lower() not in erased] if erased else []
                details = _details(device_records)
                if unerased:
                    details["not_erased"] = unerased
                succeeded = not unerased and all(r.result == "success" for r in device_records)
                try:
                    event = services.device_erase(
                        device=device,
                        actor=actor,
                        method=last.method,
                        tool=last.tool,
                        result="success" if succeeded else "failure",
                        operator=last.operator,
                        erased_on=last.erased_at,
                        certificate=shared,
                        details=details,
                    )
                except ValidationError as exc:
                    raise ImportRejected([(last.line, "; ".join(exc.messages))]) from exc
                if event.evidence:
                    shared = event.evidence.name  # stored once, shared by every erasure of the report
                events.append(event)
    except ImportRejected:
        if events and events[0].evidence and not isinstance(certificate, str):
            events[0].evidence.storage.delete(events[0].evidence.name)  # nothing was imported: no orphan file
        raise
    return events


def _report_file(content: bytes, report_format: str) -> ContentFile:
    if report_format == "table" and tabular.is_spreadsheet(content):
        extension = tabular.spreadsheet_kind(content)
    else:
        extension = {"nwipe": "log", "json": "json"}.get(report_format, "csv")
    return ContentFile(content, name=f"rapport-effacement.{extension}")
