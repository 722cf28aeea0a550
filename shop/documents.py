"""The shop's PDF documents: invoices and credit notes (each under its seller's identity and series) and quotes.

The seller is the member association that sells (`shop.services.invoices.seller_of`): its legal form,
SIRET, RNA, VAT status and address head the page. These PDFs are what people read; `shop.einvoice` turns
invoices and credit notes into Factur-X files (the same PDF with its structured XML attached).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from devices.models import Association
from reemploi import pdf
from reemploi.money import euros

ITEM_COLUMNS_MM = [95, 15, 30, 30]


def _local(moment):
    """A stored moment (UTC) as the day it was in France, for the dates people read."""
    return timezone.localtime(moment)


def seller_lines(seller: Association) -> list[str]:
    lines = [seller.get_legal_form_display(), *seller.address_lines()]
    if seller.siret:
        lines.append(_("SIRET: %(siret)s") % {"siret": seller.siret})
    if seller.rna:
        lines.append(_("RNA: %(rna)s") % {"rna": seller.rna})
    if seller.vat_number:
        lines.append(_("VAT number: %(number)s") % {"number": seller.vat_number})
    lines += [part for part in (seller.email, seller.phone) if part]
    return lines


def vat_mention(seller: Association) -> str:
    """The wording of the seller's VAT status, on its invoices, credit notes and quotes."""
    if seller.vat_status == Association.VatStatus.MARGIN:
        return _("Régime particulier – Biens d'occasion (article 297 A of the French tax code): VAT is not shown.")
    return _("VAT not applicable, article 293 B of the French tax code.")


def late_payment_mention(*, public_buyer: bool) -> str:
    if public_buyer:
        return _(
            "Late payment: default interest at the European Central Bank's rate plus eight points and a fixed "
            "indemnity of €40 for recovery costs (articles L2192-13 and R2192-31 ff. of the Code de la commande "
            "publique)."
        )
    return _(
        "Late payment: penalties at three times the legal interest rate and a fixed indemnity of €40 for recovery "
        "costs (articles L441-10 and D441-5 of the Code de commerce). No discount for early payment."
    )


def _seller_block(seller: Association, styles) -> list:
    return [pdf.lines(seller_lines(seller), styles["Normal"], heading=seller.name)]


def _buyer_block(order, checkout, styles) -> list:
    organisation = checkout.organisation if checkout else None
    extra = []
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
        extra.append(_("Engagement / purchase order: %(po)s") % {"po": checkout.purchase_order})
    if checkout and checkout.service_code:
        extra.append(_("Service code: %(code)s") % {"code": checkout.service_code})
    return [pdf.lines([name, *address, *extra], styles["Normal"], heading=_("Billed to"))]


def _lines_table(lines, total, styles):
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    for line in lines:
        description = line.description
        if line.asset_tags:
            description += "\n" + _("Devices: %(tags)s") % {"tags": line.asset_tags}
        rows.append(
            [
                pdf.lines(description.split("\n"), styles["Normal"]),
                str(line.quantity),
                euros(line.unit_price),
                euros(line.amount),
            ]
        )
    rows.append([_("Total"), "", "", euros(total)])
    return pdf.table(rows, ITEM_COLUMNS_MM, total_row=True)


def invoice_pdf(invoice) -> bytes:
    """An invoice or a credit note, as people read it."""
    order = invoice.order
    checkout = getattr(order, "checkout", None)
    organisation = checkout.organisation if checkout else None
    seller = invoice.seller
    styles = pdf.styles()
    if invoice.is_credit_note:
        title = _("Credit note %(number)s") % {"number": invoice.number}
    else:
        title = _("Invoice %(number)s") % {"number": invoice.number}
    story = _seller_block(seller, styles)
    story.append(pdf.space(6))
    story.append(pdf.text(title, styles["Title"]))
    story.append(
        pdf.text(
            _("Date: %(date)s · Order %(order)s")
            % {"date": date_format(_local(invoice.issued_at), "j F Y"), "order": order.number},
            styles["Normal"],
        )
    )
    if invoice.is_credit_note:
        story.append(
            pdf.text(
                _("Credits invoice %(number)s of %(date)s. Reason: %(reason)s")
                % {
                    "number": invoice.credited.number,
                    "date": date_format(_local(invoice.credited.issued_at), "j F Y"),
                    "reason": invoice.reason,
                },
                styles["Normal"],
            )
        )
    story.append(pdf.space(4))
    story += _buyer_block(order, checkout, styles)
    story.append(pdf.space(6))
    story.append(_lines_table(invoice.lines.all(), invoice.total, styles))
    story.append(pdf.space(4))
    notes = [vat_mention(seller)]
    if invoice.is_credit_note:
        notes.append(_("The amount of this credit note is refunded or deducted from what is owed."))
    elif invoice.paid_at and checkout and checkout.method in ("card", "at_pickup"):
        story.append(
            pdf.text(
                _("Paid on %(date)s by %(method)s.")
                % {
                    "date": date_format(_local(invoice.paid_at), "j F Y"),
                    "method": checkout.get_method_display().lower(),
                },
                styles["Normal"],
            )
        )
    else:
        story.append(
            pdf.text(
                _("Due on %(date)s (%(days)s days after the invoice date), by %(method)s.")
                % {
                    "date": date_format(invoice.due_date, "j F Y"),
                    "days": (invoice.due_date - _local(invoice.issued_at).date()).days,
                    "method": checkout.get_method_display().lower() if checkout else _("bank transfer"),
                },
                styles["Normal"],
            )
        )
        if seller.iban:
            bank = _("Bank transfer to IBAN %(iban)s") % {"iban": seller.iban}
            if seller.bic:
                bank += f" – BIC {seller.bic}"
            notes.append(bank + ".")
    if organisation:
        notes.append(late_payment_mention(public_buyer=organisation.public_buyer))
        if organisation.public_buyer:
            notes.append(_("No discount for early payment."))
    notes.append(
        _(
            "Used goods: 2-year legal guarantee of conformity (articles L217-3 ff. of the Code de la consommation); "
            "a defect appearing within 12 months of delivery is presumed to have existed at delivery."
        )
    )
    story += pdf.small_print(notes, styles)
    return pdf.document(story, title=title)


def quote_pdf(quote) -> bytes:
    styles = pdf.styles()
    title = _("Quote %(reference)s") % {"reference": quote.reference}
    seller = quote.association
    story = _seller_block(seller, styles) if seller else []
    story.append(pdf.space(6))
    story.append(pdf.text(title, styles["Title"]))
    dates = _("Date: %(date)s") % {"date": date_format(_local(quote.answered_at or quote.created_at), "j F Y")}
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
        description = [line.description]
        if line.lead_time_days is not None:
            description.append(_("Lead time: %(days)s days") % {"days": line.lead_time_days})
        rows.append(
            [
                pdf.lines(description, styles["Normal"]),
                str(line.quantity),
                euros(price),
                euros(price * line.quantity),
            ]
        )
    if quote.shipping:
        rows.append([_("Home delivery"), "1", euros(quote.shipping), euros(quote.shipping)])
    rows.append([_("Total"), "", "", euros(quote.total())])
    story.append(pdf.table(rows, ITEM_COLUMNS_MM, total_row=True))
    if quote.staff_note:
        story.append(pdf.space(4))
        story.append(pdf.text(quote.staff_note, styles["Normal"]))
    notes = [vat_mention(seller)] if seller else []
    notes.append(late_payment_mention(public_buyer=organisation.public_buyer))
    story += pdf.small_print(notes, styles)
    return pdf.document(story, title=title)


def attestation_pdf(attestation, bought) -> bytes:
    """The reuse attestation of one year's purchases of a buyer from a seller (loi AGEC, article 58)."""
    seller, organisation = attestation.seller, attestation.organisation
    styles = pdf.styles()
    title = _("Attestation of reused equipment bought in %(year)s") % {"year": attestation.year}
    story = _seller_block(seller, styles)
    story.append(pdf.space(6))
    story.append(pdf.text(title, styles["Title"]))
    story.append(
        pdf.text(
            _("No. %(number)s · Date: %(date)s")
            % {"number": attestation.number, "date": date_format(_local(attestation.issued_at), "j F Y")},
            styles["Normal"],
        )
    )
    story.append(pdf.space(4))
    story.append(
        pdf.text(
            _(
                "%(seller)s certifies that %(buyer)s (SIRET %(siret)s) bought from it, in %(year)s, the computer "
                "equipment listed below, which comes from reuse: second-hand devices refurbished by the association "
                "— every function tested, every previous user's data erased (décret n° 2022-190) — in the sense of "
                "article 58 of loi n° 2020-105 of 10 February 2020 (AGEC) and of décret n° 2021-254 of 9 March 2021."
            )
            % {
                "seller": seller.name,
                "buyer": organisation.name,
                "siret": organisation.siret,
                "year": attestation.year,
            },
            styles["Normal"],
        )
    )
    story.append(pdf.space(6))
    rows = [[_("Item"), _("Qty"), _("Invoice"), _("Amount")]]
    for line in bought.lines:
        description = [line.description]
        if line.asset_tags:
            description.append(_("Devices: %(tags)s") % {"tags": line.asset_tags})
        rows.append(
            [
                pdf.lines(description, styles["Normal"]),
                str(line.quantity),
                f"{line.invoice.number}\n{date_format(_local(line.invoice.issued_at), 'd/m/Y')}",
                euros(line.amount),
            ]
        )
    if bought.credited:
        rows.append([_("Credit notes"), "", "", euros(-bought.credited)])
    rows.append([_("Total of reused equipment"), str(bought.devices), "", euros(bought.total)])
    story.append(pdf.table(rows, ITEM_COLUMNS_MM, total_row=True))
    story.append(pdf.space(8))
    place = seller.city or ""
    story.append(
        pdf.text(
            _("Made in %(place)s on %(date)s, to serve as proof.")
            % {"place": place, "date": date_format(_local(attestation.issued_at), "j F Y")},
            styles["Normal"],
        )
    )
    story.append(pdf.lines([_("For %(seller)s") % {"seller": seller.name}, seller.legal_identity()], styles["Normal"]))
    return pdf.document(story, title=title)
