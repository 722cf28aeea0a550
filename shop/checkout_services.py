"""Turning a basket into an order: stock locked and allocated, payment authorised then captured.

Card order of operations (the issue's contract):
1. Stripe.js turns the card into a token in the buyer's browser (card numbers never reach us);
2. `card_authorise` creates the checkout's PaymentIntent (manual capture, idempotency key) and confirms it:
   the amount is authorised, not charged (3-D Secure, when asked, runs in the browser);
3. `card_fulfil` — called by the return page and by the webhook alike — checks the authorisation, then
   places the order and allocates the stock in one transaction (rows locked, so the last unit goes to one
   buyer only), then captures. If placing fails (stock gone, basket changed) the authorisation is cancelled.
Stripe is never called while a database transaction is open.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.shipping.methods import FixedPrice, Free
from oscar.core.loading import get_class, get_model

from payments import stripe_api
from shop.catalogue import catalogue_changed
from shop.models import Checkout, OrderStatus, Organisation

logger = logging.getLogger(__name__)

OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
Country = get_model("address", "Country")


class CheckoutRefused(Exception):
    """A checkout that cannot go on; the message is for the buyer."""


class PickupMethod(Free):
    code = "pickup"

    def __init__(self, partner_name: str):
        self.name = _("Pickup at %(association)s") % {"association": partner_name}


class DeliveryMethod(FixedPrice):
    code = "delivery"

    def __init__(self):
        rate = Decimal(settings.SHOP_DELIVERY_FLAT_RATE)
        super().__init__(charge_excl_tax=rate, charge_incl_tax=rate)
        self.name = _("Home delivery")


def delivery_rate() -> Decimal:
    return Decimal(settings.SHOP_DELIVERY_FLAT_RATE)


def basket_signature(basket) -> list:
    return sorted([line.product_id, line.quantity, str(line.unit_price_incl_tax)] for line in basket.all_lines())


def pickup_partners(basket):
    """Workshops holding free stock for every line of the basket (where the buyer can collect it all)."""
    lines = list(basket.all_lines())
    records = StockRecord.objects.filter(product_id__in=[line.product_id for line in lines])
    candidates = None
    for line in lines:
        holders = {
            record.partner_id
            for record in records
            if record.product_id == line.product_id and record.net_stock_level >= line.quantity
        }
        candidates = holders if candidates is None else candidates & holders
    return Partner.objects.filter(pk__in=candidates or []).order_by("name")


def shipping_method_for(checkout: Checkout):
    if checkout.fulfilment == Checkout.Fulfilment.PICKUP:
        return PickupMethod(checkout.pickup_partner.name)
    return DeliveryMethod()


def verified_organisation(user) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Organisation.objects.filter(members=user, verified_at__isnull=False).order_by("pk").first()


@dataclass
class CheckoutChoices:
    email: str
    fulfilment: str
    method: str
    pickup_partner: object = None
    address: dict | None = None
    purchase_order: str = ""
    service_code: str = ""


def checkout_start(*, basket, user, choices: CheckoutChoices) -> Checkout:
    """Record the buyer's choices for this basket (one checkout per basket, updated until placed)."""
    if basket.is_empty:
        raise CheckoutRefused(_("Your basket is empty."))
    organisation = verified_organisation(user)
    if choices.method != Checkout.Method.CARD and organisation is None:
        raise CheckoutRefused(_("Payment on invoice is for verified organisations."))
    if choices.method == Checkout.Method.CARD and not stripe_api.enabled():
        raise CheckoutRefused(_("Card payment is not available at the moment."))
    method = (
        DeliveryMethod()
        if choices.fulfilment == Checkout.Fulfilment.DELIVERY
        else PickupMethod(choices.pickup_partner.name)
    )
    shipping_charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    with transaction.atomic():
        checkout = Checkout.objects.select_for_update().filter(basket=basket).first()
        if checkout and checkout.state in (Checkout.State.PLACED, Checkout.State.PAID):
            raise CheckoutRefused(_("This basket has already been ordered."))
        if checkout is None:
            checkout = Checkout(basket=basket, order_number=OrderNumberGenerator().order_number(basket))
        checkout.state = Checkout.State.STARTED
        checkout.failure = ""
        checkout.user = user if getattr(user, "is_authenticated", False) else None
        checkout.email = choices.email
        checkout.organisation = organisation
        checkout.fulfilment = choices.fulfilment
        checkout.pickup_partner = choices.pickup_partner if choices.fulfilment == Checkout.Fulfilment.PICKUP else None
        checkout.address = choices.address or {}
        checkout.method = choices.method
        checkout.purchase_order = choices.purchase_order
        checkout.service_code = choices.service_code
        checkout.shipping_charge = shipping_charge.incl_tax
        checkout.total = total.incl_tax
        checkout.basket_signature = basket_signature(basket)
        checkout.save()
    return checkout


# --- Placing the order (one transaction, stock rows locked) ------------------------------------------


def _lock_and_allocate_stock(checkout: Checkout, lines) -> None:
    """Point each line at a stock record with a free unit, under row locks, or refuse."""
    product_ids = [line.product_id for line in lines]
    records = list(StockRecord.objects.select_for_update().filter(product_id__in=product_ids).order_by("pk"))
    for line in lines:
        candidates = [record for record in records if record.product_id == line.product_id]
        if checkout.fulfilment == Checkout.Fulfilment.PICKUP:
            candidates = [record for record in candidates if record.partner_id == checkout.pickup_partner_id]
        free = [record for record in candidates if record.net_stock_level >= line.quantity]
        if not free:
            raise CheckoutRefused(
                _("Sorry, “%(product)s” has just been sold out. It has not been charged; please review your basket.")
                % {"product": line.product.get_title()}
            )
        record = max(free, key=lambda r: r.net_stock_level)
        record.num_allocated = (record.num_allocated or 0) + line.quantity  # the in-memory copy, for later lines
        if line.stockrecord_id != record.pk:
            line.stockrecord = record
            line.save(update_fields=["stockrecord"])


def _addresses(checkout: Checkout):
    address = checkout.address or {}
    if not address:
        return None, None
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="FR",
        defaults={"iso_3166_1_a3": "FRA", "iso_3166_1_numeric": "250", "printable_name": "France", "name": "France"},
    )
    fields = {
        "first_name": address.get("first_name", ""),
        "last_name": address.get("last_name", ""),
        "line1": address.get("line1", ""),
        "line2": address.get("line2", ""),
        "line4": address.get("city", ""),
        "postcode": address.get("postcode", ""),
        "country": country,
    }
    shipping = None
    if checkout.fulfilment == Checkout.Fulfilment.DELIVERY:
        shipping = ShippingAddress.objects.create(phone_number=address.get("phone") or "", **fields)
    billing = BillingAddress.objects.create(**fields)
    return shipping, billing


def order_place(checkout: Checkout, *, status: str) -> Checkout:
    """Place the checkout's order once; refuses (CheckoutRefused) if the basket changed or stock ran out."""
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update(of=("self",))
            .select_related("basket", "pickup_partner")
            .get(pk=checkout.pk)
        )
        if checkout.order_id:
            return checkout
        if checkout.state == Checkout.State.CANCELLED:
            raise CheckoutRefused(_("This checkout was cancelled."))
        basket = checkout.basket
        basket.strategy = get_class("partner.strategy", "Selector")().strategy(user=checkout.user)
        lines = list(basket.all_lines())
        if basket_signature(basket) != checkout.basket_signature:
            raise CheckoutRefused(
                _("Your basket changed during payment. It has not been charged; please check it again.")
            )
        _lock_and_allocate_stock(checkout, lines)
        basket._lines = None  # lines re-read with their new stock records
        shipping_method = shipping_method_for(checkout)
        shipping_charge = shipping_method.calculate(basket)
        total = OrderTotalCalculator().calculate(basket, shipping_charge)
        shipping_address, billing_address = _addresses(checkout)
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            user=checkout.user,
            shipping_address=shipping_address,
            billing_address=billing_address,
            order_number=checkout.order_number,
            status=status,
            guest_email="" if checkout.user else checkout.email,
        )
        basket.submit()
        catalogue_changed()  # Oscar's allocation updates the stock rows without a save signal
        checkout.order = order
        checkout.state = Checkout.State.PLACED
        checkout.save(update_fields=["order", "state"])
        transaction.on_commit(lambda: _notify(checkout.pk, "received"))
    return checkout


def order_mark_paid(checkout: Checkout, *, reference: str = "", actor=None) -> Checkout:
    """Forward-only: a placed order becomes paid once (invoice issued, e-mail sent); later calls do nothing."""
    from shop.invoices import invoice_issue

    with transaction.atomic():
        checkout = Checkout.objects.select_for_update(of=("self",)).select_related("order").get(pk=checkout.pk)
        if checkout.state != Checkout.State.PLACED:
            return checkout
        order = checkout.order
        checkout.state = Checkout.State.PAID
        checkout.paid_at = timezone.now()
        checkout.save(update_fields=["state", "paid_at"])
        order.set_status(OrderStatus.PAID)
        payment_source(order, checkout, reference)
        invoice_issue(order)
        transaction.on_commit(lambda: _notify(checkout.pk, "paid"))
    return checkout


def payment_source(order, checkout: Checkout, reference: str) -> None:
    SourceType = get_model("payment", "SourceType")
    Source = get_model("payment", "Source")
    source_type, _created = SourceType.objects.get_or_create(
        code=checkout.method, defaults={"name": str(checkout.get_method_display())}
    )
    Source.objects.create(
        order=order,
        source_type=source_type,
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        reference=reference,
    )


def _notify(checkout_id: int, kind: str) -> None:
    from shop.tasks import send_order_email

    send_order_email.delay(checkout_id=checkout_id, kind=kind)


# --- Card payments ------------------------------------------------------------------------------------


def card_authorise(checkout: Checkout, token: str) -> tuple[str, str, str]:
    """Authorise the checkout's total on the card that Stripe.js tokenised (nothing is charged yet).

    Returns (status, client_secret, error): `requires_capture` when authorised, `requires_action` when the
    bank asks for 3-D Secure (the page then runs Stripe.js's confirmCardPayment), or an error for the buyer.
    A declined attempt leaves a PaymentIntent that was never authorised; the next attempt replaces it.
    """
    client = stripe_api.client()
    amount = stripe_api.cents(checkout.total)
    if checkout.payment_intent_id:
        previous = client.v1.payment_intents.retrieve(checkout.payment_intent_id)
        if previous["status"] in ("requires_capture", "succeeded"):
            return previous["status"], previous["client_secret"], ""
        if previous["status"] != "canceled":
            client.v1.payment_intents.cancel(previous["id"])
    attempt = f"reemploi-checkout-{checkout.pk}-{token}"
    try:
        customer = client.v1.customers.create(
            params={"email": checkout.email, "source": token, "metadata": {"checkout": str(checkout.pk)}},
            options={"idempotency_key": f"{attempt}-customer"},
        )
        intent = client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": "eur",
                "customer": customer["id"],
                "payment_method": customer["default_source"],
                "capture_method": "manual",
                "confirm": True,
                "metadata": {"checkout": str(checkout.pk), "order_number": checkout.order_number},
            },
            options={"idempotency_key": f"{attempt}-intent"},
        )
    except stripe.CardError as error:
        return "declined", "", _card_error_message(error)
    Checkout.objects.filter(pk=checkout.pk).update(payment_intent_id=intent["id"])
    checkout.payment_intent_id = intent["id"]
    return intent["status"], intent["client_secret"], ""


def _card_error_message(error) -> str:
    return _("Your card was declined (%(reason)s). Nothing has been charged; your basket is kept.") % {
        "reason": error.code or _("refused by the bank")
    }


def card_fulfil(payment_intent_id: str) -> tuple[Checkout | None, str]:
    """The one fulfilment of a card payment, from the return page or the webhook, in any order, any number
    of times. Returns the checkout and, when the order could not be placed, the message for the buyer."""
    checkout = Checkout.objects.filter(payment_intent_id=payment_intent_id).first()
    if checkout is None:
        logger.warning("PaymentIntent %s matches no checkout", payment_intent_id)
        return None, _("This payment matches no order.")
    client = stripe_api.client()
    intent = client.v1.payment_intents.retrieve(payment_intent_id)
    status = intent["status"]
    if status in ("requires_payment_method", "requires_confirmation", "requires_action", "processing"):
        error = intent["last_payment_error"] if "last_payment_error" in intent else None
        message = (error or {}).get("message") if error else None
        return checkout, message or _("The card payment was not authorised. Your basket is kept; you can try again.")
    if status == "canceled":
        return checkout, checkout.failure or _("This payment was cancelled. Your basket is kept.")
    if intent["amount"] != stripe_api.cents(checkout.total):
        client.v1.payment_intents.cancel(payment_intent_id)
        return checkout, _("The amount authorised does not match the order; the authorisation was cancelled.")
    if status == "requires_capture":
        try:
            checkout = order_place(checkout, status=OrderStatus.AWAITING_PAYMENT)
        except CheckoutRefused as refusal:
            _cancel_authorisation(checkout, payment_intent_id, str(refusal))
            return checkout, str(refusal)
        except Exception:
            _cancel_authorisation(checkout, payment_intent_id, _("The order could not be placed."))
            raise
        try:
            intent = client.v1.payment_intents.capture(
                payment_intent_id, options={"idempotency_key": f"reemploi-capture-{payment_intent_id}"}
            )
        except stripe.StripeError:
            intent = client.v1.payment_intents.retrieve(payment_intent_id)
            if intent["status"] != "succeeded":
                logger.exception("Capture of %s failed; left for reconciliation", payment_intent_id)
                return checkout, ""
        status = intent["status"]
    if status == "succeeded":
        if not checkout.order_id:
            # Captured before we placed the order (should not happen with manual capture): place it now.
            try:
                checkout = order_place(checkout, status=OrderStatus.AWAITING_PAYMENT)
            except CheckoutRefused as refusal:
                logger.error("Captured payment %s without stock: refund needed (%s)", payment_intent_id, refusal)
                return checkout, str(refusal)
        checkout = order_mark_paid(checkout, reference=payment_intent_id)
    return checkout, ""


def _cancel_authorisation(checkout: Checkout, payment_intent_id: str, reason: str) -> None:
    try:
        stripe_api.client().v1.payment_intents.cancel(payment_intent_id)
    except stripe.StripeError:
        logger.exception("Could not cancel the authorisation %s", payment_intent_id)
    Checkout.objects.filter(pk=checkout.pk, order__isnull=True).update(
        state=Checkout.State.CANCELLED, failure=reason[:255], payment_intent_id=None
    )


def invoice_order_place(checkout: Checkout) -> Checkout:
    """Transfer or mandat administratif: the order is placed at once and waits for the payment."""
    return order_place(checkout, status=OrderStatus.AWAITING_PAYMENT)


def payments_reconcile(*, older_than_minutes: int = 10) -> dict:
    """Settle card checkouts left in doubt from Stripe's own state (idempotent, safe to run any time).

    An authorised payment whose order was never placed is placed and captured (or cancelled if the stock
    is gone); a captured one whose order is not marked paid is marked paid; a checkout whose authorisation
    Stripe cancelled or that was never confirmed is left for the buyer to retry.
    """
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    pending = Checkout.objects.filter(
        method=Checkout.Method.CARD,
        payment_intent_id__isnull=False,
        state__in=[Checkout.State.STARTED, Checkout.State.PLACED],
        created_at__lt=cutoff,
    ).values_list("payment_intent_id", flat=True)
    counts = {"paid": 0, "refused": 0, "unchanged": 0, "errors": 0}
    for payment_intent_id in list(pending):
        try:
            checkout, problem = card_fulfil(payment_intent_id)
        except stripe.StripeError:
            logger.exception("Reconciliation of %s failed", payment_intent_id)
            counts["errors"] += 1
            continue
        if checkout is not None and checkout.state == Checkout.State.PAID:
            counts["paid"] += 1
        elif problem and checkout is not None and checkout.state == Checkout.State.CANCELLED:
            counts["refused"] += 1
        else:
            counts["unchanged"] += 1
    return counts
