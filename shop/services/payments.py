"""Payments: card authorisation and capture through Stripe, cancelled authorisations, reconciliation, and the
one step that marks an order paid (whatever the method).

Card order of operations (the issue's contract):
1. Stripe.js turns the card into a token in the buyer's browser (card numbers never reach us);
2. `card_authorise` creates the checkout's PaymentIntent (manual capture, idempotency key) and confirms it:
   the amount is authorised, not charged (3-D Secure, when asked, runs in the browser);
3. `card_fulfil` — called by the return page and by the webhook alike — checks the authorisation, then
   places the order and allocates the stock in one transaction (`shop.services.checkout.order_place`: rows
   locked, so the last unit goes to one buyer only), then captures. If placing fails (stock gone, basket
   changed) the authorisation is cancelled.
Stripe is never called while a database transaction is open.
"""

import datetime
import logging

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from payments import stripe_api
from shop.emails import order_email_after_commit
from shop.models import Checkout, OrderStatus
from shop.services import CheckoutRefused
from shop.services.checkout import INVOICE_METHODS, order_place
from shop.services.invoices import invoice_issue, payment_source

logger = logging.getLogger(__name__)


def order_mark_paid(*, checkout: Checkout, reference: str = "", actor=None) -> Checkout:
    """Forward-only: a placed order becomes paid once; later calls do nothing. A card or counter payment
    moves the order to "paid" and issues its invoice (sent with the e-mail); a transfer or mandat
    administratif settles the invoices issued at delivery, and the order's delivery status stays."""
    with transaction.atomic():
        checkout = Checkout.objects.select_for_update(of=("self",)).select_related("order").get(pk=checkout.pk)
        if checkout.state != Checkout.State.PLACED:
            return checkout
        order = checkout.order
        checkout.state = Checkout.State.PAID
        checkout.paid_at = timezone.now()
        checkout.save(update_fields=["state", "paid_at"])
        payment_source(order=order, checkout=checkout, reference=reference)
        if checkout.method in INVOICE_METHODS:
            order_email_after_commit(checkout, "payment_received")
        else:
            order.set_status(OrderStatus.PAID)
            order_email_after_commit(checkout, "paid", invoices=[invoice_issue(order=order, reference=reference)])
    return checkout


# --- Card payments ------------------------------------------------------------------------------------


def card_authorise(*, checkout: Checkout, token: str) -> tuple[str, str, str]:
    """Authorise the checkout's total on the card that Stripe.js tokenised (nothing is charged yet).

    Returns (status, client_secret, error): `requires_capture` when authorised, `requires_action` when the
    bank asks for 3-D Secure (the page then runs Stripe.js's confirmCardPayment), or an error for the buyer.
    A declined attempt leaves a PaymentIntent that was never authorised; the next attempt replaces it.
    """
    client = stripe_api.client()
    amount = stripe_api.cents(checkout.total)
    attempt = f"reemploi-checkout-{checkout.pk}-{token}"
    try:
        if checkout.payment_intent_id:
            previous = client.v1.payment_intents.retrieve(checkout.payment_intent_id)
            if previous["status"] in ("requires_capture", "succeeded"):
                return previous["status"], previous["client_secret"], ""
            if previous["status"] != "canceled":
                client.v1.payment_intents.cancel(previous["id"])
        _release_lost_authorisations(client, checkout)
        customer = client.v1.customers.create(
            params={"email": checkout.email, "source": token, "metadata": {"checkout": str(checkout.pk)}},
            options={"idempotency_key": f"{attempt}-customer"},
        )
        Checkout.objects.filter(pk=checkout.pk).update(stripe_customer_id=customer["id"])
        checkout.stripe_customer_id = customer["id"]
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
    except stripe.StripeError as error:  # Stripe unreachable, overloaded or refusing: nothing was charged
        logger.warning("Checkout %s: Stripe unavailable (%s)", checkout.pk, error.__class__.__name__)
        return "unavailable", "", str(UNAVAILABLE)
    Checkout.objects.filter(pk=checkout.pk).update(payment_intent_id=intent["id"])
    checkout.payment_intent_id = intent["id"]
    return intent["status"], intent["client_secret"], ""


UNAVAILABLE = gettext_lazy(
    "Card payment cannot reach the bank at the moment. Nothing has been charged and your basket is kept: try "
    "again in a few minutes, or choose payment at pickup."
)
UNCONFIRMED = gettext_lazy(
    "We could not confirm your payment with the bank just now. Nothing is lost: if your card was authorised, "
    "your order is confirmed by e-mail within minutes; otherwise nothing is charged and your basket is kept."
)


def _release_lost_authorisations(client, checkout: Checkout) -> int:
    """Cancel the authorisations made for the checkout's last Stripe customer that it does not know (Stripe
    authorised, its answer was lost on the way): the buyer is never held twice. Returns how many."""
    if not checkout.stripe_customer_id:
        return 0
    released = 0
    intents = client.v1.payment_intents.list(params={"customer": checkout.stripe_customer_id, "limit": 100})
    for intent in intents["data"]:
        if intent["id"] != checkout.payment_intent_id and intent["status"] in ("requires_capture", "requires_action"):
            client.v1.payment_intents.cancel(intent["id"])
            released += 1
    return released


def _card_error_message(error) -> str:
    return _("Your card was declined (%(reason)s). Nothing has been charged; your basket is kept.") % {
        "reason": error.code or _("refused by the bank")
    }


def card_fulfil(*, payment_intent_id: str) -> tuple[Checkout | None, str]:
    """The one fulfilment of a card payment, from the return page or the webhook, in any order, any number
    of times. Returns the checkout and, when the order could not be placed, the message for the buyer."""
    checkout = Checkout.objects.filter(payment_intent_id=payment_intent_id).first()
    if checkout is None:
        logger.warning("PaymentIntent %s matches no checkout", payment_intent_id)
        return None, _("This payment matches no order.")
    client = stripe_api.client()
    try:
        intent = client.v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as error:
        # The authorisation may exist: the webhook or the reconciliation settles it once Stripe answers.
        logger.warning("PaymentIntent %s: Stripe unavailable (%s)", payment_intent_id, error.__class__.__name__)
        return checkout, str(UNCONFIRMED)
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
            checkout = order_place(checkout=checkout, status=OrderStatus.AWAITING_PAYMENT)
        except CheckoutRefused as refusal:
            authorisation_cancel(checkout=checkout, payment_intent_id=payment_intent_id, reason=str(refusal))
            return checkout, str(refusal)
        except Exception:
            authorisation_cancel(
                checkout=checkout, payment_intent_id=payment_intent_id, reason=_("The order could not be placed.")
            )
            raise
        try:
            intent = client.v1.payment_intents.capture(
                payment_intent_id, options={"idempotency_key": f"reemploi-capture-{payment_intent_id}"}
            )
        except stripe.StripeError:
            try:
                intent = client.v1.payment_intents.retrieve(payment_intent_id)
            except stripe.StripeError:
                intent = {"status": "unknown"}
            if intent["status"] != "succeeded":
                logger.exception("Capture of %s failed; left for reconciliation", payment_intent_id)
                return checkout, ""
        status = intent["status"]
    if status == "succeeded":
        if not checkout.order_id:
            # Captured before we placed the order (should not happen with manual capture): place it now.
            try:
                checkout = order_place(checkout=checkout, status=OrderStatus.AWAITING_PAYMENT)
            except CheckoutRefused as refusal:
                logger.error("Captured payment %s without stock: refund needed (%s)", payment_intent_id, refusal)
                return checkout, str(refusal)
        checkout = order_mark_paid(checkout=checkout, reference=payment_intent_id)
    return checkout, ""


def authorisation_cancel(*, checkout: Checkout, payment_intent_id: str, reason: str) -> None:
    """Release the card authorisation of a checkout that could not become an order; the buyer keeps the basket."""
    try:
        stripe_api.client().v1.payment_intents.cancel(payment_intent_id)
    except stripe.StripeError:
        # Kept on the checkout: the reconciliation cancels it once Stripe answers.
        logger.exception("Could not cancel the authorisation %s", payment_intent_id)
        Checkout.objects.filter(pk=checkout.pk, order__isnull=True).update(
            state=Checkout.State.CANCELLED, failure=reason[:255]
        )
        return
    Checkout.objects.filter(pk=checkout.pk, order__isnull=True).update(
        state=Checkout.State.CANCELLED, failure=reason[:255], payment_intent_id=None
    )


def payments_reconcile(*, older_than_minutes: int = 10) -> dict:
    """Settle card checkouts left in doubt from Stripe's own state (idempotent, safe to run any time).

    An authorised payment whose order was never placed is placed and captured (or cancelled if the stock
    is gone); a captured one whose order is not marked paid is marked paid; a checkout whose authorisation
    Stripe cancelled or that was never confirmed is left for the buyer to retry. Authorisations that no
    order will use are released: those of cancelled checkouts that Stripe could not be told about, and
    those whose creation's answer was lost (found through the checkout's Stripe customer).
    """
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    card = Checkout.objects.filter(method=Checkout.Method.CARD, created_at__lt=cutoff)
    pending = card.filter(
        payment_intent_id__isnull=False, state__in=[Checkout.State.STARTED, Checkout.State.PLACED]
    ).values_list("payment_intent_id", flat=True)
    counts = {"paid": 0, "refused": 0, "unchanged": 0, "released": 0, "errors": 0}
    for payment_intent_id in list(pending):
        checkout, problem = card_fulfil(payment_intent_id=payment_intent_id)
        if checkout is not None and checkout.state == Checkout.State.PAID:
            counts["paid"] += 1
        elif problem == str(UNCONFIRMED):
            counts["errors"] += 1
        elif problem and checkout is not None and checkout.state == Checkout.State.CANCELLED:
            counts["refused"] += 1
        else:
            counts["unchanged"] += 1
    client = stripe_api.client()
    for checkout in card.filter(state=Checkout.State.CANCELLED, order__isnull=True, payment_intent_id__isnull=False):
        try:
            client.v1.payment_intents.cancel(checkout.payment_intent_id)
        except stripe.InvalidRequestError:
            pass  # already cancelled or captured: nothing is held any more
        except stripe.StripeError:
            counts["errors"] += 1
            continue
        Checkout.objects.filter(pk=checkout.pk).update(payment_intent_id=None)
        counts["released"] += 1
    lost = card.filter(state=Checkout.State.STARTED, payment_intent_id__isnull=True).exclude(stripe_customer_id="")
    for checkout in lost:
        try:
            counts["released"] += _release_lost_authorisations(client, checkout)
        except stripe.StripeError:
            counts["errors"] += 1
            continue
        Checkout.objects.filter(pk=checkout.pk, payment_intent_id__isnull=True).update(stripe_customer_id="")
    return counts
