"""Invoices and credit notes, issued by the member association that sells (the seller of record).

Each seller has its own series per year — invoices `F-2026-00001…`, credit notes `A-2026-00001…` — drawn
from a counter row locked in the transaction that issues, so that numbers follow without gaps and a
transaction rolled back gives its number back. When an order is invoiced depends on how it is paid:

- by card or at the counter: once paid, for the whole order (`invoice_issue`);
- on transfer or mandat administratif: at each delivery ("service fait"), for the devices delivered, due
  `payment_days` later (`invoice_issue_delivery`); the payment is recorded later, on the order.

A credit note (`credit_note_issue`) refunds or corrects an invoice, whole or for an amount. The documents
are Factur-X PDF/A-3 files (`shop.einvoice.invoice_pdf_bytes`), written to the private storage on first use.
"""

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from devices.models import Association
from shop.models import Checkout, DocumentCounter, Invoice, InvoiceLine, ListedDevice
from shop.services import AfterSaleRefused

ZERO = Decimal("0.00")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")
# The series a seller numbers: invoices, credit notes and the reuse attestations of `shop.services.attestations`.
PREFIXES = {**Invoice.PREFIXES, "attestation": "AGEC"}


def seller_of(order) -> Association:
    """The member association that sells: the checkout's, or (orders placed before sellers were recorded)
    the association of the workshop whose stock the first line took."""
    record = getattr(order, "checkout", None)
    if record is not None and record.seller_id:
        return record.seller
    for line in order.lines.select_related("partner__workshop__association"):
        workshop = getattr(line.partner, "workshop", None) if line.partner_id else None
        if workshop is not None:
            return workshop.association
    if record is not None and record.pickup_partner_id:
        return record.pickup_partner.workshop.association
    raise AfterSaleRefused(_("This order has no seller: no member association holds its devices."))


def next_number(*, seller: Association, kind: str, year: int) -> str:
    """The seller's next number in the series of `kind` for `year`; call it inside the issuing transaction."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(seller=seller, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{PREFIXES[kind]}-{year}-{counter.last:05d}"


def _create(*, order, seller, kind, lines, due_date=None, credited=None, reason="") -> Invoice:
    now = timezone.now()
    invoice = Invoice.objects.create(
        seller=seller,
        kind=kind,
        number=next_number(seller=seller, kind=kind, year=timezone.localtime(now).year),
        order=order,
        credited=credited,
        reason=reason,
        issued_at=now,
        due_date=due_date,
        total=sum((line.amount for line in lines), ZERO),
    )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    return invoice


def _shipping_line(order) -> list[InvoiceLine]:
    if not order.shipping_incl_tax:
        return []
    return [
        InvoiceLine(
            description=order.shipping_method or _("Delivery"),
            quantity=1,
            unit_price=order.shipping_incl_tax,
            amount=order.shipping_incl_tax,
            delivery=True,
        )
    ]


def _tags(devices) -> str:
    return " ".join(sorted(listed.device.asset_tag for listed in devices))


@transaction.atomic
def invoice_issue(*, order, reference: str = "") -> Invoice:
    """A paid order's invoice (once), for every line and the delivery, in the transaction that records the
    payment. Orders on transfer or mandat administratif are invoiced at delivery instead."""
    existing = order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if existing:
        return existing
    lines = [
        InvoiceLine(
            order_line=line,
            description=line.title,
            quantity=line.quantity,
            unit_price=line.unit_price_incl_tax,
            amount=line.line_price_incl_tax,
            asset_tags=_tags(line.bound_devices.select_related("device")),
        )
        for line in order.lines.all()
    ]
    invoice = _create(
        order=order,
        seller=seller_of(order),
        kind=Invoice.Kind.INVOICE,
        lines=lines + _shipping_line(order),
        due_date=timezone.localdate(),
    )
    record = getattr(order, "checkout", None)
    invoice.paid_at = (record.paid_at if record else None) or invoice.issued_at
    invoice.payment_reference = reference[:120]
    invoice.save(update_fields=["paid_at", "payment_reference"])
    return invoice


# The legal payment period of the State and local authorities (Code de la commande publique, R2192-10).
PUBLIC_PAYMENT_DAYS = 30


def due_date_of(seller: Association, *, public_buyer: bool = False) -> datetime.date:
    days = min(seller.payment_days, PUBLIC_PAYMENT_DAYS) if public_buyer else seller.payment_days
    return timezone.localdate() + datetime.timedelta(days=days)


def _delivered_line(line, devices) -> InvoiceLine:
    """The devices of one order line delivered now, at the line's price after discounts: each unit at the
    line's price divided by its quantity, the line's last delivery taking the cents left over."""
    unit = (line.line_price_incl_tax / line.quantity).quantize(Decimal("0.01"))
    billed = InvoiceLine.objects.filter(order_line=line, invoice__kind=Invoice.Kind.INVOICE)
    units_before = billed.aggregate(total=Sum("quantity"))["total"] or 0
    if units_before + len(devices) >= line.quantity:
        amount = line.line_price_incl_tax - (billed.aggregate(total=Sum("amount"))["total"] or ZERO)
    else:
        amount = unit * len(devices)
    return InvoiceLine(
        order_line=line,
        description=line.title,
        quantity=len(devices),
        unit_price=unit,
        amount=amount,
        asset_tags=_tags(devices),
    )


@transaction.atomic
def invoice_issue_delivery(*, order) -> Invoice | None:
    """An order on transfer or mandat administratif: the devices bound to its lines and not invoiced yet
    have just been delivered; one invoice bills them (the delivery charge with the first), due after the
    seller's payment period. None when every bound device is already invoiced."""
    pending = list(
        ListedDevice.objects.select_for_update(of=("self",))
        .filter(order_line__order=order, invoice__isnull=True)
        .select_related("device", "order_line")
        .order_by("order_line_id", "device__asset_tag")
    )
    if not pending:
        return None
    by_line: dict = {}
    for listed in pending:
        by_line.setdefault(listed.order_line, []).append(listed)
    lines = [_delivered_line(line, devices) for line, devices in by_line.items()]
    first = not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists()
    seller = seller_of(order)
    record = getattr(order, "checkout", None)
    public = bool(record and record.organisation and record.organisation.public_buyer)
    invoice = _create(
        order=order,
        seller=seller,
        kind=Invoice.Kind.INVOICE,
        lines=lines + (_shipping_line(order) if first else []),
        due_date=due_date_of(seller, public_buyer=public),
    )
    ListedDevice.objects.filter(pk__in=[listed.pk for listed in pending]).update(invoice=invoice)
    return invoice


def credited_total(invoice: Invoice) -> Decimal:
    return invoice.credit_notes.aggregate(total=Sum("total"))["total"] or ZERO


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, reason: str, amount: Decimal | None = None) -> Invoice:
    """A credit note on `invoice`: all that is left of it (a withdrawal, a cancelled order), or `amount`
    (a price correction), never more than the invoice minus its earlier credit notes."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_credit_note:
        raise AfterSaleRefused(_("A credit note refers to an invoice, not to another credit note."))
    left = invoice.total - credited_total(invoice)
    reason = reason.strip()
    if not reason:
        raise AfterSaleRefused(_("Say why the invoice is credited: it is written on the credit note."))
    if amount is None:
        if left <= ZERO:
            raise AfterSaleRefused(_("Invoice %(number)s is already fully credited.") % {"number": invoice.number})
        if left == invoice.total:
            lines = [
                InvoiceLine(
                    order_line=line.order_line,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    asset_tags=line.asset_tags,
                    delivery=line.delivery,
                )
                for line in invoice.lines.all()
            ]
        else:
            lines = [InvoiceLine(description=reason[:255], quantity=1, unit_price=left, amount=left)]
    else:
        amount = Decimal(amount).quantize(Decimal("0.01"))
        if amount <= ZERO:
            raise AfterSaleRefused(_("A credit note is for a positive amount."))
        if amount > left:
            raise AfterSaleRefused(
                _("At most %(left)s € can still be credited on invoice %(number)s.")
                % {"left": left, "number": invoice.number}
            )
        lines = [InvoiceLine(description=reason[:255], quantity=1, unit_price=amount, amount=amount)]
    return _create(
        order=invoice.order,
        seller=invoice.seller,
        kind=Invoice.Kind.CREDIT_NOTE,
        lines=lines,
        credited=invoice,
        reason=reason,
    )


def credit_notes_for_order(*, order, reason: str) -> list[Invoice]:
    """Credit what is left of each of the order's invoices (a withdrawal refunded, an order cancelled)."""
    notes = []
    for invoice in order.invoices.filter(kind=Invoice.Kind.INVOICE):
        if invoice.total - credited_total(invoice) > ZERO:
            notes.append(credit_note_issue(invoice=invoice, reason=reason))
    return notes


def invoices_due(order) -> list[Invoice]:
    """The order's invoices still waiting for a payment, oldest first (fully credited ones are settled)."""
    unpaid = order.invoices.filter(kind=Invoice.Kind.INVOICE, paid_at__isnull=True).order_by("issued_at", "pk")
    return [invoice for invoice in unpaid if invoice.total - credited_total(invoice) > ZERO]


@transaction.atomic
def invoice_record_payment(*, invoice: Invoice, reference: str, actor=None) -> Invoice:
    """A transfer or mandat administratif has paid `invoice` (what its credit notes left of it). Once every
    invoice of an order delivered in full is paid, the order is paid."""
    from shop.emails import order_email_after_commit
    from shop.models import OrderStatus

    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("order").get(pk=invoice.pk)
    if invoice.is_credit_note or invoice.paid_at:
        raise AfterSaleRefused(_("Invoice %(number)s is already paid.") % {"number": invoice.number})
    invoice.paid_at = timezone.now()
    invoice.payment_reference = reference.strip()[:120]
    invoice.save(update_fields=["paid_at", "payment_reference"])
    order = invoice.order
    record = Checkout.objects.select_for_update(of=("self",)).get(order=order)
    payment_source(
        order=order,
        checkout=record,
        reference=invoice.payment_reference,
        amount=invoice.total - credited_total(invoice),
    )
    delivered = order.status in (OrderStatus.SHIPPED, OrderStatus.HANDED_OVER)
    if delivered and not invoices_due(order):
        record.state = Checkout.State.PAID
        record.paid_at = invoice.paid_at
        record.save(update_fields=["state", "paid_at"])
    order_email_after_commit(record, "payment_received")
    return invoice


def invoices_overdue(*, sellers=None, today=None):
    """Invoices past their due date and still unpaid (credited in full ones aside), oldest first."""
    invoices = Invoice.objects.overdue(today or timezone.localdate())
    if sellers is not None:
        invoices = invoices.filter(seller__in=sellers)
    return list(invoices.select_related("seller", "order__checkout__organisation").order_by("due_date", "pk"))


def invoices_remind(*, now=None, every_days: int = 7) -> int:
    """Remind the buyer of each overdue invoice, then again every `every_days` days while unpaid."""
    from shop.emails import order_email_after_commit

    now = now or timezone.now()
    reminded = 0
    for invoice in invoices_overdue(today=timezone.localdate(now)):
        with transaction.atomic():
            claim = Invoice.objects.filter(pk=invoice.pk, paid_at__isnull=True).filter(
                models.Q(reminded_at__isnull=True) | models.Q(reminded_at__lt=now - datetime.timedelta(days=every_days))
            )
            if claim.update(reminded_at=now):
                order_email_after_commit(invoice.order.checkout, "overdue", invoices=[invoice])
                reminded += 1
    return reminded


def payment_source(*, order, checkout: Checkout, reference: str, amount=None) -> None:
    """Oscar's record of a payment of an order: its method, the amount (the order's total unless an invoice
    of it is paid alone), the bank's or Stripe's reference."""
    amount = order.total_incl_tax if amount is None else amount
    source_type, _created = SourceType.objects.get_or_create(
        code=checkout.method, defaults={"name": str(checkout.get_method_display())}
    )
    Source.objects.create(
        order=order,
        source_type=source_type,
        amount_allocated=amount,
        amount_debited=amount,
        reference=reference,
    )
