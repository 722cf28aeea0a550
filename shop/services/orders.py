"""After the sale: staff record payments on invoice, bind the devices handed over, move the order along or
cancel it; buyers withdraw and staff refund them.

Every step is a forward-only transition checked against Oscar's status pipeline, in one transaction, and
Stripe (refunds) is called outside any transaction.
"""

import datetime
from decimal import Decimal

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from devices import services as device_services
from devices.models import BeneficiaryCategory, Device, department_of_postcode
from devices.tags import asset_tag_normalize
from payments import stripe_api
from programmes.vouchers import holder_category_of
from shop.catalogue import catalogue_changed
from shop.emails import order_email_after_commit
from shop.models import Checkout, Invoice, ListedDevice, OrderStatus, Organisation, QuoteLine, Withdrawal
from shop.selectors import can_withdraw
from shop.services import AfterSaleRefused
from shop.services.invoices import (
    credit_note_issue,
    credit_notes_for_order,
    invoice_issue_delivery,
    invoice_record_payment,
    invoices_due,
)
from shop.services.listings import stock_sync
from shop.services.payments import INVOICE_METHODS, order_mark_paid

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

BINDABLE_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED)
# The e-mail a status change sends the buyer.
STATUS_EMAILS = {OrderStatus.READY_FOR_PICKUP: "ready", OrderStatus.SHIPPED: "shipped"}


def _locked_order(order):
    return Order.objects.select_for_update().get(pk=order.pk)


# --- Staff: payment on invoice ---------------------------------------------------------------------------


def order_record_payment(*, order, actor, reference: str = "", means: str = "") -> Checkout:
    """A payment has arrived: at the counter for a payment at pickup (`means`: card terminal, cash or
    cheque; a reference optional) — the order is paid, its invoice issued and sent —, or a transfer or
    mandat administratif (its reference), which settles the oldest unpaid invoice issued at delivery.
    A reservation that has just expired cannot be paid any more."""
    record = order.checkout
    if record.method == Checkout.Method.CARD:
        raise AfterSaleRefused(_("Card orders are paid through Stripe, not recorded by hand."))
    if record.state != Checkout.State.PLACED:
        raise AfterSaleRefused(_("This order is not waiting for a payment."))
    reference = reference.strip()
    if record.method in INVOICE_METHODS:
        if not reference:
            raise AfterSaleRefused(_("Give the payment reference (transfer or mandate number)."))
        due = invoices_due(order)
        unpaid = due[0] if due else None
        if unpaid is None:
            raise AfterSaleRefused(
                _("No invoice waits for a payment: an order on invoice is invoiced when its devices are delivered.")
            )
        invoice_record_payment(invoice=unpaid, reference=reference, actor=actor)
        record.refresh_from_db()
        return record
    if means not in Checkout.CounterMeans.values:
        raise AfterSaleRefused(_("Say how the buyer paid at the counter (card terminal, cash or cheque)."))
    reference = f"{Checkout.CounterMeans(means).label} {reference}".strip()
    record = order_mark_paid(checkout=record, reference=reference, actor=actor)
    if record.state != Checkout.State.PAID:  # cancelled meanwhile (the reservation expired)
        raise AfterSaleRefused(_("This order was cancelled meanwhile: its reservation had expired."))
    return record


# --- Staff: handing devices over -------------------------------------------------------------------------


def _beneficiary_of(record: Checkout) -> str:
    """Who benefits, as the registry counts it: the category on a solidarity voucher the order used, else the
    buying organisation's kind, else a private buyer."""
    if record.order_id and (category := holder_category_of(record.order)):
        return category
    organisation = record.organisation
    if organisation is None:
        return BeneficiaryCategory.INDIVIDUAL
    return {
        Organisation.Kind.CCAS: BeneficiaryCategory.CCAS,
        Organisation.Kind.ASSOCIATION: BeneficiaryCategory.ASSOCIATION,
        Organisation.Kind.CRAFTSMAN: BeneficiaryCategory.CRAFT_SHOP,
        Organisation.Kind.SHOP: BeneficiaryCategory.CRAFT_SHOP,
        Organisation.Kind.SCHOOL: BeneficiaryCategory.SCHOOL,
        Organisation.Kind.LOCAL_AUTHORITY: BeneficiaryCategory.LOCAL_AUTHORITY,
    }.get(organisation.kind, BeneficiaryCategory.OTHER_ORGANISATION)


def _territory_of(record: Checkout) -> str:
    """The buyer's département (from the delivery or billing postcode), or the pickup association's."""
    postcode = (record.address or {}).get("postcode") or (
        record.organisation.billing_postcode if record.organisation else ""
    )
    if postcode:
        try:
            return department_of_postcode(postcode)
        except ValidationError:
            pass  # a postcode outside the départements (e.g. 988): the pickup association's is used
    workshop = getattr(record.pickup_partner, "workshop", None)
    return workshop.association.department if workshop else ""


@transaction.atomic
def order_bind_device(*, line, asset_tag: str, actor) -> ListedDevice:
    """Staff scan the device handed over for an order line: the registry records the sale."""
    order = _locked_order(line.order)
    if order.status not in BINDABLE_STATUSES:
        raise AfterSaleRefused(_("Devices are bound to paid orders only."))
    if ListedDevice.objects.filter(order_line=line).count() >= line.quantity:
        raise AfterSaleRefused(_("Every unit of this line already has its device."))
    tag = asset_tag_normalize(asset_tag) or asset_tag.strip().upper()
    quote_line = QuoteLine.objects.filter(order_line=line).first()
    if quote_line is not None:
        listed = _quoted_device(quote_line, line, tag, order.checkout, actor)
    else:
        listed = _listed_device(line, tag)
    record = order.checkout
    device_services.device_sell(
        device=listed.device,
        actor=actor,
        beneficiary_category=_beneficiary_of(record),
        territory=_territory_of(record),
        reference=f"{order.number}/{line.pk}",
    )
    listed.order_line = line
    if listed.pk is None:
        listed.save()
    else:
        listed.save(update_fields=["order_line"])
    if listed.product_id:
        stock = stock_sync(product=listed.product, partner=listed.partner)
        if line.stockrecord_id:
            # The unit allocated at checkout is now consumed (num_in_stock already counts one device less).
            StockRecord.objects.filter(pk=stock.pk, num_allocated__gte=1).update(num_allocated=F("num_allocated") - 1)
        catalogue_changed()
    return listed


def _listed_device(line, tag: str) -> ListedDevice:
    """A device on sale under the line's product, in the stock the line took."""
    listed = (
        ListedDevice.objects.select_for_update()
        .select_related("device")
        .filter(device__asset_tag=tag, order_line__isnull=True)
        .first()
    )
    if listed is None:
        raise AfterSaleRefused(_("No device on sale has the asset tag %(tag)s.") % {"tag": tag})
    if listed.product_id != line.product_id:
        raise AfterSaleRefused(
            _("Device %(tag)s is not listed under “%(product)s”.") % {"tag": tag, "product": line.title}
        )
    if line.stockrecord_id and listed.partner_id != line.partner_id:
        raise AfterSaleRefused(_("Device %(tag)s belongs to another association's stock.") % {"tag": tag})
    return listed


def _quoted_device(quote_line, line, tag: str, record, actor) -> ListedDevice:
    """A device of the seller that fills a line of an accepted quote: on sale (taken off its listing) or
    ready in the workshop (listed for this order, then sold)."""
    device = Device.objects.select_for_update().filter(asset_tag=tag).first()
    if device is None:
        raise AfterSaleRefused(_("No device has the asset tag %(tag)s.") % {"tag": tag})
    if device.association_id != record.seller_id:
        raise AfterSaleRefused(_("Device %(tag)s belongs to another association's stock.") % {"tag": tag})
    if not quote_line.matches(device):
        raise AfterSaleRefused(
            _("Device %(tag)s does not match “%(line)s”.") % {"tag": tag, "line": quote_line.description}
        )
    listed = ListedDevice.objects.select_for_update().filter(device=device, order_line__isnull=True).first()
    if listed is not None:
        if listed.product_id:
            stock = (
                StockRecord.objects.select_for_update().filter(product=listed.product, partner=listed.partner).first()
            )
            if stock is not None and stock.net_stock_level < 1:  # every unit on sale is held for orders
                raise AfterSaleRefused(
                    _("Device %(tag)s is on sale and every unit of its product is held for other orders.")
                    % {"tag": tag}
                )
        return listed
    if device.status != Device.Status.READY:
        raise AfterSaleRefused(
            _("Device %(tag)s cannot be sold: it is “%(status)s”.")
            % {"tag": tag, "status": device.get_status_display()}
        )
    device_services.device_list_for_sale(device=device, actor=actor, listing=line.order.number)
    return ListedDevice(device=device, partner=line.partner, product=None)


def _all_lines_bound(order) -> bool:
    return all(line.bound_devices.count() >= line.quantity for line in order.lines.all())


@transaction.atomic
def order_set_status(*, order, status: str, actor, carrier: str = "", tracking_number: str = "") -> None:
    """Ready for pickup, shipped (with the parcel's carrier and tracking number) or handed over; shipping
    and handing over need every line bound to its device."""
    order = _locked_order(order)
    if status not in order.available_statuses():
        raise AfterSaleRefused(
            _("An order “%(current)s” cannot become “%(new)s”.") % {"current": order.status, "new": status}
        )
    if status in (OrderStatus.SHIPPED, OrderStatus.HANDED_OVER) and not _all_lines_bound(order):
        raise AfterSaleRefused(_("Scan the device of every line before it leaves the workshop."))
    record = order.checkout
    if status == OrderStatus.SHIPPED:
        tracking_number = tracking_number.strip()
        if carrier not in Checkout.Carrier.values or not tracking_number:
            raise AfterSaleRefused(_("Give the parcel's carrier and tracking number: the buyer follows it."))
        record.carrier, record.tracking_number = carrier, tracking_number
        record.save(update_fields=["carrier", "tracking_number"])
    order.set_status(status)
    if status == OrderStatus.HANDED_OVER:
        Checkout.objects.filter(pk=record.pk).update(handed_over_at=timezone.now())
    kind = STATUS_EMAILS.get(status)
    if kind:
        order_email_after_commit(record, kind)
    if status in (OrderStatus.SHIPPED, OrderStatus.HANDED_OVER) and record.method in INVOICE_METHODS:
        _invoice_delivered(order, record)


def _invoice_delivered(order, record) -> None:
    """Service done for the devices bound and not invoiced yet: their invoice, sent to the buyer."""
    invoice = invoice_issue_delivery(order=order)
    if invoice is not None:
        order_email_after_commit(record, "invoiced", invoices=[invoice])


@transaction.atomic
def order_deliver_part(*, order, actor) -> None:
    """An order on invoice delivered in several parts: the devices scanned so far leave now and are
    invoiced; the order stays open for the rest."""
    order = _locked_order(order)
    record = order.checkout
    if record.method not in INVOICE_METHODS:
        raise AfterSaleRefused(_("Only orders on invoice are delivered in parts."))
    if order.status not in (OrderStatus.CONFIRMED, OrderStatus.READY_FOR_PICKUP):
        raise AfterSaleRefused(_("This order is not waiting for a delivery."))
    if not ListedDevice.objects.filter(order_line__order=order, invoice__isnull=True).exists():
        raise AfterSaleRefused(_("Scan the devices of this delivery first."))
    if _all_lines_bound(order):
        raise AfterSaleRefused(_("Every device is scanned: record the order as handed over or shipped."))
    _invoice_delivered(order, record)


@transaction.atomic
def order_cancel(*, order, actor) -> None:
    """Staff cancel an unpaid order (or a paid one not yet handed over, before a refund): stock is freed."""
    _cancel(_locked_order(order))


def _cancel(order) -> None:
    """Cancel the (locked) order and free its stock."""
    if OrderStatus.CANCELLED not in order.available_statuses():
        raise AfterSaleRefused(_("This order can no longer be cancelled."))
    if ListedDevice.objects.filter(order_line__order=order).exists():
        raise AfterSaleRefused(_("Devices are already bound to this order: record a withdrawal instead."))
    for line in order.lines.all():
        if line.stockrecord_id:
            StockRecord.objects.filter(pk=line.stockrecord_id, num_allocated__gte=line.quantity).update(
                num_allocated=F("num_allocated") - line.quantity
            )
    order.set_status(OrderStatus.CANCELLED)
    Checkout.objects.filter(order=order).update(state=Checkout.State.CANCELLED)
    credit_notes_for_order(order=order, reason=_("Order %(number)s cancelled") % {"number": order.number})
    catalogue_changed()


# --- Payment at pickup: the reservation's end ------------------------------------------------------------


def _pickup_reservations():
    return Checkout.objects.filter(
        method=Checkout.Method.AT_PICKUP, state=Checkout.State.PLACED, reserved_until__isnull=False
    )


def reservations_expire(*, now=None) -> int:
    """Cancel the payment-at-pickup orders whose reservation has passed and free their stock: each one
    once, whoever runs this and whatever staff record meanwhile (the checkout row is locked, then its
    state read again). Returns how many were cancelled."""
    now = now or timezone.now()
    expired = 0
    for checkout_id in list(_pickup_reservations().filter(reserved_until__lt=now).values_list("pk", flat=True)):
        with transaction.atomic():
            record = Checkout.objects.select_for_update(of=("self",)).filter(pk=checkout_id).first()
            if record is None or record.state != Checkout.State.PLACED or record.reserved_until >= now:
                continue  # paid, handed over or cancelled meanwhile
            try:
                _cancel(_locked_order(record.order))
            except AfterSaleRefused:  # devices already bound to it, or no longer cancellable: staff settle it
                continue
            order_email_after_commit(record, "expired")
            expired += 1
    return expired


def reservations_remind(*, now=None) -> int:
    """Remind the buyers whose reservation ends within SHOP_PICKUP_REMINDER_HOURS, once each."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(hours=settings.SHOP_PICKUP_REMINDER_HOURS)
    reminded = 0
    due = _pickup_reservations().filter(reminded_at__isnull=True, reserved_until__gte=now, reserved_until__lte=soon)
    for checkout_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # The conditional update is the claim: a second run finds nothing left to remind.
            if _pickup_reservations().filter(pk=checkout_id, reminded_at__isnull=True).update(reminded_at=now):
                order_email_after_commit(Checkout(pk=checkout_id), "reminder")
                reminded += 1
    return reminded


# --- Withdrawal ------------------------------------------------------------------------------------------


@transaction.atomic
def withdrawal_request(*, order, reason: str = "") -> Withdrawal:
    """The buyer withdraws from the purchase (within the deadline of `shop.selectors.can_withdraw`)."""
    order = _locked_order(order)
    if not can_withdraw(order):
        raise AfterSaleRefused(_("This order can no longer be withdrawn from."))
    withdrawal = Withdrawal.objects.create(order=order, reason=reason)
    order.set_status(OrderStatus.WITHDRAWN)
    order_email_after_commit(order.checkout, "withdrawal")
    return withdrawal


def withdrawal_refund(*, withdrawal: Withdrawal, actor) -> Withdrawal:
    """Staff refund a withdrawn order in full (through Stripe for card payments), once."""
    order = withdrawal.order
    record = order.checkout
    if withdrawal.state == Withdrawal.State.REFUNDED:
        return withdrawal
    refund_id = ""
    # What the buyer paid, less what credit notes (price corrections) have already refunded.
    amount = order.total_incl_tax - sum(
        (note.total for note in Invoice.objects.filter(order=order, kind=Invoice.Kind.CREDIT_NOTE)), Decimal("0.00")
    )
    if record.method == Checkout.Method.CARD and record.payment_intent_id and amount > 0:
        try:
            refund = stripe_api.client().v1.refunds.create(
                params={"payment_intent": record.payment_intent_id, "amount": stripe_api.cents(amount)},
                options={"idempotency_key": f"reemploi-refund-{withdrawal.pk}"},
            )
        except stripe.StripeError as error:
            raise AfterSaleRefused(
                _("Stripe refused the refund: %(error)s") % {"error": error.user_message or error}
            ) from error
        refund_id = refund["id"]
    with transaction.atomic():
        withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
        if withdrawal.state == Withdrawal.State.REFUNDED:
            return withdrawal
        withdrawal.state = Withdrawal.State.REFUNDED
        withdrawal.refund_id = refund_id
        withdrawal.refunded_amount = amount
        withdrawal.refunded_at = timezone.now()
        withdrawal.processed_by = actor
        withdrawal.save()
        _release_stock_of_withdrawn(order, actor)
        notes = credit_notes_for_order(
            order=order, reason=_("Withdrawal from order %(number)s") % {"number": order.number}
        )
        order_email_after_commit(record, "refunded", invoices=notes)
    return withdrawal


def invoice_correct(*, invoice, amount, reason: str, actor):
    """A price correction on an invoice: a credit note for `amount`, refunded through Stripe when the order
    was paid by card (Stripe is called first, outside any transaction, with an idempotency key)."""
    from shop.services.invoices import credited_total

    order = invoice.order
    record = order.checkout
    amount = Decimal(amount).quantize(Decimal("0.01"))
    left = invoice.total - credited_total(invoice)
    if amount <= 0 or amount > left:
        raise AfterSaleRefused(
            _("At most %(left)s € can still be credited on invoice %(number)s.")
            % {"left": left, "number": invoice.number}
        )
    if record.method == Checkout.Method.CARD and record.payment_intent_id:
        try:
            stripe_api.client().v1.refunds.create(
                params={"payment_intent": record.payment_intent_id, "amount": stripe_api.cents(amount)},
                options={
                    "idempotency_key": f"reemploi-correction-{invoice.pk}-{invoice.credit_notes.count()}-{amount}"
                },
            )
        except stripe.StripeError as error:
            raise AfterSaleRefused(
                _("Stripe refused the refund: %(error)s") % {"error": error.user_message or error}
            ) from error
    with transaction.atomic():
        note = credit_note_issue(invoice=invoice, amount=amount, reason=reason)
        order_email_after_commit(record, "credited", invoices=[note])
    return note


def _release_stock_of_withdrawn(order, actor) -> None:
    """Units never handed over go back on sale; devices handed over come back through the workshop."""
    catalogue_changed()
    for line in order.lines.select_related("stockrecord"):
        bound = list(ListedDevice.objects.filter(order_line=line).select_related("device"))
        unbound = line.quantity - len(bound)
        if unbound and line.stockrecord_id:
            StockRecord.objects.filter(pk=line.stockrecord_id, num_allocated__gte=unbound).update(
                num_allocated=F("num_allocated") - unbound
            )
        for listed in bound:
            if listed.device.status == Device.Status.SOLD:
                device_services.device_return(
                    device=listed.device,
                    actor=actor,
                    condition="",
                    note=_("Withdrawal from order %(number)s") % {"number": order.number},
                )
