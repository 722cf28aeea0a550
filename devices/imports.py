"""CSV imports for the workshop: a donor's inventory, and an erasure tool's report.

Both check every row first and report errors with their line numbers; a file with any error imports
nothing. Re-importing the same inventory creates no duplicates.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from devices import services
from devices.models import Device, IntakeBatch
from devices.tags import asset_tag_normalize

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024

CATEGORY_ALIASES = {
    **{value: value for value in Device.Category.values},
    "portable": "laptop",
    "ordinateur portable": "laptop",
    "pc portable": "laptop",
    "fixe": "desktop",
    "ordinateur fixe": "desktop",
    "unité centrale": "desktop",
    "uc": "desktop",
    "pc fixe": "desktop",
    "écran": "screen",
    "ecran": "screen",
    "moniteur": "screen",
    "serveur": "server",
    "tablette": "tablet",
    "téléphone": "smartphone",
    "telephone": "smartphone",
    "autre": "other",
}
STORAGE_ALIASES = {"": "", "hdd": "hdd", "disque dur": "hdd", "ssd": "ssd", "nvme": "nvme", "emmc": "emmc"}
HEADER_ALIASES = {
    "storage": "storage_gb",
    "storage kind": "storage_kind",
    "screen": "screen_inches",
    "numéro de série": "serial",
    "numero de serie": "serial",
    "n° de série": "serial",
    "série": "serial",
    "marque": "brand",
    "modèle": "model",
    "modele": "model",
    "catégorie": "category",
    "categorie": "category",
    "type": "category",
    "processeur": "cpu",
    "ram": "ram_gb",
    "mémoire": "ram_gb",
    "memoire": "ram_gb",
    "stockage": "storage_gb",
    "type de stockage": "storage_kind",
    "écran (pouces)": "screen_inches",
    "écran": "screen_inches",
    "système": "os",
    "systeme": "os",
    "méthode": "method",
    "methode": "method",
    "outil": "tool",
    "résultat": "result",
    "resultat": "result",
    "opérateur": "operator",
    "operateur": "operator",
    "étiquette": "asset_tag",
    "etiquette": "asset_tag",
}
RESULT_ALIASES = {
    "success": "success",
    "succès": "success",
    "succes": "success",
    "ok": "success",
    "réussi": "success",
    "failure": "failure",
    "échec": "failure",
    "echec": "failure",
    "ko": "failure",
}


class ImportRejected(ValidationError):
    """The file has errors: `errors` lists (line, message); nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(_("The file has %(count)d error(s); nothing was imported.") % {"count": len(errors)})


@dataclass
class ImportResult:
    created: list[Device] = field(default_factory=list)
    skipped: int = 0  # rows already imported into this batch


def _read_rows(content: bytes | str) -> tuple[list[str], list[tuple[int, dict]]]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise ImportRejected([(0, _("The file is larger than 5 MB."))])
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252")
    else:
        text = content
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ImportRejected([(1, _("The file is empty or has no header line."))])
    headers = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames]
    reader.fieldnames = headers
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(rows) > MAX_ROWS:
            raise ImportRejected([(reader.line_num, _("More than 20,000 rows: split the file."))])
    return headers, rows


def _int_or_none(value: str, label: str) -> int | None:
    if not value:
        return None
    try:
        number = int(float(value.replace(",", ".")))
    except (ValueError, OverflowError) as exc:  # "huit", "inf"
        raise ValueError(_("%(label)s must be a number, not “%(value)s”.") % {"label": label, "value": value}) from exc
    if number < 0:
        raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
    return number


def _inches_or_none(value: str) -> Decimal | None:
    """A screen size to one decimal (15.6, "15,6"): a Decimal, as the field stores it (a float would become
    15.60 and fail its validation)."""
    if not value:
        return None
    try:
        inches = Decimal(value.replace(",", ".")).quantize(Decimal("0.1"), ROUND_HALF_UP)
    except InvalidOperation as exc:  # "grand", "Infinity", "1E+40"
        raise ValueError(_("The screen size must be a number of inches.")) from exc
    if not inches.is_finite() or inches <= 0:  # "NaN" quantizes to itself
        raise ValueError(_("The screen size must be a number of inches."))
    return inches


def _devices_by_serial(serials, devices=None) -> list[Device]:
    """The registered devices (among `devices`, all by default) whose serial is one of `serials`, whatever
    the case on either side."""
    devices = Device.objects.all() if devices is None else devices
    return list(
        devices.annotate(serial_lower=Lower("serial")).filter(
            serial_lower__in={serial.lower() for serial in serials if serial}
        )
    )


def _parse_inventory_row(row: dict) -> dict:
    category = CATEGORY_ALIASES.get(row.get("category", "").lower())
    if not category:
        raise ValueError(
            _("Unknown category “%(value)s” (laptop, desktop, screen, server, tablet, smartphone, other).")
            % {"value": row.get("category", "")}
        )
    storage_kind = STORAGE_ALIASES.get(row.get("storage_kind", "").lower())
    if storage_kind is None:
        raise ValueError(_("Unknown storage kind “%(value)s”.") % {"value": row.get("storage_kind")})
    screen_inches = _inches_or_none(row.get("screen_inches", ""))
    specs = {
        "serial": row.get("serial", ""),
        "category": category,
        "brand": row.get("brand", ""),
        "model": row.get("model", ""),
        "cpu": row.get("cpu", ""),
        "ram_gb": _int_or_none(row.get("ram_gb", ""), _("Memory")),
        "storage_kind": storage_kind,
        "storage_gb": _int_or_none(row.get("storage_gb", ""), _("Storage")),
        "screen_inches": screen_inches,
        "os": row.get("os", ""),
    }
    if not specs["serial"]:
        raise ValueError(_("The serial number is missing."))
    return specs


def batch_import_inventory(*, batch: IntakeBatch, content: bytes | str, actor) -> ImportResult:
    """Register every device of a donor's inventory CSV in the batch, or none if a row is wrong."""
    headers, rows = _read_rows(content)
    missing = {"serial", "category"} - set(headers)
    if missing:
        raise ImportRejected([(1, _("Missing column(s): %(cols)s.") % {"cols": ", ".join(sorted(missing))})])
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, dict]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        try:
            specs = _parse_inventory_row(row)
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        key = (specs["brand"].lower(), specs["serial"].lower())
        if key in seen:
            errors.append(
                (
                    line,
                    _("Serial %(serial)s already appears on line %(line)d.")
                    % {"serial": specs["serial"], "line": seen[key]},
                )
            )
            continue
        seen[key] = line
        parsed.append((line, specs))

    existing = {
        (device.brand.lower(), device.serial.lower()): device.batch_id
        for device in _devices_by_serial(specs["serial"] for _line, specs in parsed)
    }
    result = ImportResult()
    to_create = []
    for line, specs in parsed:
        batch_id = existing.get((specs["brand"].lower(), specs["serial"].lower()))
        if batch_id == batch.pk:
            result.skipped += 1
        elif batch_id is not None:
            errors.append(
                (line, _("Serial %(serial)s is already registered in another batch.") % {"serial": specs["serial"]})
            )
        else:
            to_create.append((line, specs))
    if errors:
        raise ImportRejected(sorted(errors))
    with transaction.atomic():
        for line, specs in to_create:
            try:
                result.created.append(services.device_register(batch=batch, actor=actor, **specs))
            except ValidationError as exc:
                raise ImportRejected([(line, "; ".join(exc.messages))]) from exc
    return result


def _parse_date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(_("Unreadable date “%(value)s” (use 2026-03-31 or 31/03/2026).") % {"value": value})


def import_erasure_report(*, content: bytes | str, actor, certificate=None, devices=None) -> list:
    """Record the erasures of an erasure tool's CSV report (serial or asset tag, method, result, date…).

    Only `devices` (the operator's own association's, all by default) are matched: a line naming another
    member's device is refused like an unknown one."""
    devices = Device.objects.all() if devices is None else devices
    headers, rows = _read_rows(content)
    if not ({"serial", "asset_tag"} & set(headers)) or not {"method", "result", "date"} <= set(headers):
        raise ImportRejected(
            [(1, _("Expected columns: serial (or asset_tag), method, result, date; optional: tool, operator."))]
        )
    errors, planned = [], []
    by_serial: dict[str, list[Device]] = {}
    for device in _devices_by_serial((row.get("serial", "") for _line, row in rows), devices):
        by_serial.setdefault(device.serial.lower(), []).append(device)
    # Tags as scanners and people write them (k7x4a9, K7X 4A9) in their printed form, K7X-4A9.
    tags = {line: asset_tag_normalize(row.get("asset_tag", "")) for line, row in rows}
    by_tag = {d.asset_tag: d for d in devices.filter(asset_tag__in={t for t in tags.values() if t})}
    for line, row in rows:
        tag, serial = tags[line], row.get("serial", "")
        matches = [by_tag[tag]] if tag in by_tag else by_serial.get(serial.lower(), [])
        if len(matches) != 1:
            ref = tag or row.get("asset_tag", "") or serial or "—"
            errors.append((line, _("No single device matches %(ref)s.") % {"ref": ref}))
            continue
        result = RESULT_ALIASES.get(row.get("result", "").lower())
        if not result:
            errors.append((line, _("Unknown result “%(value)s” (success or failure).") % {"value": row.get("result")}))
            continue
        try:
            erased_on = _parse_date(row.get("date", ""))
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        if not row.get("method"):
            errors.append((line, _("The erasure method is missing.")))
            continue
        if matches[0].status not in services.WORKSHOP:
            errors.append((line, _("Device %(tag)s is not in the workshop.") % {"tag": matches[0].asset_tag}))
            continue
        planned.append((line, matches[0], row, result, erased_on))
    if errors:
        raise ImportRejected(errors)
    events: list = []
    shared = certificate  # the uploaded file, then the name it is stored under by the first erasure
    try:
        with transaction.atomic():
            for line, device, row, result, erased_on in planned:
                try:
                    event = services.device_erase(
                        device=device,
                        actor=actor,
                        method=row["method"],
                        tool=row.get("tool", ""),
                        result=result,
                        operator=row.get("operator", ""),
                        erased_on=erased_on,
                        certificate=shared,
                    )
                except ValidationError as exc:
                    raise ImportRejected([(line, "; ".join(exc.messages))]) from exc
                if event.evidence:
                    shared = event.evidence.name
                events.append(event)
    except ImportRejected:
        if events and events[0].evidence and not isinstance(certificate, str):
            events[0].evidence.storage.delete(events[0].evidence.name)  # nothing was imported: no orphan file
        raise
    return events
