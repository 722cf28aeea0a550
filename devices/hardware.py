"""Turn a reemploi-probe report (probe/reemploi-probe) into registry facts.

Pure standard library, no Django: the report is untrusted input, so every section may be missing or
of the wrong type, and the parser then falls back or leaves the fact empty with a warning; it raises
ReportError only when the document is not a probe report at all.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FORMAT = "reemploi-probe/1"

CATEGORIES = ("laptop", "desktop", "server", "tablet", "other")
STORAGE_KINDS = ("", "hdd", "ssd", "nvme", "emmc")


class ReportError(ValueError):
    """Not a probe report, or a format this parser does not know."""


@dataclass
class HardwareFacts:
    serial: str = ""
    brand: str = ""
    model: str = ""
    category: str = "other"
    cpu: str = ""
    ram_gb: int | None = None
    storage_kind: str = ""
    storage_gb: int | None = None
    screen_inches: Decimal | None = None
    battery_design_wh: float | None = None
    battery_full_wh: float | None = None
    battery_health: int | None = None
    battery_cycles: int | None = None
    disks: list[dict] = field(default_factory=list)
    disk_serials: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Values that firmware vendors leave in unset DMI fields (compared lower-cased).
PLACEHOLDERS = {
    "to be filled by o.e.m.",
    "to be filled by o.e.m",
    "to be filled by oem",
    "fill by oem",
    "default string",
    "default_string",
    "system serial number",
    "system product name",
    "system manufacturer",
    "system version",
    "system name",
    "chassis serial number",
    "chassis manufacture",
    "chassis version",
    "base board serial number",
    "baseboard serial number",
    "0123456789",
    "1234567890",
    "123456789",
    "none",
    "not specified",
    "not applicable",
    "not available",
    "not present",
    "n/a",
    "na",
    "unknown",
    "oem",
    "o.e.m.",
    "invalid",
    "empty",
    "null",
    "sku",
    "type1productconfigid",
    "type1family",
    "no asset information",
    "no asset tag",
}

# SMBIOS chassis types (dmidecode's names, lshw's "chassis" values, sysfs numbers) -> category.
_CHASSIS = {
    "laptop": {
        "portable",
        "laptop",
        "notebook",
        "subnotebook",
        "convertible",
        "lunchbox",
    },
    "tablet": {"tablet", "detachable", "handheld"},
    "desktop": {
        "desktop",
        "lowprofiledesktop",
        "lowprofile",
        "pizzabox",
        "minitower",
        "tower",
        "allinone",
        "spacesaving",
        "sealedcasepc",
        "sealed",
        "minipc",
        "mini",
        "stickpc",
        "stick",
        "embeddedpc",
        "embedded",
    },
    "server": {
        "mainserverchassis",
        "server",
        "rackmountchassis",
        "rackmount",
        "multisystem",
        "multisystemchassis",
        "blade",
        "bladeenclosing",
        "bladeenclosure",
        "enclosure",
    },
}
_CHASSIS_NUMBERS = {
    1: "Other",
    2: "Unknown",
    3: "Desktop",
    4: "Low Profile Desktop",
    5: "Pizza Box",
    6: "Mini Tower",
    7: "Tower",
    8: "Portable",
    9: "Laptop",
    10: "Notebook",
    11: "Hand Held",
    12: "Docking Station",
    13: "All In One",
    14: "Sub Notebook",
    15: "Space-saving",
    16: "Lunch Box",
    17: "Main Server Chassis",
    18: "Expansion Chassis",
    19: "Sub Chassis",
    20: "Bus Expansion Chassis",
    21: "Peripheral Chassis",
    22: "RAID Chassis",
    23: "Rack Mount Chassis",
    24: "Sealed-case PC",
    25: "Multi-system",
    26: "CompactPCI",
    27: "AdvancedTCA",
    28: "Blade",
    29: "Blade Enclosing",
    30: "Tablet",
    31: "Convertible",
    32: "Detachable",
    33: "IoT Gateway",
    34: "Embedded PC",
    35: "Mini PC",
    36: "Stick PC",
}

# (prefix of the lower-cased vendor, display name), first match wins.
_BRANDS = (
    ("lenovo", "Lenovo"),
    ("hewlett packard enterprise", "HPE"),
    ("hpe", "HPE"),
    ("hewlett-packard", "HP"),
    ("hewlett packard", "HP"),
    ("hp", "HP"),
    ("dell", "Dell"),
    ("asustek", "ASUS"),
    ("asus", "ASUS"),
    ("acer", "Acer"),
    ("toshiba", "Toshiba"),
    ("dynabook", "Dynabook"),
    ("fujitsu", "Fujitsu"),
    ("apple", "Apple"),
    ("micro-star", "MSI"),
    ("msi", "MSI"),
    ("samsung", "Samsung"),
    ("microsoft", "Microsoft"),
    ("gigabyte", "Gigabyte"),
    ("sony", "Sony"),
    ("panasonic", "Panasonic"),
    ("medion", "Medion"),
    ("packard bell", "Packard Bell"),
    ("huawei", "Huawei"),
    ("lg electronics", "LG"),
    ("intel", "Intel"),
    ("google", "Google"),
    ("razer", "Razer"),
    ("framework", "Framework"),
    ("qemu", "QEMU"),
    ("iiyama", "iiyama"),
    ("philips", "Philips"),
    ("benq", "BenQ"),
    ("lg", "LG"),
    ("viewsonic", "ViewSonic"),
    ("eizo", "EIZO"),
)
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(inc\.?|corporation|corp\.?|co\.?,?\s*ltd\.?|ltd\.?|limited|gmbh|ag|s\.?a\.?|s\.?a\.?s\.?|llc)$",
    re.IGNORECASE,
)
# Lenovo machine type / model numbers: 20L5CTO1WW, 81WE, 10M7S0A800.
_LENOVO_MTM = re.compile(r"^\d{2}[0-9A-Z]{2}([0-9A-Z]{4,6})?$")
_INTERNAL_CONNECTOR = re.compile(r"-(eDP|LVDS|DSI)-", re.IGNORECASE)
# Sizes a machine's RAM plausibly has, in GiB, to round MemTotal up to.
_RAM_SIZES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)


# Small type-safe helpers: a report is untrusted JSON.


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ""


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _flag(value) -> bool:
    """lsblk's booleans: true/false in util-linux >= 2.33, "0"/"1" before."""
    return value is True or value == 1 or (isinstance(value, str) and value.strip().lower() in ("1", "true"))


def clean(value) -> str:
    """A DMI string, or "" when it is a placeholder."""
    text = _str(value).strip()
    if not text or text.lower() in PLACEHOLDERS:
        return ""
    compact = text.replace(" ", "").replace("-", "")
    if len(set(compact.lower())) <= 1:  # 00000000, xxxxxxxx, ........
        return ""
    return text


def normalize_brand(value) -> str:
    text = clean(value)
    if not text:
        return ""
    lower = text.lower()
    for prefix, name in _BRANDS:
        if re.match(re.escape(prefix) + r"\b", lower):
            return name
    while _LEGAL_SUFFIX.search(text):
        text = _LEGAL_SUFFIX.sub("", text).strip()
    if text.isupper() and len(text) > 4:
        text = text.title()
    return text


def _strip_brand(model: str, brand: str) -> str:
    if brand and model.lower().startswith(brand.lower() + " "):
        return model[len(brand) + 1 :].strip()
    return model


def choose_model(brand: str, name: str, version: str, family: str = "") -> str:
    """Lenovo puts its type number in product_name and the readable name in product_version."""
    name, version, family = clean(name), clean(version), clean(family)
    readable = version if version and version.lower() != brand.lower() and not _LENOVO_MTM.match(version) else ""
    if brand == "Lenovo" or _LENOVO_MTM.match(name):
        model = readable or family or name
    else:
        model = name or family
    return _strip_brand(model, brand)


def clean_cpu(value) -> str:
    text = _str(value)
    text = re.sub(r"\((R|TM|tm|r)\)", "", text)
    return " ".join(text.split())


# dmidecode's text output


def parse_dmidecode(text) -> list[dict]:
    """Records of `dmidecode` text: [{"type": 1, "title": "System Information", "fields": {...}}]."""
    records = []
    if not isinstance(text, str):
        return records
    current = None
    for line in text.splitlines():
        header = re.match(r"Handle 0x[0-9A-Fa-f]+, DMI type (\d+)", line)
        if header:
            current = {"type": int(header.group(1)), "title": "", "fields": {}}
            records.append(current)
            continue
        if current is None:
            continue
        if not line.strip():
            current = None
        elif not line.startswith("\t"):
            current["title"] = current["title"] or line.strip()
        elif not line.startswith("\t\t") and ":" in line:  # two tabs: items of a list field
            key, _, value = line.strip().partition(":")
            current["fields"].setdefault(key.strip(), value.strip())
    return records


def _first(records: list[dict], dmi_type: int) -> dict:
    for record in records:
        if record["type"] == dmi_type:
            return record["fields"]
    return {}


def _size_mb(value: str) -> int | None:
    match = re.fullmatch(r"(\d+)\s*(kB|KB|MB|GB|TB)", value.strip())
    if not match:
        return None
    factor = {"kB": 1 / 1024, "KB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}[match.group(2)]
    return int(int(match.group(1)) * factor)


# lshw's JSON tree


def _lshw_nodes(tree):
    """Every node of lshw's tree (an object, or a list of them with old lshw versions)."""
    stack = list(tree) if isinstance(tree, list) else [tree]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            yield node
            stack.extend(_list(node.get("children")))


def _lshw_root(tree) -> dict:
    if isinstance(tree, list):
        tree = next((n for n in tree if isinstance(n, dict) and n.get("class") == "system"), {})
    return _dict(tree)


# EDID


def edid_inches(hex_text) -> float | None:
    """Diagonal of an EDID's image size: the first detailed timing's mm size, else bytes 21-22 (cm)."""
    try:
        data = bytes.fromhex(hex_text) if isinstance(hex_text, str) else b""
    except ValueError:
        return None
    if len(data) < 128 or data[:8] != b"\x00\xff\xff\xff\xff\xff\xff\x00":
        return None
    candidates = []
    if data[54] or data[55]:  # a pixel clock: the descriptor is a timing, not text
        width_mm = data[66] | ((data[68] & 0xF0) << 4)
        height_mm = data[67] | ((data[68] & 0x0F) << 8)
        candidates.append((width_mm, height_mm))
    candidates.append((data[21] * 10, data[22] * 10))  # 0 in one of them: an aspect ratio, no size
    for width, height in candidates:
        if width and height:
            inches = math.hypot(width, height) / 25.4
            if 5 <= inches <= 110:  # some EDIDs give cm where mm belong
                return inches
    return None


# Battery sources


def _battery_from_sysfs(entries: dict) -> list[dict]:
    batteries = []
    for name, values in sorted(entries.items()):
        values = _dict(values)
        if _str(values.get("present")) == "0":
            continue
        design = full = None
        if _int(values.get("energy_full_design")):
            design = _int(values.get("energy_full_design")) / 1e6  # µWh
            full = (_int(values.get("energy_full")) or 0) / 1e6
        elif _int(values.get("charge_full_design")):
            volts = _int(values.get("voltage_min_design")) or _int(values.get("voltage_now"))
            if volts:
                design = _int(values.get("charge_full_design")) * volts / 1e12  # µAh x µV
                full = (_int(values.get("charge_full")) or 0) * volts / 1e12
        batteries.append({"name": name, "design": design, "full": full, "cycles": _int(values.get("cycle_count"))})
    return batteries


def _battery_from_upower(text) -> list[dict]:
    batteries = []
    if not isinstance(text, str):
        return batteries
    for block in re.split(r"\n(?=Device: )", text):
        if not block.startswith("Device: ") or "battery" not in block.split("\n", 1)[0]:
            continue
        fields = {}
        for line in block.splitlines():
            key, sep, value = line.strip().partition(":")
            if sep:
                fields.setdefault(key.strip(), value.strip())
        if fields.get("power supply") != "yes" or fields.get("present") == "no":
            continue

        def wh(key, fields=fields):
            match = re.match(r"([\d.,]+)\s*Wh", fields.get(key, ""))
            return float(match.group(1).replace(",", ".")) if match else None

        batteries.append(
            {
                "name": fields.get("native-path", ""),
                "design": wh("energy-full-design"),
                "full": wh("energy-full"),
                "cycles": _int(fields.get("charge-cycles")),
            }
        )
    return batteries


# The parser


def _load(data) -> dict:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReportError("the report is not UTF-8 text") from exc
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ReportError("the report is not JSON") from exc
    if not isinstance(data, dict):
        raise ReportError("the report is not a JSON object")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise ReportError(f"unknown report format: {fmt!r}" if fmt else "not a reemploi-probe report")
    if not isinstance(data.get("raw"), dict):
        raise ReportError("the report has no raw section")
    return data


class _Parser:
    def __init__(self, report: dict):
        self.raw = report["raw"]
        self.tools = _dict(report.get("tools"))
        self.as_root = report.get("as_root") is True
        self.facts = HardwareFacts()
        self.dmi = parse_dmidecode(self.raw.get("dmidecode"))
        self.dmi_id = {k: _str(v) for k, v in _dict(self.raw.get("dmi_id")).items()}
        self.lshw = self.raw.get("lshw")
        self.lshw_root = _lshw_root(self.lshw)
        self.battery_found = False
        self.chassis = ""

    def warn(self, message: str) -> None:
        if message not in self.facts.warnings:
            self.facts.warnings.append(message)

    def status(self, tool: str) -> str:
        return _str(_dict(self.tools.get(tool)).get("status")) or "absent"

    def tool_note(self, tool: str) -> str:
        """Why a tool gave nothing, in a few words."""
        status = self.status(tool)
        if status == "failed":
            lines = _str(_dict(self.tools.get(tool)).get("stderr")).strip()
            return f"{tool} failed: {lines[-80:]}" if lines else f"{tool} failed"
        return {"denied": f"{tool} not permitted", "missing": f"{tool} missing", "timeout": f"{tool} timed out"}.get(
            status, f"{tool} {status}"
        )

    def parse(self) -> HardwareFacts:
        for tool in ("dmidecode", "lshw", "lsblk", "smartctl"):
            if self.status(tool) != "ok":
                self.warn(self.tool_note(tool))
        self.identity()
        self.battery()
        self.category()
        self.cpu()
        self.ram()
        self.storage()
        self.screen()
        return self.facts

    def identity(self) -> None:
        system = _first(self.dmi, 1)
        root = self.lshw_root
        product = re.sub(r"\s*\(.*\)$", "", _str(root.get("product")))  # "20L5CTO1WW (LENOVO_MT_20L5...)"

        sources = [
            ("Manufacturer", "Product Name", "Version", "Family", system),
            ("sys_vendor", "product_name", "product_version", "product_family", self.dmi_id),
            (
                "vendor",
                "product",
                "version",
                "family",
                {**_dict(root.get("configuration")), **root, "product": product},
            ),
        ]
        for vendor, name, version, family, values in sources:
            brand = normalize_brand(values.get(vendor))
            model = choose_model(brand, _str(values.get(name)), _str(values.get(version)), _str(values.get(family)))
            if brand or model:
                self.facts.brand, self.facts.model = brand, model
                break
        if not self.facts.brand:
            board = normalize_brand(_first(self.dmi, 2).get("Manufacturer") or self.dmi_id.get("board_vendor"))
            self.warn(f"no brand in the firmware{f' (mainboard: {board})' if board else ''}")
        if not self.facts.model:
            self.warn("no model in the firmware")

        serials = [
            ("dmidecode", system.get("Serial Number")),
            ("dmi_id", self.dmi_id.get("product_serial")),
            ("lshw", root.get("serial")),
        ]
        chassis_serials = [
            ("dmidecode", _first(self.dmi, 3).get("Serial Number")),
            ("dmi_id", self.dmi_id.get("chassis_serial")),
        ]
        board_serials = [
            ("dmidecode", _first(self.dmi, 2).get("Serial Number")),
            ("dmi_id", self.dmi_id.get("board_serial")),
        ]
        for group, label in ((serials, ""), (chassis_serials, "chassis"), (board_serials, "mainboard")):
            for source, value in group:
                serial = clean(value)
                if serial:
                    self.facts.serial = serial
                    if source != "dmidecode" and self.status("dmidecode") != "ok":
                        self.warn(f"{self.tool_note('dmidecode')}: serial from {source}")
                    if label:
                        self.warn(f"serial from the {label}: the system serial is not set")
                    return
        if self.status("dmidecode") == "ok":
            self.warn("no serial number in the firmware")
        elif self.as_root:
            self.warn(f"no serial number: {self.tool_note('dmidecode')}")
        else:
            self.warn(f"no serial number: {self.tool_note('dmidecode')} (run the probe as root)")

    def battery(self) -> None:
        batteries = _battery_from_sysfs(_dict(self.raw.get("power_supply")))
        if not batteries:
            batteries = _battery_from_upower(self.raw.get("upower"))
            if batteries:
                self.warn("battery from upower")
        if not batteries:
            self.warn("no battery")
            return
        self.battery_found = True
        measured = [b for b in batteries if b["design"]]
        if len(batteries) > 1:
            self.warn(f"{len(batteries)} batteries: capacities added, cycles of the most used")
        if not measured:
            self.warn("battery capacity unknown")
        else:
            design = sum(b["design"] for b in measured)
            full = sum(b["full"] or 0 for b in measured)
            self.facts.battery_design_wh = round(design, 2)
            self.facts.battery_full_wh = round(full, 2)
            self.facts.battery_health = min(100, int(full / design * 100 + 0.5))
        cycles = [b["cycles"] for b in batteries if b["cycles"] is not None]
        self.facts.battery_cycles = max(cycles) if cycles else None

    def category(self) -> None:
        chassis = _first(self.dmi, 3).get("Type", "")
        if not chassis:
            number = _int(self.dmi_id.get("chassis_type"))
            chassis = _CHASSIS_NUMBERS.get((number or 0) & 0x7F, "")
        if not chassis:
            chassis = _str(_dict(self.lshw_root.get("configuration")).get("chassis"))
        self.chassis = re.sub(r"[^a-z]", "", chassis.lower())
        for category, names in _CHASSIS.items():
            if self.chassis in names:
                self.facts.category = category
                return
        if self.battery_found:
            self.facts.category = "laptop"
            self.warn(f"category from the battery (chassis: {chassis or 'unknown'})")
        else:
            self.facts.category = "other"
            self.warn(f"category unknown (chassis: {chassis or 'unknown'})")

    def cpu(self) -> None:
        cpuinfo = self.raw.get("cpuinfo")
        if isinstance(cpuinfo, str):
            match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
            if match:
                self.facts.cpu = clean_cpu(match.group(1))
        if not self.facts.cpu:
            self.facts.cpu = clean_cpu(clean(_first(self.dmi, 4).get("Version")))
        if not self.facts.cpu:
            for node in _lshw_nodes(self.lshw):
                if node.get("class") == "processor" and clean(node.get("product")):
                    self.facts.cpu = clean_cpu(node.get("product"))
                    break
        if not self.facts.cpu:
            self.warn("no processor name")

    def ram(self) -> None:
        modules = [r["fields"] for r in self.dmi if r["type"] == 17]
        sizes = [
            _size_mb(m.get("Size", ""))
            for m in modules
            if m.get("Type", "") not in ("Flash", "ROM", "EEPROM", "EPROM", "FEPROM")
        ]
        total_mb = sum(s for s in sizes if s)
        if total_mb:
            self.facts.ram_gb = max(1, int(total_mb / 1024 + 0.5))
            return
        memtotal_kb = None
        meminfo = self.raw.get("meminfo")
        if isinstance(meminfo, str):
            match = re.search(r"^MemTotal:\s*(\d+)\s*kB", meminfo, re.MULTILINE)
            memtotal_kb = int(match.group(1)) if match else None
        # lshw's "System memory" counts the memory blocks, closer to what is fitted than MemTotal.
        for node in _lshw_nodes(self.lshw):
            size = _int(node.get("size"))
            if node.get("class") == "memory" and node.get("id") == "memory" and size and memtotal_kb:
                if memtotal_kb * 1024 <= size <= 2 * memtotal_kb * 1024:
                    self.facts.ram_gb = max(1, int(size / 2**30 + 0.5))
                    self.warn("RAM from lshw's system memory (no memory modules listed)")
                    return
        if memtotal_kb:
            gib = memtotal_kb / 2**20
            self.facts.ram_gb = next((s for s in _RAM_SIZES if s >= gib), math.ceil(gib))
            self.warn(f"RAM estimated from MemTotal ({gib:.1f} GiB)")
        else:
            self.warn("RAM size unknown")

    def storage(self) -> None:
        lsblk = _dict(self.raw.get("lsblk"))
        smart = _dict(self.raw.get("smartctl"))
        mmc_type = _dict(self.raw.get("mmc_type"))
        for dev in _list(lsblk.get("blockdevices")):
            dev = _dict(dev)
            name = _str(dev.get("name"))
            size = _int(dev.get("size"))
            if dev.get("type") != "disk" or not name or not size:
                continue
            if re.match(r"(loop|zram|ram|sr|fd|md|dm-|nbd)", name) or re.match(r"mmcblk\d+(boot|rpmb)", name):
                continue
            transport = _str(dev.get("tran")).lower()
            if _flag(dev.get("rm")) or transport in ("usb", "ieee1394"):
                continue  # the live USB stick, external disks, card readers
            if name.startswith("mmcblk") and (_str(mmc_type.get(name)) == "SD" or _flag(dev.get("hotplug"))):
                continue  # an SD card, not eMMC
            if name.startswith("nvme") or transport == "nvme":
                kind = "nvme"
            elif name.startswith("mmcblk"):
                kind = "emmc"
            else:
                kind = "hdd" if _flag(dev.get("rota")) else "ssd"
            path = _str(dev.get("path")) or f"/dev/{name}"
            self.facts.disks.append(self.disk(name, dev, size, kind, _dict(smart.get(path))))
        if not self.facts.disks:
            self.warn("no internal disk found" if self.status("lsblk") == "ok" else "disks unknown (no lsblk output)")
            return
        main = max(self.facts.disks, key=lambda d: d["size_gb"])
        self.facts.storage_kind, self.facts.storage_gb = main["kind"], main["size_gb"]
        self.facts.disk_serials = [d["serial"] for d in self.facts.disks if d["serial"]]

    def disk(self, name: str, dev: dict, size: int, kind: str, smart: dict) -> dict:
        nvme_log = _dict(smart.get("nvme_smart_health_information_log"))
        passed = _dict(smart.get("smart_status")).get("passed")
        hours = _int(_dict(smart.get("power_on_time")).get("hours"))
        if hours is None:
            hours = _int(nvme_log.get("power_on_hours"))
        reallocated = None
        for attribute in _list(_dict(smart.get("ata_smart_attributes")).get("table")):
            attribute = _dict(attribute)
            if attribute.get("id") == 5:
                reallocated = _int(_dict(attribute.get("raw")).get("value"))
        disk = {
            "name": name,
            "model": clean(smart.get("model_name")) or clean(dev.get("model")),
            "serial": clean(smart.get("serial_number")) or clean(dev.get("serial")),
            "size_gb": round(size / 1e9),
            "kind": kind,
            "smart_passed": passed if isinstance(passed, bool) else None,
            "power_on_hours": hours,
            "reallocated_sectors": reallocated,
            "percentage_used": _int(nvme_log.get("percentage_used")),
        }
        if disk["smart_passed"] is False:
            self.warn(f"disk {name}: SMART health check FAILED")
        if reallocated:
            self.warn(f"disk {name}: {reallocated} reallocated sectors")
        if passed is None and hours is None and kind != "emmc":
            self.warn(f"disk {name}: no SMART data")
        return disk

    def screen(self) -> None:
        edids = {k: v for k, v in _dict(self.raw.get("edid")).items() if isinstance(v, str)}
        internal = {k: v for k, v in edids.items() if _INTERNAL_CONNECTOR.search(k)}
        others = {k: v for k, v in edids.items() if k not in internal}
        inches = None
        for hex_text in internal.values():
            inches = edid_inches(hex_text)
            if inches:
                break
        if inches is None and others:
            if self.facts.category in ("laptop", "tablet") or self.chassis == "allinone":
                connector, hex_text = next(iter(others.items()))
                inches = edid_inches(hex_text)
                if inches:
                    self.warn(f"screen size from {connector}, not an internal panel connector")
            else:
                self.warn("external display ignored for the screen size")
        if inches:
            self.facts.screen_inches = Decimal(inches).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        elif self.facts.category in ("laptop", "tablet"):
            self.warn("screen size unknown (no internal panel EDID)")


def parse_report(data: dict | bytes | str) -> HardwareFacts:
    """Registry facts from a probe report (a dict, or its JSON text or bytes)."""
    return _Parser(_load(data)).parse()
