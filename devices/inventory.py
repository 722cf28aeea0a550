"""A donor's inventory file, mapped onto the registry: which column holds which field (proposed from the
headers that asset managers, office suites and people write, or from the donor's saved profile), each value
normalised (units, decimal commas, "Oui/Non"), every row checked before anything is written.

`plan_inventory` reads and checks everything and writes nothing (the preview); `inventory_import_run`
registers the planned rows, in chunks whose progress a large import shows; re-importing a file skips the
rows already in the batch.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devices import services
from devices.hardware import clean, normalize_brand
from devices.models import Device, ImportProfile, IntakeBatch, InventoryImport
from devices.tabular import Table, read_table

logger = logging.getLogger(__name__)
PREVIEW_ROWS = 20
ERRORS_KEPT = 500  # rows with errors listed (and stored with a skipping import); the count is always exact
IMPORT_CHUNK = 500  # devices per transaction of an import: its progress moves chunk by chunk

# --- Targets: what a column can be mapped to -----------------------------------------------------------

TARGETS = {
    "serial": gettext_lazy("Serial number"),
    "donor_reference": gettext_lazy("Donor's inventory number"),
    "category": gettext_lazy("Category"),
    "brand": gettext_lazy("Brand"),
    "model": gettext_lazy("Model"),
    "cpu": gettext_lazy("Processor"),
    "ram_gb": gettext_lazy("Memory (GB)"),
    "ram_mb": gettext_lazy("Memory (MB)"),
    "storage_gb": gettext_lazy("Storage (GB)"),
    "storage_tb": gettext_lazy("Storage (TB)"),
    "storage_mb": gettext_lazy("Storage (MB)"),
    "storage_kind": gettext_lazy("Storage kind"),
    "screen_inches": gettext_lazy("Screen (inches)"),
    "os": gettext_lazy("Operating system"),
    "declared_broken": gettext_lazy("Out of order (yes/no)"),
}
# The registry field each target fills (the unit variants fill the same one).
TARGET_FIELD = {"ram_mb": "ram_gb", "storage_tb": "storage_gb", "storage_mb": "storage_gb"}
# The fields of the preview's table, in the order of a device's page.
PREVIEW_FIELDS = [
    "serial",
    "donor_reference",
    "category",
    "brand",
    "model",
    "cpu",
    "ram_gb",
    "storage_gb",
    "storage_kind",
    "screen_inches",
    "os",
    "declared_broken",
]


def header_key(header: str) -> str:
    """A header as compared: lower case, no accents, punctuation as spaces ("N° de série" → "n de serie")."""
    text = unicodedata.normalize("NFKD", header.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


UNIT_WORDS = {
    "go": "gb",
    "gb": "gb",
    "gio": "gb",
    "gib": "gb",
    "mo": "mb",
    "mb": "mb",
    "mio": "mb",
    "mib": "mb",
    "to": "tb",
    "tb": "tb",
    "tio": "tb",
    "tib": "tb",
}
# Header keys (without their unit) recognised for each field: French and English spreadsheet headers, and the
# labels of the asset managers public bodies use (GLPI, OCS Inventory NG; their field names too).
HEADERS = {
    "serial": [
        "serial",
        "serial number",
        "serial no",
        "serialnumber",
        "sn",
        "s n",
        "ssn",
        "numero de serie",
        "numero serie",
        "num serie",
        "num de serie",
        "n de serie",
        "no de serie",
        "n serie",
        "serie",
        "service tag",
        "bios numero de serie",
        "numero de serie du bios",
    ],
    "donor_reference": [
        "numero d inventaire",
        "n d inventaire",
        "no d inventaire",
        "num inventaire",
        "numero inventaire",
        "inventaire",
        "code inventaire",
        "inventory number",
        "inventory",
        "otherserial",
        "asset tag",
        "asset number",
        "asset id",
        "immobilisation",
        "numero d immobilisation",
    ],
    "category": [
        "categorie",
        "category",
        "type",
        "type de materiel",
        "type d appareil",
        "type de poste",
        "device type",
        "asset type",
        "nature",
        "famille",
        "computer type",
        "chassis",
        "chassis type",
    ],
    "brand": ["marque", "fabricant", "constructeur", "manufacturer", "brand", "make", "vendor", "smanufacturer"],
    "model": ["modele", "model", "modele de materiel", "product", "product name", "smodel", "reference"],
    "cpu": [
        "processeur",
        "processeurs",
        "cpu",
        "processor",
        "processor type",
        "processort",
        "type de processeur",
        "composants processeur",
    ],
    "ram": [
        "ram",
        "memoire",
        "memoire vive",
        "memoire ram",
        "taille memoire",
        "memory",
        "memory size",
        "ram size",
        "composants memoire",
        "composants memoire taille",
    ],
    "storage": [
        "stockage",
        "disque",
        "disques",
        "disque dur",
        "disques durs",
        "taille disque",
        "capacite",
        "capacite disque",
        "capacite de stockage",
        "storage",
        "storage size",
        "disk",
        "disk size",
        "disksize",
        "hard drive",
        "hdd",
        "composants disque dur",
        "composants disque dur capacite",
        "composants disque dur taille",
        "composants taille du disque dur",
    ],
    "storage_kind": [
        "type de stockage",
        "type de disque",
        "type disque",
        "technologie disque",
        "storage type",
        "storage kind",
        "disk type",
        "drive type",
    ],
    "screen_inches": [
        "ecran",
        "ecran pouces",
        "taille ecran",
        "taille d ecran",
        "taille de l ecran",
        "diagonale",
        "diagonale ecran",
        "screen",
        "screen size",
        "display",
        "display size",
    ],
    "os": [
        "os",
        "systeme",
        "systeme d exploitation",
        "systeme d exploitation nom",
        "operating system",
        "operating system name",
        "osname",
    ],
    "declared_broken": [
        "hors service",
        "hs",
        "en panne",
        "defectueux",
        "defaillant",
        "broken",
        "defective",
        "out of order",
    ],
}
HEADER_TARGET = {key: target for target, keys in HEADERS.items() for key in keys}
DEFAULT_UNIT = {"ram": "gb", "storage": "gb"}
UNIT_IN_HEADER = re.compile(r"\b(?:en )?(go|gb|gio|gib|mo|mb|mio|mib|to|tb|tio|tib)\b")


def _target_of(header: str) -> str:
    """The target a header is proposed for ("" when none): "Mémoire (Go)" → ram_gb, "RAM (MB)" → ram_mb."""
    key = header_key(header)
    unit_match = UNIT_IN_HEADER.search(key)
    unit = UNIT_WORDS[unit_match.group(1)] if unit_match else ""
    base = UNIT_IN_HEADER.sub(" ", key).split() if unit_match else key.split()
    base_key = " ".join(word for word in base if word not in ("pouces", "inches", "in", "po"))
    target = HEADER_TARGET.get(base_key) or HEADER_TARGET.get(key, "")
    if target in ("ram", "storage"):
        unit = unit or DEFAULT_UNIT[target]
        if target == "ram" and unit == "tb":
            unit = "gb"
        return f"{target}_{unit}"
    return target


def proposal(*, batch: IntakeBatch, headers: list[str]) -> tuple[list[str], str]:
    """The mapping first proposed for a file of the batch's donor: its saved profile, then the headers."""
    profile = ImportProfile.objects.filter(donor=batch.donor_id).first()
    return proposed_columns(headers, profile), profile.default_category if profile else ""


def proposed_columns(headers: list[str], profile: ImportProfile | None = None) -> list[str]:
    """One target per column: the donor's profile first, the recognised header next; a target is given to
    its first column only (a second "Modèle" column is ignored, and listed as such)."""
    saved = profile.columns if profile else {}
    taken: set[str] = set()
    columns = []
    for header in headers:
        key = header_key(header)
        target = saved[key] if key in saved else _target_of(header)
        target = target if target in TARGETS else ""
        field_name = TARGET_FIELD.get(target, target)
        if field_name and field_name in taken:
            target = ""
        taken.add(TARGET_FIELD.get(target, target))
        columns.append(target)
    return columns


# --- Values ----------------------------------------------------------------------------------------------

CATEGORY_WORDS = {
    **{value: value for value in Device.Category.values},
    "portable": "laptop",
    "ordinateur portable": "laptop",
    "pc portable": "laptop",
    "ultraportable": "laptop",
    "notebook": "laptop",
    "netbook": "laptop",
    "laptop": "laptop",
    "convertible": "laptop",
    "sub notebook": "laptop",
    "fixe": "desktop",
    "ordinateur fixe": "desktop",
    "pc fixe": "desktop",
    "poste fixe": "desktop",
    "unite centrale": "desktop",
    "uc": "desktop",
    "tour": "desktop",
    "mini tour": "desktop",
    "mini pc": "desktop",
    "tout en un": "desktop",
    "all in one": "desktop",
    "station de travail": "desktop",
    "workstation": "desktop",
    "desktop": "desktop",
    "tower": "desktop",
    "mini tower": "desktop",
    "micro": "desktop",
    "micro ordinateur": "desktop",
    "client leger": "desktop",
    "thin client": "desktop",
    "space saving": "desktop",
    "low profile desktop": "desktop",
    "lunch box": "desktop",
    "pizza box": "desktop",
    "sff": "desktop",
    "detachable": "tablet",
    "hand held": "tablet",
    "tablet": "tablet",
    "phone": "smartphone",
    "rack mount chassis": "server",
    "main server chassis": "server",
    "tower server": "server",
    "ecran": "screen",
    "moniteur": "screen",
    "monitor": "screen",
    "serveur": "server",
    "tablette": "tablet",
    "telephone": "smartphone",
    "telephone mobile": "smartphone",
    "mobile": "smartphone",
    "autre": "other",
}
STORAGE_WORDS = {
    "": "",
    "hdd": "hdd",
    "disque dur": "hdd",
    "mecanique": "hdd",
    "disque mecanique": "hdd",
    "sata hdd": "hdd",
    "ssd": "ssd",
    "sata ssd": "ssd",
    "flash": "ssd",
    "nvme": "nvme",
    "nvme ssd": "nvme",
    "ssd nvme": "nvme",
    "m 2 nvme": "nvme",
    "emmc": "emmc",
}
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0", ""}
NUMBER = re.compile(r"(?<![A-Za-z\d])(\d(?:[\d\s\u00a0\u202f.,]*\d)?)")
# A size: "8 Go", "8192", "2 x 4 GB", "0,5 To", "256Go SSD" (a number stuck to a word, "DDR4", is not one).
SIZE = re.compile(r"(?:(\d+)\s*[x×]\s*)?" + NUMBER.pattern + r"\s*([A-Za-z]*)")
MULTI_VALUE = re.compile(r"\r?\n|<br\s*/?>|\$#\$|\s\|\s|\s/\s|\s*\+\s*|,\s+")


def _number(text: str) -> float:
    """A number as people write it: "8", "15,6", "0.5", "1 024", "1.024,5"."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        digits = digits.replace("." if decimal == "," else ",", "").replace(",", ".")
    else:
        digits = digits.replace(",", ".")
    return float(digits)


def _sizes(value: str, unit: str, label) -> list[tuple[float, str, str]]:
    """Each size of a cell in (number, unit, storage kind named beside it or "")."""
    sizes = []
    for part in MULTI_VALUE.split(value):
        if not part.strip():
            continue
        if re.search(r"-\s*\d", part):
            raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
        match = SIZE.search(part)
        try:
            number = _number(match.group(2)) * int(match.group(1) or 1) if match else None
        except ValueError:
            number = None
        if number is None:
            raise ValueError(_("%(label)s: “%(value)s” is not a size.") % {"label": label, "value": value})
        kind = next((STORAGE_WORDS[word] for word in header_key(part).split() if STORAGE_WORDS.get(word)), "")
        sizes.append((number, UNIT_WORDS.get(match.group(3).casefold(), unit), kind))
    return sizes


def _ram_gb(value: str, unit: str) -> int | None:
    """Memory in GB, binary units (8192 MB → 8); several modules in a cell are added up."""
    sizes = _sizes(value, unit, _("Memory"))
    if not sizes:
        return None
    if unit == "gb" and not re.search(r"[a-z]", value.casefold()) and sum(size for size, *_rest in sizes) >= 1024:
        # A bare number of a thousand "GB" or more is a size in MB (OCS Inventory's MEMORY, 8192).
        sizes = [(size, "mb", kind) for size, _unit, kind in sizes]
    total_mb = sum(size * {"mb": 1, "gb": 1024, "tb": 1024 * 1024}[unit] for size, unit, _kind in sizes)
    return _bounded(max(1, round(total_mb / 1024)) if total_mb else 0, _("Memory"), 4096)  # 512 MB: 1 GB


def _storage_gb(value: str, unit: str) -> tuple[int | None, str]:
    """Storage in decimal GB as drives are sold (0,5 To → 500), the largest disk of a cell, and its kind if the
    cell names it ("256 Go SSD")."""
    sizes = _sizes(value, unit, _("Storage"))
    if not sizes:
        return None, ""
    gb, kind = max((size * {"mb": 0.001, "gb": 1, "tb": 1000}[unit], kind) for size, unit, kind in sizes)
    return _bounded(round(gb), _("Storage"), 1_000_000), kind


def _bounded(number: int, label, maximum: int) -> int:
    if number > maximum:
        raise ValueError(_("%(label)s: %(value)s is not plausible.") % {"label": label, "value": number})
    return number


INCHES = re.compile(r"\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:\"|''|″|pouces?|po|in|inch|inches)?\s*", re.IGNORECASE)


def _inches(value: str) -> Decimal | None:
    """A screen size to one decimal ("15,6", '15.6"', "14 pouces"): a Decimal, as the field stores it."""
    if not value:
        return None
    match = INCHES.fullmatch(value)
    inches = Decimal(match.group(1).replace(",", ".")).quantize(Decimal("0.1"), ROUND_HALF_UP) if match else None
    if inches is None or inches <= 0:
        raise ValueError(_("The screen size must be a number of inches, not “%(value)s”.") % {"value": value})
    return inches


def _category(value: str, default: str) -> str:
    if not value:
        if default:
            return default
        raise ValueError(_("The category is missing (choose a default category for the file)."))
    category = CATEGORY_WORDS.get(header_key(value))
    if category:
        return category
    raise ValueError(
        _("Unknown category “%(value)s” (laptop, desktop, screen, server, tablet, smartphone, other).")
        % {"value": value}
    )


def _storage_kind(value: str) -> str:
    key = header_key(value)
    kind = STORAGE_WORDS.get(key)
    if kind is None:
        kind = next((STORAGE_WORDS[word] for word in key.split() if STORAGE_WORDS.get(word)), None)
    if kind is None:
        raise ValueError(_("Unknown storage kind “%(value)s” (HDD, SSD, NVMe, eMMC).") % {"value": value})
    return kind


def _yes_no(value: str) -> bool:
    key = header_key(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})


def parse_row(cells: dict[str, str], default_category: str) -> tuple[dict, dict]:
    """The registry fields of a row (`cells`: target → text) and the facts for its "received" event."""
    specs: dict = {"serial": cells.get("serial", "").strip()}
    if not specs["serial"]:
        raise ValueError(_("The serial number is missing."))
    if not clean(specs["serial"]):  # "To Be Filled By O.E.M.", "0000000": the firmware's, not a serial
        raise ValueError(
            _("“%(value)s” is a manufacturer's placeholder, not a serial number.") % {"value": specs["serial"]}
        )
    specs["category"] = _category(cells.get("category", ""), default_category)
    for name in ("donor_reference", "model", "cpu", "os"):
        if clean(cells.get(name, "")):
            specs[name] = cells[name].strip()
    brand = normalize_brand(cells.get("brand", ""))  # "" for a placeholder ("To Be Filled By O.E.M.")
    if brand:
        specs["brand"] = brand
    for target in ("ram_gb", "ram_mb"):
        if cells.get(target):
            specs["ram_gb"] = _ram_gb(cells[target], target[-2:])
    kind_in_size = ""
    for target in ("storage_gb", "storage_tb", "storage_mb"):
        if cells.get(target):
            specs["storage_gb"], kind_in_size = _storage_gb(cells[target], target[-2:])
    kind = _storage_kind(cells["storage_kind"]) if cells.get("storage_kind") else kind_in_size
    if kind:
        specs["storage_kind"] = kind
    if cells.get("screen_inches"):
        specs["screen_inches"] = _inches(cells["screen_inches"])
    for name, maximum in (("donor_reference", 100), ("serial", 100), ("brand", 60), ("model", 120), ("cpu", 120)):
        if len(specs.get(name, "")) > maximum:
            raise ValueError(
                _("%(label)s is longer than %(max)d characters.") % {"label": TARGETS[name], "max": maximum}
            )
    if specs.get("os"):
        specs["os"] = specs["os"][:80]
    event = {"declared_broken": True} if cells.get("declared_broken") and _yes_no(cells["declared_broken"]) else {}
    return specs, event


# --- Plan (the preview) and run ------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    header: str
    target: str
    samples: list[str]

    @property
    def label(self):
        return TARGETS.get(self.target, "")


@dataclass
class Plan:
    """What an import would do, row by row; nothing is written to make it."""

    table: Table
    columns: list[Column]
    default_category: str
    to_create: list[tuple[int, dict, dict]] = field(default_factory=list)  # (line, specs, event facts)
    skipped: int = 0  # rows already registered in this batch
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ignored(self) -> list[Column]:
        return [column for column in self.columns if not column.target]

    @property
    def preview(self) -> list[tuple[int, dict]]:
        return [(line, {**specs, **event}) for line, specs, event in self.to_create[:PREVIEW_ROWS]]

    @property
    def missing_serial_column(self) -> bool:
        return "serial" not in {column.target for column in self.columns}

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((line, message))


def _registered(serials: set[str]) -> dict[tuple[str, str], int]:
    """(brand, serial) in lower case → batch, for the registered devices with one of `serials`."""
    found = {}
    lowered = sorted({serial.lower() for serial in serials})
    for start in range(0, len(lowered), services.BULK_CHUNK):
        chunk = lowered[start : start + services.BULK_CHUNK]
        rows = (
            Device.objects.annotate(serial_lower=Lower("serial"))
            .filter(serial_lower__in=chunk)
            .values_list("brand", "serial", "batch_id")
        )
        found.update({(brand.lower(), serial.lower()): batch for brand, serial, batch in rows})
    return found


def plan_inventory(*, batch: IntakeBatch, table: Table, columns: list[str], default_category: str = "") -> Plan:
    """Check every row of `table` mapped by `columns` (one target per column, "" ignored)."""
    columns = (list(columns) + [""] * len(table.headers))[: len(table.headers)]
    samples = [[cells[index] for _line, cells in table.rows[:200] if cells[index]][:3] for index in range(len(columns))]
    plan = Plan(
        table=table,
        columns=[
            Column(index, header, target, samples[index])
            for index, (header, target) in enumerate(zip(table.headers, columns, strict=True))
        ],
        default_category=default_category,
    )
    if plan.missing_serial_column:
        return plan
    mapped = [(index, target) for index, target in enumerate(columns) if target]
    parsed, seen = [], {}
    for line, cells in table.rows:
        try:
            specs, event = parse_row({target: cells[index] for index, target in mapped}, default_category)
        except ValueError as exc:
            plan.add_error(line, str(exc))
            continue
        key = (specs.get("brand", "").lower(), specs["serial"].lower())
        if key in seen:
            plan.add_error(
                line,
                _("Serial %(serial)s already appears on line %(line)d.")
                % {"serial": specs["serial"], "line": seen[key]},
            )
            continue
        seen[key] = line
        parsed.append((line, specs, event))
    registered = _registered({specs["serial"] for _line, specs, _event in parsed})
    for line, specs, event in parsed:
        batch_id = registered.get((specs.get("brand", "").lower(), specs["serial"].lower()))
        if batch_id == batch.pk:
            plan.skipped += 1
        elif batch_id is not None:
            plan.add_error(
                line, _("Serial %(serial)s is already registered in another batch.") % {"serial": specs["serial"]}
            )
        else:
            plan.to_create.append((line, specs, event))
    plan.errors.sort()
    return plan


def register_planned(*, batch: IntakeBatch, rows: list[tuple[int, dict, dict]], actor) -> list[Device]:
    """Register planned rows, (line, specs, event facts) as `Plan.to_create` holds them."""
    return services.devices_register_bulk(
        batch=batch,
        rows=[specs for _line, specs, _event in rows],
        event_data=[event for _line, _specs, event in rows],
        actor=actor,
    )


def profile_save(*, batch: IntakeBatch, plan: Plan, actor) -> ImportProfile:
    """Remember the plan's mapping for the batch's donor: its next files are proposed the same columns."""
    profile, _created = ImportProfile.objects.update_or_create(
        donor=batch.donor,
        defaults={
            "columns": {header_key(column.header): column.target for column in plan.columns},
            "default_category": plan.default_category,
            "updated_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    return profile


def inventory_import_run(*, run: InventoryImport, plan: Plan, actor) -> InventoryImport:
    """Register the planned devices chunk by chunk, the run's progress saved after each. A failure keeps
    what was registered (importing the file again completes it: those rows are skipped)."""
    InventoryImport.objects.filter(pk=run.pk).update(
        status=InventoryImport.Status.RUNNING,
        rows_total=len(plan.to_create),
        rows_done=0,
        skipped_count=plan.skipped,
        errors=[list(error) for error in plan.errors],
    )
    done = 0
    try:
        for start in range(0, len(plan.to_create), IMPORT_CHUNK):
            chunk = plan.to_create[start : start + IMPORT_CHUNK]
            with transaction.atomic():
                register_planned(batch=run.batch, rows=chunk, actor=actor)
            done += len(chunk)
            InventoryImport.objects.filter(pk=run.pk).update(rows_done=done, created_count=done)
    except Exception as exc:  # the database or the storage failed: said on the run's page, reported
        logger.exception("inventory import %s stopped after %d devices", run.pk, done)
        InventoryImport.objects.filter(pk=run.pk).update(
            status=InventoryImport.Status.FAILED,
            finished_at=timezone.now(),
            message=_(
                "The import stopped after %(done)d device(s) (%(error)s). Import the file again: the devices "
                "already registered are skipped."
            )
            % {"done": done, "error": exc},
        )
        run.refresh_from_db()
        return run
    InventoryImport.objects.filter(pk=run.pk).update(status=InventoryImport.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def plan_of_run(run: InventoryImport) -> Plan:
    """The plan of an uploaded file, mapped as the run says (read again from private storage)."""
    with run.file.open("rb") as stored:
        table = read_table(stored.read())
    return plan_inventory(batch=run.batch, table=table, columns=run.columns, default_category=run.default_category)


def inventory_import_start(*, run_pk: int, actor) -> InventoryImport | None:
    """Run a queued import (by a worker, or in the request for a small file), once: a second call finds it
    started and does nothing."""
    started = InventoryImport.objects.filter(pk=run_pk, status=InventoryImport.Status.QUEUED).update(
        status=InventoryImport.Status.RUNNING, started_at=timezone.now()
    )
    if not started:
        return None
    run = InventoryImport.objects.select_related("batch").get(pk=run_pk)
    try:
        plan = plan_of_run(run)
    except Exception as exc:  # an unreadable file, the store or the database failing: said on the run's page
        logger.exception("inventory import %s could not be planned", run_pk)
        InventoryImport.objects.filter(pk=run_pk).update(
            status=InventoryImport.Status.FAILED, finished_at=timezone.now(), message=str(exc)
        )
        return run
    if plan.missing_serial_column or (plan.error_count and not run.skip_errors):
        InventoryImport.objects.filter(pk=run_pk).update(
            status=InventoryImport.Status.FAILED,
            finished_at=timezone.now(),
            errors=[list(error) for error in plan.errors],
            message=_("The file has %(count)d row(s) with errors: nothing was imported.") % {"count": plan.error_count},
        )
        return run
    return inventory_import_run(run=run, plan=plan, actor=actor)
