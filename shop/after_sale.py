"""After the order: staff record payments, bind devices and hand them over; buyers withdraw; quotes.

Every step is a forward-only transition checked against Oscar's status pipeline, in one transaction, and
Stripe (refunds) is called outside any transaction.
"""

import datetime

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from devices import services as device_services
from devices.models import BeneficiaryCategory, Device, department_of_postcode, private_storage_of_settings
from devices.tags import asset_tag_normalize
from payments import stripe_api
from shop import checkout_services
from shop.catalogue import catalogue_changed
from shop.documents import quote_pdf
from shop.models import Checkout, ListedDevice, OrderStatus, Organisation, Quote, QuoteLine, Withdrawal
from shop.services import stock_sync
from shop.tasks import send_quote_email

StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")
Order = get_model("order", "Order")


class AfterSaleRefused(ValidationError):
    """A step that cannot be taken now; the message says why, for staff or buyer."""


def _notify(checkout_id, kind):
    checkout_services._notify(checkout_id, kind)


def _locked_order(order):
    return Order.objects.select_for_update().get(pk=order.pk)


# --- Staff: payment on invoice ---------------------------------------------------------------------------


def order_record_payment(*, order, actor, reference: str) -> Checkout:
    """A transfer or mandat administratif has arrived: the order is paid (invoice issued, e-mail sent)."""
    record = order.checkout
    if record.method == Checkout.Method.CARD:
        raise AfterSaleRefused(_("Card orders are paid through Stripe, not recorded by hand."))
    if record.state != Checkout.State.PLACED:
        raise AfterSaleRefused(_("This order is not waiting for a payment."))
    if not reference.strip():
        raise AfterSaleRefused(_("Give the payment reference (transfer or mandate number)."))
    return checkout_services.order_mark_paid(record, reference=reference.strip(), actor=actor)


# --- Staff: handing devices over -------------------------------------------------------------------------


def _beneficiary_of(record: Checkout) -> str:
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
    if order.status not in (OrderStatus.PAID, OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED):
        raise AfterSaleRefused(_("Devices are bound to paid orders only."))
    if ListedDevice.objects.filter(order_line=line).count() >= line.quantity:
        raise AfterSaleRefused(_("Every unit of this line already has its device."))
    tag = asset_tag_normalize(asset_tag) or asset_tag.strip().upper()
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
    record = order.checkout
    device_services.device_sell(
        device=listed.device,
        actor=actor,
        beneficiary_category=_beneficiary_of(record),
        territory=_territory_of(record),
        reference=f"{order.number}/{line.pk}",
    )
    listed.order_line = line
    listed.save(update_fields=["order_line"])
    stock = stock_sync(product=listed.product, partner=listed.partner)
    # The unit allocated at checkout is now consumed (num_in_stock already counts one device less).
    StockRecord.objects.filter(pk=stock.pk, num_allocated__gte=1).update(num_allocated=F("num_allocated") - 1)
    catalogue_changed()
    return listed


def _all_lines_bound(order) -> bool:
    return all(line.bound_devices.count() >= line.quantity for line in order.lines.all())


@transaction.atomic
def order_set_status(*, order, status: str, actor) -> None:
    """Ready for pickup, shipped or handed over; handing over needs every line bound to its device."""
    order = _locked_order(order)
    if status not in order.available_statuses():
        raise AfterSaleRefused(
            _("An order “%(current)s” cannot become “%(new)s”.") % {"current": order.status, "new": status}
        )
    if status in (OrderStatus.SHIPPED, OrderStatus.HANDED_OVER) and not _all_lines_bound(order):
        raise AfterSaleRefused(_("Scan the device of every line before it leaves the workshop."))
    order.set_status(status)
    record = order.checkout
    if status == OrderStatus.HANDED_OVER:
        Checkout.objects.filter(pk=record.pk).update(handed_over_at=timezone.now())
    kind = {OrderStatus.READY_FOR_PICKUP: "ready", OrderStatus.SHIPPED: "shipped"}.get(status)
    if kind:
        transaction.on_commit(lambda: _notify(record.pk, kind))


# --- Withdrawal ------------------------------------------------------------------------------------------


def withdrawal_deadline(order) -> datetime.datetime | None:
    record = getattr(order, "checkout", None)
    if record is None or record.handed_over_at is None:
        return None
    return record.handed_over_at + datetime.timedelta(days=settings.SHOP_WITHDRAWAL_DAYS)


def can_withdraw(order) -> bool:
    """Consumers may withdraw from payment until 14 days after they received the goods."""
    record = getattr(order, "checkout", None)
    if record is None or record.organisation_id or hasattr(order, "withdrawal"):
        return False
    if order.status not in (
        OrderStatus.PAID,
        OrderStatus.READY_FOR_PICKUP,
        OrderStatus.SHIPPED,
        OrderStatus.HANDED_OVER,
    ):
        return False
    deadline = withdrawal_deadline(order)
    return deadline is None or timezone.now() <= deadline


@transaction.atomic
def withdrawal_request(*, order, reason: str = "") -> Withdrawal:
    order = _locked_order(order)
    if not can_withdraw(order):
        raise AfterSaleRefused(_("This order can no longer be withdrawn from."))
    withdrawal = Withdrawal.objects.create(order=order, reason=reason)
    order.set_status(OrderStatus.WITHDRAWN)
    record = order.checkout
    transaction.on_commit(lambda: _notify(record.pk, "withdrawal"))
    return withdrawal


def withdrawal_refund(*, withdrawal: Withdrawal, actor) -> Withdrawal:
    """Staff refund a withdrawn order in full (through Stripe for card payments), once."""
    order = withdrawal.order
    record = order.checkout
    if withdrawal.state == Withdrawal.State.REFUNDED:
        return withdrawal
    refund_id = ""
    if record.method == Checkout.Method.CARD and record.payment_intent_id:
        try:
            refund = stripe_api.client().v1.refunds.create(
                params={"payment_intent": record.payment_intent_id, "amount": stripe_api.cents(order.total_incl_tax)},
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
        withdrawal.refunded_amount = order.total_incl_tax
        withdrawal.refunded_at = timezone.now()
        withdrawal.processed_by = actor
        withdrawal.save()
        _release_stock_of_withdrawn(order, actor)
        transaction.on_commit(lambda: _notify(record.pk, "refunded"))
    return withdrawal


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


@transaction.atomic
def order_cancel(*, order, actor) -> None:
    """Staff cancel an unpaid order (or a paid one not yet handed over, before a refund): stock is freed."""
    order = _locked_order(order)
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
    catalogue_changed()


# --- Organisations ---------------------------------------------------------------------------------------


def organisation_verify(*, organisation: Organisation, actor) -> Organisation:
    if not organisation.is_verified:
        organisation.verified_at = timezone.now()
        organisation.verified_by = actor
        organisation.save(update_fields=["verified_at", "verified_by"])
    return organisation


# --- Quotes ----------------------------------------------------------------------------------------------


@transaction.atomic
def quote_request(*, organisation, user, basket, message: str) -> Quote:
    quote = Quote.objects.create(organisation=organisation, requested_by=user, message=message)
    QuoteLine.objects.bulk_create(
        QuoteLine(quote=quote, product_id=line.product_id, quantity=line.quantity) for line in basket.all_lines()
    )
    return quote


@transaction.atomic
def quote_answer(*, quote: Quote, actor, valid_days: int = 30, note: str = "") -> Quote:
    """Staff answer at the catalogue prices of the day; the buyer gets the PDF by e-mail."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.state != Quote.State.REQUESTED:
        raise AfterSaleRefused(_("This quote has already been answered."))
    for line in quote.lines.select_related("product__listing"):
        line.unit_price = line.product.listing.price
        line.save(update_fields=["unit_price"])
    quote.state = Quote.State.ANSWERED
    quote.answered_at = timezone.now()
    quote.valid_until = timezone.localdate() + datetime.timedelta(days=valid_days)
    quote.staff_note = note
    quote.save()
    transaction.on_commit(lambda: send_quote_email.delay(quote_id=quote.pk))
    return quote


def quote_pdf_bytes(quote: Quote) -> bytes:
    storage = private_storage_of_settings()
    if quote.pdf and storage.exists(quote.pdf):
        with storage.open(quote.pdf, "rb") as handle:
            return handle.read()
    content = quote_pdf(quote)
    quote.pdf = storage.save(f"quotes/{quote.reference}.pdf", ContentFile(content))
    Quote.objects.filter(pk=quote.pk).update(pdf=quote.pdf)
    return content


def quote_to_basket(*, quote: Quote, basket) -> None:
    """The quote's lines replace the basket's content, ready for the checkout on invoice."""
    if quote.state not in (Quote.State.ANSWERED, Quote.State.ORDERED):
        raise AfterSaleRefused(_("This quote has not been answered yet."))
    if quote.valid_until and quote.valid_until < timezone.localdate():
        raise AfterSaleRefused(_("This quote has expired: ask for a new one."))
    basket.flush()
    for line in quote.lines.select_related("product"):
        info = basket.strategy.fetch_for_product(line.product)
        if not info.availability.is_purchase_permitted(line.quantity)[0]:
            raise AfterSaleRefused(
                _("Only %(available)s × “%(product)s” are left: ask for a new quote.")
                % {"available": info.availability.num_available or 0, "product": line.product.get_title()}
            )
        basket.add_product(line.product, quantity=line.quantity)
    Quote.objects.filter(pk=quote.pk).update(state=Quote.State.ORDERED)
