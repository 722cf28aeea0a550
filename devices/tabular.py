"""Tables out of the files people upload: CSV as office suites and asset managers write it (any delimiter;
UTF-8 with or without BOM, UTF-16, Windows-1252), and spreadsheets (XLSX, ODS, XLS, read with calamine).

The encoding is detected, never guessed silently: `Table.describe()` tells the user what was found, and a
file that is neither valid UTF-8 nor Windows-1252 (a damaged UTF-8 file, a binary file) is refused with the
line where it breaks.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from reemploi.uploads import SPREADSHEET

MAX_ROWS = 50_000
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
DELIMITERS = [";", ",", "\t", "|"]
SNIFF_LINES = 50
# A byte that starts a UTF-8 sequence followed by the continuation bytes it needs: text written in UTF-8.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """The file is not a table we can read; the message says why, in the user's language."""


@dataclass
class Table:
    kind: str  # "csv", "xlsx", "ods", "xls"
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number in the file, one text per header)
    encoding: str = ""  # CSV only: a key of ENCODING_LABELS
    delimiter: str = ""
    sheet: str = ""
    extra_cells: int = 0  # cells found beyond the header's last column (ignored, and said so)

    def describe(self) -> str:
        if self.kind == "csv":
            return _("CSV file, encoding %(encoding)s, delimiter %(delimiter)s") % {
                "encoding": ENCODING_LABELS[self.encoding],
                "delimiter": _("tab") if self.delimiter == "\t" else f"« {self.delimiter} »",
            }
        return _("%(kind)s spreadsheet, sheet “%(sheet)s”") % {"kind": self.kind.upper(), "sheet": self.sheet}


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding found (a key of ENCODING_LABELS)."""
    if content.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", content
    else:
        encoding, body = "utf-8", content
    try:
        text = body.decode("utf-16" if encoding == "utf-16" else "utf-8")
    except UnicodeDecodeError as exc:
        if encoding != "utf-8" or UTF8_SEQUENCE.search(content):
            # UTF-8 elsewhere in the file (or announced by its BOM): a damaged file, not another encoding.
            raise UnreadableFile(
                _(
                    "The file is not valid %(encoding)s: line %(line)d has a byte that cannot be read. Save it "
                    "again from its software as “CSV UTF-8” and import it again."
                )
                % {"encoding": ENCODING_LABELS[encoding], "line": _line_of(body, exc.start)}
            ) from None
        try:
            text, encoding = content.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as cp1252_error:
            raise UnreadableFile(
                _(
                    "The encoding of the file could not be recognised (neither UTF-8 nor Windows-1252, line "
                    "%(line)d). Save it again as “CSV UTF-8” and import it again."
                )
                % {"line": _line_of(content, cp1252_error.start)}
            ) from None
    bad = CONTROL.search(text)
    if bad:
        raise UnreadableFile(
            _("This is not a text table: line %(line)d holds binary data. Upload a CSV, XLSX or ODS file.")
            % {"line": text.count("\n", 0, bad.start()) + 1}
        )
    return text, encoding


def _delimiter_of(text: str) -> str:
    """The delimiter that splits the first lines into the same number of columns, the most columns first."""
    sample = text.splitlines()[:SNIFF_LINES]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(cells) for cells in csv.reader(sample, delimiter=delimiter) if any(c.strip() for c in cells)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for count in counts if count == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _table(kind: str, lines, **extra) -> Table:
    """A table from (number, cells) lines: the first non-empty line is the header, empty lines are skipped."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    extra_cells = 0
    for number, cells in lines:
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if headers is None:
            while cells and not cells[-1]:
                cells.pop()
            headers = [cell or _("Column %(number)d") % {"number": index} for index, cell in enumerate(cells, 1)]
            continue
        if len(cells) > len(headers):
            extra_cells += sum(1 for cell in cells[len(headers) :] if cell)
        rows.append((number, (cells + [""] * len(headers))[: len(headers)]))
        if len(rows) > MAX_ROWS:
            raise UnreadableFile(
                _("The file has more than %(max)s rows: split it in several files.") % {"max": f"{MAX_ROWS:,}"}
            )
    if headers is None:
        raise UnreadableFile(_("The file is empty or has no header line."))
    return Table(kind=kind, headers=headers, rows=rows, extra_cells=extra_cells, **extra)


def read_csv(content: bytes) -> Table:
    text, encoding = decode(content)
    delimiter = _delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # The line where a row starts (a quoted cell may span several lines).
        lines, start = [], 1
        for cells in reader:
            lines.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(
            _("Line %(line)d cannot be read: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from None
    return _table("csv", lines, encoding=encoding, delimiter=delimiter)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def spreadsheet_kind(content: bytes) -> str:
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile:
        pass
    raise UnreadableFile(_("This file is neither a CSV table nor a spreadsheet (XLSX, ODS)."))


def read_spreadsheet(content: bytes) -> Table:
    kind = spreadsheet_kind(content)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        for name in workbook.sheet_names:
            values = workbook.get_sheet_by_name(name).to_python()
            if any(any(cell not in ("", None) for cell in row) for row in values):
                break
        else:
            raise UnreadableFile(_("The spreadsheet is empty."))
    except (CalamineError, ValueError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(_("The spreadsheet cannot be read: it may be damaged or protected.")) from None
    lines = ((number, [_cell_text(value) for value in row]) for number, row in enumerate(values, 1))
    return _table(kind, lines, sheet=name)


SPREADSHEET_SIGNATURES = SPREADSHEET.signatures  # the upload check's: XLSX and ODS are ZIP archives, XLS is OLE2


def is_spreadsheet(content: bytes) -> bool:
    return content.startswith(SPREADSHEET_SIGNATURES)


def read_table(content: bytes) -> Table:
    """A table from the bytes of an uploaded file, whatever its format (told by its content, not its name)."""
    if is_spreadsheet(content):
        return read_spreadsheet(content)
    return read_csv(content)
