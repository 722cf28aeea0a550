"""The shop's PDF documents: invoices (numbered without gaps) and quotes, built with ReportLab."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def euros(amount) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


def _seller_block(styles) -> list:
    lines = [f"<b>{escape(settings.SHOP_SELLER_NAME)}</b>", escape(settings.SHOP_SELLER_ADDRESS)]
    if settings.SHOP_SELLER_SIRET:
        lines.append(_("SIRET: %(siret)s") % {"siret": escape(settings.SHOP_SELLER_SIRET)})
    if settings.SHOP_SELLER_VAT_NUMBER:
        lines.append(_("VAT number: %(number)s") % {"number": escape(settings.SHOP_SELLER_VAT_NUMBER)})
    return [Paragraph("<br/>".join(lines), styles["Normal"])]


def _table(rows, widths):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    return table


def _buyer_lines(name: str, address_lines: list[str], extra: list[str]) -> str:
    return "<br/>".join(escape(part) for part in [name, *address_lines, *extra] if part)


def _legal_footer(styles, *, professional: bool) -> list:
    notes = []
    if settings.SHOP_MARGIN_SCHEME:
        notes.append(
            _("Régime particulier – Biens d'occasion (article 297 A of the French tax code): VAT is not shown.")
        )
    notes.append(
        _(
            "Used goods: 2-year legal guarantee of conformity (articles L217-3 ff. of the Code de la consommation); "
            "a defect appearing within 12 months of delivery is presumed to have existed at delivery."
        )
    )
    if professional:
        notes.append(
            _(
                "Payment within 30 days of the invoice date. Late payment: penalties at three times the legal "
                "interest rate and a fixed indemnity of €40 for recovery costs (articles L441-10 and D441-5 of "
                "the Code de commerce). No discount for early payment."
            )
        )
    if settings.SHOP_SELLER_IBAN:
        notes.append(_("Bank transfer to IBAN %(iban)s.") % {"iban": settings.SHOP_SELLER_IBAN})
    small = styles["Normal"].clone("small", fontSize=8, leading=10)
    return [Spacer(1, 8 * mm), *[Paragraph(escape(note), small) for note in notes]]


def invoice_pdf(invoice, order, checkout) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Invoice %(number)s") % {"number": invoice.number})
    story = _seller_block(styles)
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(_("Invoice %(number)s") % {"number": invoice.number}), styles["Title"]))
    story.append(
        Paragraph(
            escape(
                _("Date: %(date)s · Order %(order)s")
                % {"date": date_format(invoice.issued_at, "j F Y"), "order": order.number}
            ),
            styles["Normal"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    extra = []
    organisation = checkout.organisation if checkout else None
    if organisation:
        name = organisation.name
        address = [
            organisation.billing_line1,
            organisation.billing_line2,
            f"{organisation.billing_postcode} {organisation.billing_city}",
        ]
        extra.append(_("SIRET: %(siret)s") % {"siret": organisation.siret})
    else:
        billing = order.billing_address
        name = billing.name if billing else (order.email or "")
        address = [billing.line1, billing.line2, f"{billing.postcode} {billing.line4}"] if billing else []
    if checkout and checkout.purchase_order:
        extra.append(_("Purchase order: %(po)s") % {"po": checkout.purchase_order})
    if checkout and checkout.service_code:
        extra.append(_("Service code: %(code)s") % {"code": checkout.service_code})
    story.append(Paragraph(_("<b>Billed to</b>") + "<br/>" + _buyer_lines(name, address, extra), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    for line in order.lines.all():
        rows.append(
            [
                Paragraph(escape(line.title), styles["Normal"]),
                str(line.quantity),
                euros(line.unit_price_incl_tax),
                euros(line.line_price_incl_tax),
            ]
        )
    if order.shipping_incl_tax:
        rows.append(
            [
                escape(order.shipping_method or _("Delivery")),
                "1",
                euros(order.shipping_incl_tax),
                euros(order.shipping_incl_tax),
            ]
        )
    rows.append([_("Total"), "", "", euros(order.total_incl_tax)])
    story.append(_table(rows, [95 * mm, 15 * mm, 30 * mm, 30 * mm]))
    paid = checkout and checkout.paid_at
    if paid:
        story.append(Spacer(1, 4 * mm))
        story.append(
            Paragraph(
                escape(
                    _("Paid on %(date)s by %(method)s.")
                    % {"date": date_format(checkout.paid_at, "j F Y"), "method": checkout.get_method_display().lower()}
                ),
                styles["Normal"],
            )
        )
    story += _legal_footer(styles, professional=bool(organisation))
    doc.build(story)
    return buffer.getvalue()


def quote_pdf(quote) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=_("Quote %(reference)s") % {"reference": quote.reference})
    story = _seller_block(styles)
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(_("Quote %(reference)s") % {"reference": quote.reference}), styles["Title"]))
    dates = _("Date: %(date)s") % {"date": date_format(quote.answered_at or quote.created_at, "j F Y")}
    if quote.valid_until:
        dates += " · " + _("Valid until %(date)s") % {"date": date_format(quote.valid_until, "j F Y")}
    story.append(Paragraph(escape(dates), styles["Normal"]))
    organisation = quote.organisation
    address = [
        organisation.billing_line1,
        organisation.billing_line2,
        f"{organisation.billing_postcode} {organisation.billing_city}",
    ]
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            _("<b>For</b>")
            + "<br/>"
            + _buyer_lines(organisation.name, address, [_("SIRET: %(siret)s") % {"siret": organisation.siret}]),
            styles["Normal"],
        )
    )
    story.append(Spacer(1, 6 * mm))
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    for line in quote.lines.select_related("product"):
        price = line.unit_price or 0
        rows.append(
            [
                Paragraph(escape(line.product.get_title()), styles["Normal"]),
                str(line.quantity),
                euros(price),
                euros(price * line.quantity),
            ]
        )
    rows.append([_("Total"), "", "", euros(quote.total())])
    story.append(_table(rows, [95 * mm, 15 * mm, 30 * mm, 30 * mm]))
    if quote.staff_note:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(quote.staff_note), styles["Normal"]))
    story += _legal_footer(styles, professional=True)
    doc.build(story)
    return buffer.getvalue()
