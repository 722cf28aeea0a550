"""The hardware probe (probe/reemploi-probe) and its parser (devices.hardware); no database.

The probe runs for real on this machine: the assertions follow the statuses it recorded, so they
hold whichever of dmidecode, lshw, smartctl and upower are installed or permitted here.
"""

import ast
import copy
import datetime
import importlib.util
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

from devices.hardware import (
    HardwareFacts,
    ReportError,
    choose_model,
    clean,
    edid_inches,
    normalize_brand,
    parse_dmidecode,
    parse_report,
)

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "probe" / "reemploi-probe"
FILES = Path(__file__).parent / "files" / "hardware"
STATUSES = {"ok", "missing", "denied", "failed", "timeout"}
RAW_KEYS = {"dmidecode", "lshw", "lsblk", "smartctl", "power_supply", "upower", "cpuinfo", "meminfo", "edid", "dmi_id"}
MAC = re.compile(r"\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b", re.IGNORECASE)


def load_probe():
    loader = SourceFileLoader("reemploi_probe", str(PROBE))
    spec = importlib.util.spec_from_loader("reemploi_probe", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


probe = load_probe()


def sample(name: str) -> dict:
    return json.loads((FILES / name).read_text())


def run_probe(*args, cwd, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, str(PROBE), *args],
        cwd=cwd,
        env=env or os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


# The real run on this machine


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    result = run_probe("--output", str(folder / "report.json"), cwd=folder)
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "report.json").read_text())


def test_real_report_has_the_format_and_every_raw_section(real_report):
    assert real_report["format"] == "reemploi-probe/1"
    assert real_report["probe_version"] == probe.VERSION
    assert datetime.datetime.fromisoformat(real_report["collected_at"]).utcoffset() is not None
    assert real_report["as_root"] is (os.geteuid() == 0)
    assert RAW_KEYS <= set(real_report["raw"])


def test_real_report_records_each_tool_as_present_here(real_report):
    tools = real_report["tools"]
    for name in ("dmidecode", "lshw", "lsblk", "smartctl", "upower"):
        assert tools[name]["status"] in STATUSES, name
        installed = probe.find_tool(name) is not None
        assert (tools[name]["status"] == "missing") is not installed, name
    for name in ("dmidecode", "lshw", "lsblk", "upower"):
        assert (real_report["raw"][name] is not None) is (tools[name]["status"] == "ok"), name
    for name, info in tools["smartctl"].get("devices", {}).items():
        assert info["status"] in STATUSES, name
    for name in ("failed", "denied"):
        for tool, info in tools.items():
            if info["status"] == name and "command" in info:
                assert "returncode" in info or "stderr" in info, tool


def test_real_report_parses_into_facts(real_report):
    facts = parse_report(real_report)
    assert isinstance(facts, HardwareFacts)
    assert facts.cpu  # /proc/cpuinfo at least
    assert facts.ram_gb and facts.ram_gb > 0
    if real_report["tools"]["lsblk"]["status"] == "ok":
        assert facts.disks and facts.storage_gb and facts.storage_kind in ("hdd", "ssd", "nvme", "emmc")
    if not real_report["raw"]["power_supply"] and not real_report["raw"]["upower"]:
        assert facts.battery_health is None and "no battery" in facts.warnings
    if real_report["tools"]["dmidecode"]["status"] != "ok":
        assert any(w.startswith("dmidecode ") for w in facts.warnings)
    assert facts.category in ("laptop", "desktop", "server", "tablet", "other")


def test_real_report_holds_no_mac_or_ip_address(real_report):
    text = json.dumps(real_report["raw"]["lshw"])
    assert not MAC.search(text)
    for node in _nodes(real_report["raw"]["lshw"]):
        assert "ip" not in node.get("configuration", {})
        names = node.get("logicalname", [])
        for name in names if isinstance(names, list) else [names]:
            assert not name.startswith("/") or name.startswith("/dev/")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_real_run_as_a_normal_user(tmp_path):
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' user")
    python = shutil.which("python3", path="/usr/bin:/bin")  # the live system's Python, not this venv's
    if python is None:
        pytest.skip("no system python3")
    folder = Path(tempfile.mkdtemp())  # the checkout may not be readable by nobody
    folder.chmod(0o755)
    script = folder / "reemploi-probe"
    shutil.copy2(PROBE, script)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C"}  # a user's PATH: no sbin
    try:
        result = subprocess.run(
            [python, str(script), "--print", "--quiet"],
            cwd="/",
            env=env,
            user=nobody.pw_uid,
            group=nobody.pw_gid,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(folder)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["as_root"] is False
    assert report["tools"]["dmidecode"]["status"] in ("denied", "failed", "missing")
    facts = parse_report(report)
    assert facts.cpu and facts.ram_gb


def _nodes(tree):
    stack = [tree] if isinstance(tree, dict) else list(tree or [])
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("children", []))


# Samples


def test_thinkpad_sample():
    facts = parse_report((FILES / "thinkpad-t480.json").read_bytes())
    assert (facts.brand, facts.model, facts.serial, facts.category) == ("Lenovo", "ThinkPad T480", "PF1ABCDE", "laptop")
    assert facts.cpu == "Intel Core i5-8350U CPU @ 1.70GHz"
    assert facts.ram_gb == 16  # two 8 GB SODIMMs, not MemTotal's 15.5 GiB
    # The NVMe disk; the SanDisk live stick and the squashfs loops are skipped.
    assert (facts.storage_kind, facts.storage_gb) == ("nvme", 512)
    assert facts.disks == [
        {
            "name": "nvme0n1",
            "model": "SAMSUNG MZVLB512HAJQ-000L7",
            "serial": "S3TNNX0K512345",
            "size_gb": 512,
            "kind": "nvme",
            "smart_passed": True,
            "power_on_hours": 4521,
            "reallocated_sectors": None,
            "percentage_used": 7,
        }
    ]
    assert facts.disk_serials == ["S3TNNX0K512345"]
    assert facts.screen_inches == Decimal("14.0")  # the eDP panel, not the 24" monitor on the dock
    # BAT0 + BAT1: 24.05 + 23.48 Wh designed, 20.52 + 19.71 Wh now.
    assert (facts.battery_design_wh, facts.battery_full_wh, facts.battery_health) == (47.53, 40.23, 85)
    assert facts.battery_cycles == 312
    assert facts.warnings == ["2 batteries: capacities added, cycles of the most used"]


def test_desktop_sample_with_older_tools():
    facts = parse_report(sample("optiplex-7040.json"))
    assert (facts.brand, facts.model, facts.serial, facts.category) == ("Dell", "OptiPlex 7040", "5XKQ2G2", "desktop")
    assert facts.ram_gb == 8  # 2 x "4096 MB", two empty slots
    assert (facts.storage_kind, facts.storage_gb) == ("hdd", 500)  # lsblk 2.33 strings: rota "1"
    assert [d["name"] for d in facts.disks] == ["sda"]  # not the DVD drive nor the USB stick
    assert facts.disks[0]["reallocated_sectors"] == 8 and facts.disks[0]["power_on_hours"] == 23817
    assert facts.battery_health is None and facts.battery_design_wh is None and facts.battery_cycles is None
    assert "no battery" in facts.warnings
    assert "disk sda: 8 reallocated sectors" in facts.warnings
    assert facts.screen_inches is None  # the monitor is not part of the device
    assert "external display ignored for the screen size" in facts.warnings


def test_normal_user_sample():
    facts = parse_report(sample("elitebook-840-user.json"))
    assert (facts.brand, facts.model, facts.category) == ("HP", "EliteBook 840 G5", "laptop")  # from /sys/class/dmi/id
    assert facts.serial == ""
    assert "dmidecode not permitted" in facts.warnings
    assert "no serial number: dmidecode not permitted (run the probe as root)" in facts.warnings
    assert facts.ram_gb == 8 and "RAM estimated from MemTotal (7.6 GiB)" in facts.warnings
    # The SD card (mmcblk0) and the USB stick are skipped; SMART was denied.
    assert [(d["name"], d["kind"], d["serial"], d["smart_passed"]) for d in facts.disks] == [
        ("sda", "ssd", "S3TANX0K201234", None)
    ]
    assert "smartctl not permitted" in facts.warnings
    # charge_* in µAh times voltage_min_design: 4.112 Ah x 11.55 V.
    assert (facts.battery_design_wh, facts.battery_full_wh, facts.battery_health) == (47.49, 41.45, 87)
    assert facts.battery_cycles == 187
    assert facts.screen_inches == Decimal("13.9")  # no size in the timing: bytes 21-22, 31 x 17 cm


def test_serial_from_dmi_id_when_dmidecode_is_denied_as_root():
    report = sample("thinkpad-t480.json")
    report["raw"]["dmidecode"] = None
    report["tools"]["dmidecode"] = {"status": "denied", "command": "dmidecode", "returncode": 1}
    facts = parse_report(report)
    assert (facts.serial, facts.model) == ("PF1ABCDE", "ThinkPad T480")
    assert "dmidecode not permitted: serial from dmi_id" in facts.warnings
    assert facts.ram_gb == 16  # lshw's system memory, checked against MemTotal


def test_serial_from_lshw_when_nothing_else_has_it():
    report = sample("thinkpad-t480.json")
    report["raw"]["dmidecode"] = None
    report["raw"]["dmi_id"] = {}
    report["tools"]["dmidecode"] = {"status": "denied"}
    facts = parse_report(report)
    assert (facts.brand, facts.model, facts.serial) == ("Lenovo", "ThinkPad T480", "PF1ABCDE")
    assert "dmidecode not permitted: serial from lshw" in facts.warnings


def test_white_box_placeholders():
    report = sample("optiplex-7040.json")
    text = report["raw"]["dmidecode"]
    text = text.replace(
        "Manufacturer: Dell Inc.\n\tProduct Name: OptiPlex 7040",
        "Manufacturer: System manufacturer\n\tProduct Name: System Product Name",
    )
    text = text.replace("Serial Number: 5XKQ2G2", "Serial Number: To Be Filled By O.E.M.")
    text = text.replace("Serial Number: /5XKQ2G2/CN1296364C01Q1/", "Serial Number: 190436521900127")
    text = text.replace(
        "Manufacturer: Dell Inc.\n\tProduct Name: 0Y7WYT",
        "Manufacturer: ASUSTeK COMPUTER INC.\n\tProduct Name: PRIME B450M-A",
    )
    report["raw"]["dmidecode"] = text
    report["raw"]["dmi_id"] = {}
    report["raw"]["lshw"] = None
    facts = parse_report(report)
    assert (facts.brand, facts.model) == ("", "")
    assert "no brand in the firmware (mainboard: ASUS)" in facts.warnings
    assert facts.serial == "190436521900127"
    assert "serial from the mainboard: the system serial is not set" in facts.warnings


def test_battery_from_upower_when_sysfs_has_none():
    report = sample("thinkpad-t480.json")
    report["raw"]["power_supply"] = {}
    facts = parse_report(report)
    assert (facts.battery_design_wh, facts.battery_full_wh, facts.battery_health) == (47.53, 40.23, 85)
    assert facts.battery_cycles == 312
    assert "battery from upower" in facts.warnings


def test_category_from_the_battery_when_the_chassis_is_unknown():
    report = sample("elitebook-840-user.json")
    report["raw"]["dmi_id"]["chassis_type"] = "2"  # Unknown
    facts = parse_report(report)
    assert facts.category == "laptop"
    assert "category from the battery (chassis: Unknown)" in facts.warnings


@pytest.mark.parametrize(
    "chassis, category",
    [
        ("Notebook", "laptop"),
        ("Sub Notebook", "laptop"),
        ("Convertible", "laptop"),
        ("Tablet", "tablet"),
        ("Detachable", "tablet"),
        ("Tower", "desktop"),
        ("All In One", "desktop"),
        ("Mini PC", "desktop"),
        ("Rack Mount Chassis", "server"),
        ("Docking Station", "other"),
    ],
)
def test_chassis_types(chassis, category):
    report = sample("optiplex-7040.json")
    report["raw"]["dmidecode"] = report["raw"]["dmidecode"].replace("Type: Mini Tower", f"Type: {chassis}")
    assert parse_report(report).category == category


def test_emmc_disk():
    report = sample("elitebook-840-user.json")
    report["raw"]["lsblk"]["blockdevices"] = [
        {"name": "mmcblk0", "type": "disk", "size": 31268536320, "rota": False, "rm": False, "hotplug": False},
        {"name": "mmcblk0boot0", "type": "disk", "size": 4194304, "rota": False, "rm": False, "hotplug": False},
        {"name": "mmcblk0rpmb", "type": "disk", "size": 4194304, "rota": False, "rm": False, "hotplug": False},
    ]
    report["raw"]["mmc_type"] = {"mmcblk0": "MMC"}
    facts = parse_report(report)
    assert (facts.storage_kind, facts.storage_gb) == ("emmc", 31)
    assert [d["name"] for d in facts.disks] == ["mmcblk0"]


def test_failed_smart_is_a_warning():
    report = sample("thinkpad-t480.json")
    report["raw"]["smartctl"]["/dev/nvme0n1"]["smart_status"]["passed"] = False
    facts = parse_report(report)
    assert facts.disks[0]["smart_passed"] is False
    assert "disk nvme0n1: SMART health check FAILED" in facts.warnings


def test_dmidecode_text():
    records = parse_dmidecode(sample("thinkpad-t480.json")["raw"]["dmidecode"])
    assert [r["type"] for r in records] == [0, 1, 2, 3, 4, 17, 17, 22, 22]
    memory = records[5]
    assert memory["title"] == "Memory Device"
    assert memory["fields"]["Size"] == "8 GB" and memory["fields"]["Volatile Size"] == "8 GB"
    assert "Features" in records[2]["fields"] and "Board is replaceable" not in records[2]["fields"]


@pytest.mark.parametrize(
    "vendor, brand",
    [
        ("LENOVO", "Lenovo"),
        ("Hewlett-Packard", "HP"),
        ("HP", "HP"),
        ("Dell Inc.", "Dell"),
        ("ASUSTeK COMPUTER INC.", "ASUS"),
        ("TOSHIBA", "Toshiba"),
        ("FUJITSU CLIENT COMPUTING LIMITED", "Fujitsu"),
        ("Micro-Star International Co., Ltd.", "MSI"),
        ("Intelligent Systems Corp.", "Intelligent Systems"),
        ("WORTMANN AG", "Wortmann"),
        ("To Be Filled By O.E.M.", ""),
        ("System manufacturer", ""),
    ],
)
def test_brands(vendor, brand):
    assert normalize_brand(vendor) == brand


@pytest.mark.parametrize(
    "brand, name, version, family, model",
    [
        ("Lenovo", "20L5CTO1WW", "ThinkPad T480", "ThinkPad T480", "ThinkPad T480"),
        ("Lenovo", "81WE", "IdeaPad 3 15IIL05", "IdeaPad 3 15IIL05", "IdeaPad 3 15IIL05"),
        ("Lenovo", "10M7CTO1WW", "Lenovo", "ThinkCentre M910s", "ThinkCentre M910s"),
        ("Lenovo", "82H8", "Lenovo V15 G2 ITL", "", "V15 G2 ITL"),
        ("HP", "HP ProDesk 600 G2 SFF", "", "103C_53307F HP ProDesk", "ProDesk 600 G2 SFF"),
        ("Dell", "Latitude 5490", "Not Specified", "Latitude", "Latitude 5490"),
        ("", "Default string", "Default string", "Default string", ""),
    ],
)
def test_models(brand, name, version, family, model):
    assert choose_model(brand, name, version, family) == model


@pytest.mark.parametrize(
    "value", ["To Be Filled By O.E.M.", "Default string", "0123456789", "None", "", "   ", "00000000"]
)
def test_placeholders(value):
    assert clean(value) == ""


def test_edid():
    edids = sample("thinkpad-t480.json")["raw"]["edid"]
    assert round(edid_inches(edids["card0-eDP-1"]), 2) == 13.96  # 309 x 174 mm
    assert round(edid_inches(edids["card0-DP-1"]), 1) == 23.8  # 527 x 296 mm
    assert edid_inches("00ff") is None and edid_inches("zz") is None and edid_inches(None) is None


def test_ram_from_memtotal_rounds_up_to_a_plausible_size():
    report = sample("elitebook-840-user.json")
    for kb, gb in ((3911864, 4), (5950000, 6), (16253168, 16), (24684084, 24), (32600000, 32)):
        report["raw"]["meminfo"] = f"MemTotal:       {kb} kB\nMemFree:        1000 kB"
        assert parse_report(report).ram_gb == gb, kb


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe not utf-8",
        "not json",
        "[1, 2]",
        {"format": "reemploi-probe/2", "raw": {}},
        {"raw": {}},
        {"format": "reemploi-probe/1", "raw": "text"},
    ],
)
def test_not_a_report(data):
    with pytest.raises(ReportError):
        parse_report(data)


def test_garbage_samples():
    with pytest.raises(ReportError, match="unknown report format"):
        parse_report((FILES / "garbage.json").read_bytes())
    with pytest.raises(ReportError, match="not JSON"):
        parse_report((FILES / "garbage.txt").read_text())


@pytest.mark.parametrize("junk", [None, 42, "text", [], {}, [{"x": 1}], {"a": [1, None]}, True])
def test_wrong_types_never_crash(junk):
    for name in ("thinkpad-t480.json", "optiplex-7040.json", "elitebook-840-user.json"):
        report = sample(name)
        for key in list(report["raw"]) + ["tools"]:
            broken = copy.deepcopy(report)
            if key == "tools":
                broken["tools"] = junk
            else:
                broken["raw"][key] = junk
            assert isinstance(parse_report(broken), HardwareFacts)
        broken = copy.deepcopy(report)
        for section in ("lsblk", "power_supply", "smartctl", "dmi_id", "edid"):
            value = broken["raw"][section]
            if isinstance(value, dict):
                for k in list(value):
                    value[k] = junk
        assert isinstance(parse_report(broken), HardwareFacts)


# The probe's own pieces


def test_sanitize_lshw_strips_addresses_and_mount_points():
    tree = {
        "id": "host",
        "class": "system",
        "serial": "PF1ABCDE",
        "children": [
            {
                "id": "network",
                "class": "network",
                "serial": "8c:16:45:12:34:56",
                "logicalname": "enp0s31f6",
                "configuration": {"driver": "e1000e", "ip": "192.0.2.10", "link": "yes"},
            },
            {"id": "bluetooth", "class": "communication", "serial": "8C:16:45:AB:CD:EF"},
            {
                "id": "volume",
                "class": "volume",
                "serial": "1a2b-3c4d",
                "logicalname": ["/dev/sdb1", "/media/ubuntu/Photos de Jean"],
                "configuration": {"label": "Photos de Jean", "lastmountpoint": "/home/jean", "mount.fstype": "vfat"},
            },
            {"id": "disk", "class": "disk", "serial": "S3TNNX0K512345", "logicalname": ["/dev/nvme0n1", "/"]},
        ],
    }
    clean_tree = probe.sanitize_lshw(tree)
    text = json.dumps(clean_tree)
    for secret in ("8c:16", "8C:16", "192.0.2.10", "Jean", "/home", "1a2b-3c4d", '"/"'):
        assert secret not in text, secret
    assert clean_tree["serial"] == "PF1ABCDE"
    assert clean_tree["children"][3] == {
        "id": "disk",
        "class": "disk",
        "serial": "S3TNNX0K512345",
        "logicalname": ["/dev/nvme0n1"],
    }
    assert clean_tree["children"][0]["configuration"] == {"driver": "e1000e", "link": "yes"}


def test_sanitize_upower_keeps_the_machines_own_devices():
    text = sample("thinkpad-t480.json")["raw"]["upower"]
    headset = (
        "Device: /org/freedesktop/UPower/devices/headset_dev_AC_80_0A_12_34_56\n"
        "  native-path:          /org/bluez/hci0/dev_AC_80_0A_12_34_56\n"
        "  model:                Casque de Jean\n"
        "  power supply:         no\n"
    )
    mouse = "Device: /org/freedesktop/UPower/devices/battery_hidpp_battery_0\n  model:   MX Master 3\n"
    cleaned = probe.sanitize_upower(text.replace("Daemon:", headset + "\n" + "Daemon:"))
    assert "Jean" not in cleaned and "AC_80" not in cleaned
    assert cleaned == probe.sanitize_upower(text) == text
    assert "MX Master 3" in probe.sanitize_upower(text + "\n" + mouse)


def _script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_run_tool_statuses(tmp_path):
    ok = _script(tmp_path, "ok", "echo hello; echo note >&2")
    denied = _script(tmp_path, "denied", "echo '/dev/mem: Permission denied' >&2; exit 1")
    failed = _script(tmp_path, "failed", "echo 'no SMBIOS nor DMI entry point found' >&2; exit 2")
    slow = _script(tmp_path, "slow", "sleep 30")
    info, out = probe.run_tool([ok], timeout=10)
    assert (info["status"], out, info["stderr"]) == ("ok", "hello\n", "note")
    info, out = probe.run_tool([denied], timeout=10)
    assert (info["status"], out, info["returncode"]) == ("denied", "", 1)
    info, _ = probe.run_tool([failed], timeout=10)
    assert (info["status"], info["stderr"]) == ("failed", "no SMBIOS nor DMI entry point found")
    info, out = probe.run_tool([slow], timeout=0.5)
    assert (info["status"], out) == ("timeout", None)
    info, out = probe.run_tool(["reemploi-no-such-tool"], timeout=1)
    assert (info["status"], out) == ("missing", None)
    info, _ = probe.run_tool([failed], timeout=10, accept=lambda rc: rc & 1 == 0)
    assert info["status"] == "ok"


def test_lshw_json_of_old_versions_is_repaired():
    assert probe.parse_json('{"id": "a"}\n{"id": "b"}') == [{"id": "a"}, {"id": "b"}]
    assert probe.parse_json("not json") is None


# Sending


class Server:
    """A local stand-in for the platform's API, on the loopback only."""

    def __init__(self, code: int, answer: dict, headers: dict | None = None):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"headers": dict(self.headers), "body": json.loads(body)})
                data = json.dumps(answer).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/devices/probe/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_send_prints_the_servers_answer(tmp_path):
    answer = {"asset_tag": "OGO-2026-00042", "status": "received", "url": "https://example.org/d/OGO-2026-00042/"}
    env = dict(os.environ, REEMPLOI_TOKEN="tok-123")
    with Server(201, answer) as server:
        result = run_probe("--input", str(FILES / "thinkpad-t480.json"), "--send", server.url, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Asset tag: OGO-2026-00042" in result.stdout and "Status: received" in result.stdout
    assert answer["url"] in result.stdout
    (request,) = server.received
    assert request["headers"]["Authorization"] == "Bearer tok-123"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["body"] == sample("thinkpad-t480.json")
    assert list(tmp_path.iterdir()) == []


def test_refused_report_is_saved(tmp_path):
    with Server(401, {"error": "invalid token"}) as server:
        result = run_probe(
            "--input", str(FILES / "optiplex-7040.json"), "--send", server.url, "--token", "bad", cwd=tmp_path
        )
    assert result.returncode == 4
    assert "HTTP 401" in result.stdout and "invalid token" in result.stdout
    (saved,) = tmp_path.iterdir()
    assert saved.name == "reemploi-report-20261201111322.json"
    assert json.loads(saved.read_text()) == sample("optiplex-7040.json")
    assert str(saved) in result.stderr


def test_redirects_are_not_followed(tmp_path):
    with Server(200, {}) as elsewhere, Server(302, {}, {"Location": elsewhere.url}) as server:
        args = ["--input", str(FILES / "optiplex-7040.json"), "--send", server.url, "--token", "t"]
        result = run_probe(*args, cwd=tmp_path)
    assert result.returncode == 4
    assert f"redirected to {elsewhere.url}: use that URL" in result.stdout
    assert len(server.received) == 1 and elsewhere.received == []  # the token went nowhere else


def test_network_failure_saves_the_report(tmp_path):
    with Server(200, {}) as server:
        url = server.url  # the port is closed once the server is gone
    result = run_probe("--input", str(FILES / "optiplex-7040.json"), "--send", url, "--token", "t", cwd=tmp_path)
    assert result.returncode == 3
    assert "could not reach" in result.stdout
    assert len(list(tmp_path.glob("reemploi-report-*.json"))) == 1


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--send", "https://example.org/api/"],  # no token
        ["--send", "http://example.org/api/", "--token", "t"],  # plain http off the loopback
        ["--send", "file:///etc/passwd", "--token", "t"],
    ],
)
def test_usage_errors(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if k != "REEMPLOI_TOKEN"}
    result = run_probe(*args, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_print_writes_the_report_on_stdout(tmp_path):
    result = run_probe("--input", str(FILES / "elitebook-840-user.json"), "--print", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == sample("elitebook-840-user.json")


def test_unwritable_output(tmp_path):
    target = tmp_path / "missing-folder" / "report.json"
    result = run_probe("--input", str(FILES / "elitebook-840-user.json"), "--output", str(target), cwd=tmp_path)
    assert result.returncode == 5


def test_probe_is_an_executable_script():
    assert os.access(PROBE, os.X_OK)
    assert PROBE.read_text().startswith("#!/usr/bin/env python3\n")
    imports = set(re.findall(r"^(?:import|from) (\w+)", PROBE.read_text(), re.MULTILINE))
    assert imports <= set(sys.stdlib_module_names) | {"__future__"}
    ast.parse(PROBE.read_text(), feature_version=(3, 9))  # Debian 11 / Ubuntu 20.04 live systems
