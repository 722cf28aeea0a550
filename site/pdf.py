"""Building blocks of the platform's PDF documents (ReportLab): A4 pages, escaped text, tables, small print.

Used by the registry (donor reports), the shop (invoices, quotes) and the rental (loan agreements), so they
share one look. Text typed by people goes through `text()`: ReportLab reads a Paragraph as markup, and a
name such as `Collège A<B` would otherwise break the whole document.
"""

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

AUTHOR = "Réemploi – OGO"
HEADER_BACKGROUND = colors.HexColor("#e6f1ec")
RULE = colors.HexColor("#9aa5ae")


# Bitstream Vera, shipped with ReportLab: a font embedded in every document (PDF/A asks for embedded fonts,
# which the PDF base fonts are not), with the euro sign and French letters.
FONT, FONT_BOLD = "Vera", "VeraBd"


@functools.cache
def _register_fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    for name in ("Vera", "VeraBd", "VeraIt", "VeraBI"):
        pdfmetrics.registerFont(TTFont(name, folder / f"{name}.ttf"))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="VeraBd", italic="VeraIt", boldItalic="VeraBI")


def styles():
    """The sample style sheet in the embedded font, plus `Small` (footnotes, legal mentions)."""
    _register_fonts()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        if hasattr(style, "fontName"):
            style.fontName = (
                FONT_BOLD if "Bold" in style.fontName or style.name.startswith(("Title", "Heading")) else FONT
            )
            style.bulletFontName = FONT
    sheet.add(sheet["Normal"].clone("Small", fontSize=8, leading=10))
    return sheet


# Characters the embedded font lacks, and what is printed instead: the narrow no-break space of French number
# groups, the arrow of a programme's name ("La Poste → jeunes…").
FONT_SUBSTITUTES = str.maketrans({"\u202f": "\xa0", "\u2192": "->"})


def _plain(value) -> str:
    return escape(str(value).translate(FONT_SUBSTITUTES))


def text(value, style) -> Paragraph:
    """A paragraph of plain text (escaped)."""
    return Paragraph(_plain(value), style)


def lines(parts, style, *, heading: str = "") -> Paragraph:
    """Plain-text lines in one paragraph (an address block), empty ones left out; `heading` in bold on top."""
    body = "<br/>".join(_plain(part) for part in parts if part)
    if heading:
        body = f"<b>{escape(heading)}</b>" + ("<br/>" + body if body else "")
    return Paragraph(body, style)


def space(height_mm: float = 5) -> Spacer:
    return Spacer(1, height_mm * mm)


def table(rows, widths_mm, *, total_row: bool = False) -> Table:
    """A table with a header row; numbers right-aligned from the second column; a bold total row if asked."""
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        commands.append(("FONT", (0, -1), (-1, -1), FONT_BOLD))
    result = Table(rows, colWidths=[width * mm for width in widths_mm], hAlign="LEFT", repeatRows=1)
    result.setStyle(TableStyle(commands))
    return result


def small_print(notes, sheet) -> list:
    """Legal mentions and footnotes at the foot of a document."""
    return [space(8), *[text(note, sheet["Small"]) for note in notes]]


def document(story, *, title: str, margin_mm: float = 18, lang: str = "fr-FR") -> bytes:
    """The story laid out on A4 pages, as the bytes of a PDF file."""
    _register_fonts()
    buffer = io.BytesIO()
    margin = margin_mm * mm
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=AUTHOR,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        lang=lang,
        initialFontName=FONT,
    ).build(story)
    return buffer.getvalue()
