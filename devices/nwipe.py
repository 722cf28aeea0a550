"""Parser of nwipe log files (the Debian disk-erasure tool), to record each disk's erasure.

Pure standard library: it reads text and never runs anything. The format follows nwipe's source, versions 0.30 to
0.42 (Debian bullseye 0.30, bookworm 0.34, trixie 0.38):

- logging.c `nwipe_log()`: every line is ``[YYYY/MM/DD HH:MM:SS] <level>: <message>``, the level padded to seven
  characters (``  debug``, ``   info``, `` notice``, ``warning``, ``  error``, ``  fatal``, `` sanity``); the time is
  the machine's local time (`localtime()`), without a zone. Messages with an embedded newline continue on lines
  without a prefix.
- device.c: ``Found /dev/sda,  ATA, <model>, 500 GB, S/N=<serial>`` for every enumerated disk.
- options.c `nwipe_options_log()`: ``Program options are set as follows...`` then ``  prng     = ...``,
  ``  method   = ...``, ``  rounds   = 1``, ``  verify   = 1 (last pass)``, ``  do not perform a final blank pass``,
  logged when the wipe starts.
- nwipe.c: ``/dev/sda, sect/blk/dev 512/4096/500107862016`` (size in bytes) for every selected disk;
  ``Nwipe exited with errors on device = /dev/sda`` (fatal) for a disk whose wipe went wrong or was interrupted.
- method.c `nwipe_runmethod()`: ``Invoking method 'DoD Short' on /dev/sda``, ``Starting pass 1/3, round 1/1, on
  /dev/sda``, ``Blanking device``, ``[SUCCESS]``/``[FAILURE]`` lines, ``N verification errors on '/dev/sda'.``
- logging.c `nwipe_log_summary()`: the "Error Summary" and "Drive Status" tables, without timestamps; a row of the
  latter is ``!      sdb |-FAILED-|  97 MB/s | 03:19:08 | <model, 17 chars>/<serial>`` with the status
  `` Erased ``, ``-FAILED-``, ``UABORTED`` or ``INSANITY``, then the footer
  ``[date] Total Throughput 126 MB/s, DoD Short, 1R+B+VL``.

A log file may hold several runs (nwipe appends to it); the disks of every run are returned, in order.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["NwipeDisk", "NwipeFormatError", "NwipeLog", "looks_like_nwipe", "parse_nwipe_log"]

SUCCESS = "success"
FAILURE = "failure"

# nwipe's GUI wording of the three verification modes (gui.c), indexed by the option's value (options.h).
VERIFY_LABELS = {0: "Verification Off", 1: "Verify Last Pass", 2: "Verify All Passes"}
VERIFY_CODES = {"NV": 0, "VL": 1, "VA": 2}  # abbreviations of the summary footer

# Passes in one round of each method (the pattern tables of method.c), when the log does not tell. The final
# blanking pass and the verifications are not counted, as in nwipe's own "pass i/N".
METHOD_PASSES = {
    "Fill With Zeros": 1,
    "Fill With Ones": 1,
    "PRNG Stream": 1,
    "DoD Short": 3,
    "DoD 5220.22-M": 7,
    "HMG IS5 Enhanced": 3,
    "Bruce Schneier 7-Pass": 7,
    "Gutmann Wipe": 35,
    "Verify Zeros (0x00)": 0,
    "Verify Ones  (0xFF)": 0,
}

_LINE = re.compile(
    r"^\[(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})\]\s+"
    r"(debug|info|notice|warning|error|fatal|sanity|level -?\d+):\s?(.*)$"
)
_BANNER = re.compile(r"^nwipe (\d+\.\d+(?:\.\d+)?\S*)$")
_OPTION = re.compile(r"^(banner|prng|method|rounds|verify)\s*=\s*(.*)$")
MAX_LINE = 1000
_FOUND = re.compile(r"^Found (\S+), (.*?), (.*), ([^,]*), S/N=(.*)$")
_SECTORS = re.compile(r"^(\S+), sect/blk/dev \d+/\d+/(\d+)$")
_APPARENT = re.compile(r"^libata: apparent max sectors reported as (\d+) with sector size as (\d+)/\d+ .* on (\S+)$")
_SERIAL = re.compile(r"^(\S+) has serial number (.*)$")
_INVOKING = re.compile(r"^Invoking method '(.*)' on (\S+)$")
_ROUND = re.compile(r"^Starting round \d+ of (\d+) on (\S+)$")
_PASS = re.compile(r"^Starting pass \d+/(\d+), round \d+/(\d+), on (\S+)$")
_PERROR = re.compile(r"^\w+: \w+: \S.*$")  # nwipe_perror(): "function: call: strerror"
_ERROR_WARNINGS = ("Partial write", "Partial read", "Buffer flush failure", "Wrote ")
_TABLE_TITLE = re.compile(r"^\*+ (Error Summary|Drive Status|Erasure Summary) \*+$")
# Column titles, which also open the table in nwipe < 0.33 (no title line there).
_TABLE_HEADERS = {
    "| Status | Thru-put |": "Drive Status",
    "| Pass Errors |": "Error Summary",
    "Bytes Erased": "Erasure Summary",
}
_STATUS_ROW = re.compile(
    r"^(?P<flag>[! ])?\s*(?P<dev>\S+)\s*\|(?P<status>[^|]*)\|\s*(?P<thru>[^|]*?)\s*\|"
    r"\s*(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2})\s*\|\s?(?P<ident>.*)$"
)
_ERROR_ROW = re.compile(r"^[! ]?\s*(\S+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*$")
_FOOTER = re.compile(
    r"^\[[\d/: ]+\] Total Throughput .*?/s, (?P<method>.+), (?P<rounds>\d+)R\+(?P<blank>N?B)\+(?P<verify>NV|VL|VA)\s*$"
)
_ABORTED = "Nwipe was aborted by the user"


class NwipeFormatError(ValueError):
    """The text is not an nwipe log, or it records no wiped disk."""


@dataclass
class NwipeDisk:
    device: str  # "/dev/sda"
    model: str
    serial: str
    size: str  # as printed by nwipe, e.g. "500 GB"
    method: str  # nwipe's label, e.g. "DoD Short"
    prng: str  # e.g. "Isaac64", "" when not logged
    rounds: int | None
    verification: str  # "Verification Off", "Verify Last Pass", "Verify All Passes", "" when not logged
    passes: int | None  # passes of one round of the method (blanking and verifications not counted)
    result: str  # "success" | "failure"
    status: str  # the summary table's word: "Erased", "FAILED", "UABORTED", "INSANITY"; "" if not in the table
    started_at: datetime | None  # naive, local time of the wiping machine
    ended_at: datetime | None
    errors: list[str] = field(default_factory=list)  # "fatal: Unable to write to '/dev/sdb'." ...
    size_bytes: int | None = None
    blanking: bool | None = None  # final zero pass
    pass_errors: int | None = None  # counters of the "Error Summary" table (nwipe 0.33+)
    verify_errors: int | None = None
    sync_errors: int | None = None


@dataclass
class NwipeLog:
    version: str  # "0.38", "" when the log does not say
    disks: list[NwipeDisk]
    lines: int
    complete: bool = True  # every run has its "Drive Status" summary
    user_aborted: bool = False  # nwipe said the run was aborted by the user (^C)


def _parse_time(match: re.Match) -> datetime | None:
    try:
        return datetime(*(int(match.group(i)) for i in range(1, 7)))
    except ValueError:
        return None


def _names(message: str, device: str) -> bool:
    """Whether the message names the device (/dev/sda, not /dev/sda1)."""
    return re.search(r"(?<![\w/])" + re.escape(device) + r"(?![\w/])", message) is not None


@dataclass
class _Device:
    path: str
    model: str = ""
    serial: str = ""
    size: str = ""
    size_bytes: int | None = None
    selected: bool = False
    method: str = ""
    rounds: int | None = None
    passes: int | None = None
    started_at: datetime | None = None
    last_seen: datetime | None = None
    errors: list[str] = field(default_factory=list)
    fatal: bool = False
    row: dict | None = None  # the "Drive Status" row
    counters: tuple[int, int, int] | None = None  # the "Error Summary" row


class _Run:
    """One execution of nwipe in the log."""

    def __init__(self):
        self.version = ""
        self.options: dict[str, str] = {}
        self.blanking: bool | None = None
        self.wiping = False  # the options block (logged when the wipe starts) has been seen
        self.devices: dict[str, _Device] = {}
        self.status_rows: list[dict] = []
        self.error_rows: list[tuple[str, int, int, int]] = []
        self.footer: dict | None = None
        self.aborted = False
        self.pending_perror: str | None = None

    @property
    def substantial(self) -> bool:
        return bool(self.devices or self.options or self.status_rows)

    def device(self, path: str) -> _Device:
        if path not in self.devices:
            self.devices[path] = _Device(path)
        return self.devices[path]

    def select(self, path: str) -> _Device:
        dev = self.device(path)
        dev.selected = True
        return dev

    # -- timestamped lines -------------------------------------------------------------------------------------

    def entry(self, when: datetime | None, level: str, message: str) -> None:
        text = message.strip()
        pending, self.pending_perror = self.pending_perror, None
        if level == "error" and _PERROR.match(text) and "/dev/" not in text:
            # nwipe_perror() names no device: it belongs to the error line that nwipe logs right after it
            self.pending_perror = text
            return
        if _ABORTED in text:
            self.aborted = True
        self._entry_devices(when, level, text, pending)

    def _entry_devices(self, when, level, text, pending):
        if m := _BANNER.match(text):
            self.version = m.group(1)
            return
        if text == "Program options are set as follows...":
            self.wiping = True
            self.blanking = True
            return
        if text == "do not perform a final blank pass":
            self.blanking = False
            return
        if m := _OPTION.match(text):
            self.options[m.group(1)] = m.group(2).strip()
            if m.group(1) == "banner" and (b := _BANNER.match(m.group(2).strip())):
                self.version = b.group(1)
            return
        if m := _FOUND.match(text):
            dev = self.device(m.group(1))
            dev.model, dev.size, dev.serial = m.group(3).strip(), m.group(4).strip(), m.group(5).strip()
            return
        if m := _SECTORS.match(text):
            self.select(m.group(1)).size_bytes = int(m.group(2))
            return
        if m := _APPARENT.match(text):
            dev = self.device(m.group(3))
            if dev.size_bytes is None:
                dev.size_bytes = int(m.group(1)) * int(m.group(2))
            return
        if m := _SERIAL.match(text):
            dev = self.select(m.group(1))
            dev.serial = dev.serial or m.group(2).strip()
            return
        if m := _INVOKING.match(text):
            dev = self.select(m.group(2))
            dev.method, dev.started_at, dev.last_seen = m.group(1), when, when
            return
        if m := _ROUND.match(text):
            dev = self.select(m.group(2))
            dev.rounds = int(m.group(1))
            dev.started_at = dev.started_at or when
            dev.last_seen = when
            return
        if m := _PASS.match(text):
            dev = self.select(m.group(3))
            dev.passes = max(dev.passes or 0, int(m.group(1)))
            dev.rounds = int(m.group(2))
            dev.started_at = dev.started_at or when
            dev.last_seen = when
            return
        self._device_message(when, level, text, pending)

    def _device_message(self, when, level, text, pending):
        """A line naming a disk during the wipe: keep its time, and its text if it reports an error."""
        failing = (
            level in ("error", "fatal", "sanity")
            or (level == "warning" and text.startswith(_ERROR_WARNINGS))
            or "[FAILURE]" in text
            or ">>> FAILURE! <<<" in text
        )
        for dev in self.devices.values():
            if not _names(text, dev.path):
                continue
            if dev.started_at is not None:
                dev.last_seen = when
            if failing and (self.wiping or dev.started_at is not None):
                if pending is not None and level in ("error", "fatal"):
                    dev.errors.append(f"error: {pending}")
                dev.errors.append(f"{level}: {text}")
                if level in ("fatal", "sanity"):
                    dev.fatal = True
                if text.startswith("Nwipe exited with errors on device"):
                    dev.selected = True

    # -- summary tables ----------------------------------------------------------------------------------------

    def table_line(self, table: str | None, line: str) -> None:
        if m := _FOOTER.match(line.strip()):
            self.footer = m.groupdict()
            return
        if table == "Drive Status" and (m := _STATUS_ROW.match(line.rstrip())):
            self.status_rows.append(m.groupdict())
        elif table == "Error Summary" and (m := _ERROR_ROW.match(line.rstrip())):
            self.error_rows.append((m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))))

    def _match(self, short: str) -> _Device:
        """The disk of a summary row: nwipe prints the last 8 characters (6 before 0.33) of the name without path."""
        candidates = sorted(self.devices.values(), key=lambda d: not d.selected)
        for dev in candidates:
            if dev.path.rsplit("/", 1)[-1][-len(short) :] == short and (
                dev.path.rsplit("/", 1)[-1] == short or len(short) >= 6
            ):
                return dev
        return self.device(f"/dev/{short}")

    # -- result ------------------------------------------------------------------------------------------------

    def disks(self) -> list[NwipeDisk]:
        for row in self.status_rows:
            dev = self._match(row["dev"])
            dev.selected = True
            dev.row = row
        for short, *counters in self.error_rows:
            dev = self._match(short)
            dev.counters = tuple(counters)

        verify = self._verification()
        rounds = self.options.get("rounds")
        rounds = int(rounds) if rounds and rounds.isdigit() else None
        if rounds is None and self.footer:
            rounds = int(self.footer["rounds"])
        blanking = self.blanking
        if blanking is None and self.footer:
            blanking = self.footer["blank"] == "B"
        run_method = self.options.get("method") or (self.footer["method"] if self.footer else "")

        disks = []
        for dev in self.devices.values():
            if not dev.selected:
                continue  # enumerated but not chosen for wiping (the boot stick...)
            row = dev.row
            status = row["status"].strip().strip("-").strip() if row else ""
            model, serial = dev.model, dev.serial
            if row and not (model or serial):
                model, serial = _split_ident(row["ident"])
            method = dev.method or run_method
            duration = None
            if row:
                duration = timedelta(hours=int(row["h"]), minutes=int(row["m"]), seconds=int(row["s"]))
            ended_at = dev.last_seen
            if dev.started_at is not None and duration is not None:
                ended_at = dev.started_at + duration
            if dev.started_at is None:
                ended_at = None
            erased = status == "Erased" and not dev.fatal and not (dev.counters and any(dev.counters))
            disks.append(
                NwipeDisk(
                    device=dev.path,
                    model=model,
                    serial=serial,
                    size=dev.size,
                    method=method,
                    prng=self.options.get("prng", ""),
                    rounds=rounds if rounds is not None else dev.rounds,
                    verification=verify,
                    passes=dev.passes if dev.passes is not None else METHOD_PASSES.get(method),
                    result=SUCCESS if erased else FAILURE,
                    status=status,
                    started_at=dev.started_at,
                    ended_at=ended_at,
                    errors=dev.errors,
                    size_bytes=dev.size_bytes,
                    blanking=blanking,
                    pass_errors=dev.counters[0] if dev.counters else None,
                    verify_errors=dev.counters[1] if dev.counters else None,
                    sync_errors=dev.counters[2] if dev.counters else None,
                )
            )
        return disks

    def _verification(self) -> str:
        value = self.options.get("verify", "")
        if m := re.match(r"^(\d+)", value):
            return VERIFY_LABELS.get(int(m.group(1)), value)
        if self.footer:
            return VERIFY_LABELS[VERIFY_CODES[self.footer["verify"]]]
        return ""


def _split_ident(ident: str) -> tuple[str, str]:
    """'<model>/<serial>' of a summary row (model cut to 17 characters by nwipe)."""
    ident = ident.strip()
    if ident.endswith("(S/N: unknown)"):
        return ident[: -len("(S/N: unknown)")].rstrip("/"), "(S/N: unknown)"
    model, _, serial = ident.rpartition("/")
    return model.strip(), serial.strip()


def _split_lines(text: str) -> list[str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def looks_like_nwipe(text: str) -> bool:
    """Whether the text has nwipe's log lines (or its summary table), as opposed to any other file."""
    prefixed = markers = 0
    for line in _split_lines(text):
        if m := _LINE.match(line):
            prefixed += 1
            msg = m.group(8).strip()
            if (
                _BANNER.match(msg)
                or _FOUND.match(msg)
                or _INVOKING.match(msg)
                or _SECTORS.match(msg)
                or msg == "Program options are set as follows..."
                or msg.startswith("Opened entropy source")
            ):
                markers += 1
        elif (m := _TABLE_TITLE.match(line.strip())) and m.group(1) == "Drive Status":
            markers += 1
            prefixed += 1
        if prefixed and markers:
            return True
    return False


def parse_nwipe_log(text: str) -> NwipeLog:
    """Read an nwipe log (one or several runs) and return its wiped disks; raise NwipeFormatError otherwise."""
    if not looks_like_nwipe(text):
        raise NwipeFormatError(
            "not an nwipe log: no line of the form '[YYYY/MM/DD HH:MM:SS] notice: …' with nwipe's messages"
        )
    # nwipe's own lines are short; a longer one is not its (and would make the regexes slow).
    lines = [line for line in _split_lines(text) if len(line) <= MAX_LINE]
    runs = [_Run()]
    table = None
    for line in lines:
        run = runs[-1]
        if m := _LINE.match(line):
            when, level, message = _parse_time(m), m.group(7), m.group(8)
            text_ = message.strip()
            # A new execution starts with the banner (0.35+), or with the device scan when the previous run had
            # already started wiping (0.34 logs its banner before reading -l, so not in the file).
            if (_BANNER.match(text_) and run.substantial) or (_FOUND.match(text_) and (run.wiping or run.status_rows)):
                run = _Run()
                runs.append(run)
            table = None
            run.entry(when, level, message)
            continue
        stripped = line.strip()
        if m := _TABLE_TITLE.match(stripped):
            table = m.group(1)
            continue
        if stripped.startswith("!") and "Device |" in stripped:
            table = next((name for key, name in _TABLE_HEADERS.items() if key in stripped), None)
            continue
        if stripped.startswith("****") and set(stripped) == {"*"}:
            table = None
            continue
        run.table_line(table, line)

    disks: list[NwipeDisk] = []
    complete = True
    aborted = False
    version = ""
    for run in runs:
        found = run.disks()
        if not found:
            continue
        disks.extend(found)
        complete = complete and bool(run.status_rows)
        aborted = aborted or run.aborted
        version = version or run.version
    if not disks:
        raise NwipeFormatError(
            "nwipe log without any wiped disk: no 'Invoking method' line and no 'Drive Status' summary table"
        )
    return NwipeLog(version=version, disks=disks, lines=len(lines), complete=complete, user_aborted=aborted)
