"""The shop's PDF documents: invoices (numbered without gaps) and quotes."""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reemploi import pdf
from reemploi.money import euros

ITEM_COLUMNS_MM = [95, 15, 30, 30]


def _seller_block(styles) -> list:
    lines = [settings.SHOP_SELLER_ADDRESS]
    if settings.SHOP_SELLER_SIRET:
        lines.append(_("SIRET: %(siret)s") % {"siret": settings.SHOP_SELLER_SIRET})
    if settings.SHOP_SELLER_VAT_NUMBER:
        lines.append(_("VAT number: %(number)s") % {"number": settings.SHOP_SELLER_VAT_NUMBER})
    return [pdf.lines(lines, styles["Normal"], heading=settings.SHOP_SELLER_NAME)]


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
    return pdf.small_print(notes, styles)


def invoice_pdf(invoice, order, checkout) -> bytes:
    styles = pdf.styles()
    title = _("Invoice %(number)s") % {"number": invoice.number}
    story = _seller_block(styles)
    story.append(pdf.space(6))
    story.append(pdf.text(title, styles["Title"]))
    story.append(
        pdf.text(
            _("Date: %(date)s · Order %(order)s")
            % {"date": date_format(invoice.issued_at, "j F Y"), "order": order.number},
            styles["Normal"],
        )
    )
    story.append(pdf.space(4))
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
    story.append(pdf.lines([name, *address, *extra], styles["Normal"], heading=_("Billed to")))
    story.append(pdf.space(6))
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    for line in order.lines.all():
        rows.append(
            [
                pdf.text(line.title, styles["Normal"]),
                str(line.quantity),
                euros(line.unit_price_incl_tax),
                euros(line.line_price_incl_tax),
            ]
        )
    if order.shipping_incl_tax:
        rows.append(
            [
                pdf.text(order.shipping_method or _("Delivery"), styles["Normal"]),
                "1",
                euros(order.shipping_incl_tax),
                euros(order.shipping_incl_tax),
            ]
        )
    rows.append([_("Total"), "", "", euros(order.total_incl_tax)])
    story.append(pdf.table(rows, ITEM_COLUMNS_MM, total_row=True))
    paid = checkout and checkout.paid_at
    if paid:
        story.append(pdf.space(4))
        story.append(
            pdf.text(
                _("Paid on %(date)s by %(method)s.")
                % {"date": date_format(checkout.paid_at, "j F Y"), "method": checkout.get_method_display().lower()},
                styles["Normal"],
            )
        )
    story += _legal_footer(styles, professional=bool(organisation))
    return pdf.document(story, title=title)


def quote_pdf(quote) -> bytes:
    styles = pdf.styles()
    title = _("Quote %(reference)s") % {"reference": quote.reference}
    story = _seller_block(styles)
    story.append(pdf.space(6))
    story.append(pdf.text(title, styles["Title"]))
    dates = _("Date: %(date)s") % {"date": date_format(quote.answered_at or quote.created_at, "j F Y")}
    if quote.valid_until:
        dates += " · " + _("Valid until %(date)s") % {"date": date_format(quote.valid_until, "j F Y")}
    story.append(pdf.text(dates, styles["Normal"]))
    organisation = quote.organisation
    address = [
        organisation.billing_line1,
        organisation.billing_line2,
        f"{organisation.billing_postcode} {organisation.billing_city}",
    ]
    story.append(pdf.space(4))
    story.append(
        pdf.lines(
            [organisation.name, *address, _("SIRET: %(siret)s") % {"siret": organisation.siret}],
            styles["Normal"],
            heading=_("For"),
        )
    )
    story.append(pdf.space(6))
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    for line in quote.lines.select_related("product"):
        price = line.unit_price or 0
        rows.append(
            [
                pdf.text(line.product.get_title(), styles["Normal"]),
                str(line.quantity),
                euros(price),
                euros(price * line.quantity),
            ]
        )
    rows.append([_("Total"), "", "", euros(quote.total())])
    story.append(pdf.table(rows, ITEM_COLUMNS_MM, total_row=True))
    if quote.staff_note:
        story.append(pdf.space(4))
        story.append(pdf.text(quote.staff_note, styles["Normal"]))
    story += _legal_footer(styles, professional=True)
    return pdf.document(story, title=title)
