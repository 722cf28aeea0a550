"""PDF documents of the registry: label sheets with QR codes, and batch reports for donors."""

import io

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from reemploi import pdf

LABEL_COLUMNS, LABEL_ROWS = 3, 8
LABEL_W, LABEL_H = 70 * mm, 37 * mm
QR_SIZE = 28 * mm


def _qr_drawing(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def label_sheet_pdf(devices, passport_url) -> bytes:
    """A4 sheets of 3 × 8 labels (70 × 37 mm): asset tag, QR code to the passport, category and model."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setTitle(_("Device labels"))
    page_w, page_h = A4
    margin_x = (page_w - LABEL_COLUMNS * LABEL_W) / 2
    margin_y = (page_h - LABEL_ROWS * LABEL_H) / 2
    per_page = LABEL_COLUMNS * LABEL_ROWS
    for index, device in enumerate(devices):
        if index and index % per_page == 0:
            sheet.showPage()
        slot = index % per_page
        col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = margin_x + col * LABEL_W
        y = page_h - margin_y - (row + 1) * LABEL_H
        renderPDF.draw(_qr_drawing(passport_url(device), QR_SIZE), sheet, x + 3 * mm, y + (LABEL_H - QR_SIZE) / 2)
        text_x = x + QR_SIZE + 6 * mm
        sheet.setFont("Helvetica-Bold", 15)
        sheet.drawString(text_x, y + LABEL_H - 12 * mm, device.asset_tag)
        sheet.setFont("Helvetica", 8)
        sheet.drawString(text_x, y + LABEL_H - 18 * mm, str(device.get_category_display())[:28])
        sheet.drawString(text_x, y + LABEL_H - 22 * mm, f"{device.brand} {device.model}".strip()[:28])
        sheet.drawString(text_x, y + LABEL_H - 26 * mm, (_("S/N") + f" {device.serial}")[:30])
        sheet.setFont("Helvetica-Oblique", 6.5)
        sheet.drawString(text_x, y + 4 * mm, _("Scan: device passport"))
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def batch_report_pdf(report, *, source_text: str) -> bytes:
    """A report of one batch for the donor's elected officials: what became of the devices."""
    batch = report.batch
    styles = pdf.styles()
    story = [
        Paragraph(_("Second life of the donated equipment"), styles["Title"]),
        pdf.text(
            f"{batch.donor.name} — "
            + _("batch received on %(date)s by %(association)s")
            % {"date": date_format(batch.received_on, "j F Y"), "association": batch.association.name},
            styles["Heading3"],
        ),
    ]
    if batch.reference:
        story.append(pdf.text(_("Reference: %(ref)s") % {"ref": batch.reference}, styles["Normal"]))
    rate = report.reuse_rate
    story += [
        pdf.space(6),
        Paragraph(
            _(
                "%(total)d devices registered; %(reused)d given a second life (sold, rented or donated); reuse rate: "
                "%(rate)s."
            )
            % {
                "total": report.total,
                "reused": report.reused,
                "rate": f"{number_format(rate * 100, 1)} %" if rate is not None else _("not yet measurable"),
            },
            styles["Normal"],
        ),
        Paragraph(
            _("Reuse rate = devices reused ÷ devices processed (reused, recycled or harvested for parts)."),
            styles["Italic"],
        ),
        pdf.space(5),
        Paragraph(_("Devices by status"), styles["Heading2"]),
        pdf.table([[_("Status"), _("Devices")]] + [[str(label), n] for _s, label, n in report.by_status], [110, 30]),
    ]
    if report.by_member:
        story += [
            pdf.space(5),
            Paragraph(_("Members who refurbished the devices"), styles["Heading2"]),
            pdf.table(
                [[_("Member"), _("Devices"), _("Reused")]]
                + [[name, n, reused] for name, n, reused in report.by_member],
                [90, 25, 25],
            ),
        ]
    if report.by_chain:
        story += [
            pdf.space(5),
            Paragraph(_("From the member to the beneficiary"), styles["Heading2"]),
            pdf.table(
                [[_("Refurbished by"), _("Through a relay partner"), _("Beneficiary category"), _("Devices")]]
                + [[member, partner or "—", beneficiary, n] for member, partner, beneficiary, n in report.by_chain],
                [45, 40, 60, 20],
            ),
        ]
    if report.by_category:
        story += [
            pdf.space(5),
            Paragraph(_("Who benefits"), styles["Heading2"]),
            pdf.table(
                [[_("Beneficiary category"), _("Devices")]] + [[str(c), n] for c, n in report.by_category],
                [110, 30],
            ),
        ]
    if report.by_department:
        story += [
            pdf.space(5),
            Paragraph(_("Where (département)"), styles["Heading2"]),
            pdf.table(
                [[_("Département"), _("Devices")]] + [[d or "—", n] for d, n in report.by_department],
                [110, 30],
            ),
        ]
    env = report.environment
    story += [
        pdf.space(5),
        Paragraph(_("Environmental benefit"), styles["Heading2"]),
        Paragraph(
            _("About %(co2)s kg CO2e of manufacturing emissions and %(waste)s kg of electronic waste avoided.")
            % {
                "co2": number_format(env.get("kg_co2e", 0), 0, force_grouping=True),
                "waste": number_format(env.get("kg_waste", 0), 1, force_grouping=True),
            },
            styles["Normal"],
        ),
        pdf.text(source_text, styles["Italic"]),
        pdf.space(8),
        Paragraph(
            _(
                "Every device was erased before any second life (décret 2022-190); certificates are available "
                "in the donor portal. No personal data of beneficiaries appears in this report."
            ),
            styles["Normal"],
        ),
        Paragraph(
            _("Generated on %(date)s.") % {"date": date_format(timezone.localtime(), "j F Y H:i")}, styles["Italic"]
        ),
    ]
    return pdf.document(story, title=_("Reuse report"))
