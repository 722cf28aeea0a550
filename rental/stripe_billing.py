"""The loans' Stripe subscriptions: one Product and monthly Plan per amount, a subscription per loan.

Every function here calls Stripe and therefore refuses to run inside a database transaction (a slow or
failing Stripe must never hold locks nor be rolled back half-way). Plans, not Prices: the tests' localstripe
has no /v1/prices.

This module records only Stripe's own bookkeeping (the kept Plans, the moment a subscription stopped); the
loan's state changes stay in `rental.services`, which imports this module (to stop a subscription after
its transaction commits) and is never imported by it.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

import stripe
from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import stripe_api
from reemploi.money import euros
from reemploi.queue import enqueue
from rental import selectors
from rental.models import Application, StripePlan

logger = logging.getLogger(__name__)
PRODUCT_NAME = "Location d'ordinateur – Réemploi OGO"
# Subscriptions that leave the first invoice unpaid are not kept: the trainee tries again or pays at the counter.
UNPAID_STATUSES = ("incomplete", "incomplete_expired", "unpaid")


class SubscriptionFailed(Exception):
    """Stripe refused: the message is for the trainee, in French."""


@dataclass(frozen=True)
class MandateAcceptance:
    """The trainee's online acceptance of the SEPA Direct Debit mandate, which Stripe requires before the
    first off-session debit: when, from which IP address, with which browser."""

    ip_address: str
    user_agent: str
    accepted_at: datetime


@dataclass(frozen=True)
class Subscription:
    """A running monthly subscription, for `rental.services.payment_method_set` to record; for direct
    debit, the mandate it debits under (its Stripe id and the SEPA reference the trainee is told)."""

    customer_id: str
    subscription_id: str
    mandate_id: str = ""
    mandate_reference: str = ""
    mandate_accepted_at: datetime | None = None


def _outside_transaction() -> None:
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("Stripe is never called inside a database transaction.")


def plan_ensure(amount) -> str:
    """The id of the monthly Plan of `amount` euros, created in Stripe the first time and kept."""
    _outside_transaction()
    cents = stripe_api.cents(amount)
    existing = StripePlan.objects.filter(amount_cents=cents).first()
    if existing is not None:
        return existing.plan_id
    client = stripe_api.client()
    key = f"reemploi-rental-plan-{cents}"
    product = client.v1.products.create(
        params={"name": PRODUCT_NAME, "metadata": {"app": "rental"}}, options={"idempotency_key": f"{key}-product"}
    )
    plan = client.v1.plans.create(
        params={
            "amount": cents,
            "currency": "eur",
            "interval": "month",
            "product": product["id"],
            "nickname": f"Location {euros(amount)} / mois",
        },
        options={"idempotency_key": f"{key}-plan"},
    )
    try:
        row, _created = StripePlan.objects.get_or_create(
            amount_cents=cents, defaults={"product_id": product["id"], "plan_id": plan["id"]}
        )
    except IntegrityError:  # created meanwhile by another request: use that one
        row = StripePlan.objects.get(amount_cents=cents)
    return row.plan_id


def _sepa_customer(client, application, *, iban: str, mandate: MandateAcceptance, metadata: dict, attempt: str):
    """The customer whose IBAN is set up for off-session debits under a mandate the trainee accepted online
    (a SetupIntent confirmed with the acceptance): (customer, mandate id, mandate reference)."""
    customer = client.v1.customers.create(
        params={"email": application.email, "name": application.full_name, "metadata": metadata},
        options={"idempotency_key": f"{attempt}-customer"},
    )
    intent = client.v1.setup_intents.create(
        params={
            "customer": customer["id"],
            "payment_method_types": ["sepa_debit"],
            "usage": "off_session",
            "metadata": metadata,
        },
        options={"idempotency_key": f"{attempt}-setup"},
    )
    intent = client.v1.setup_intents.confirm(
        intent["id"],
        params={
            "payment_method_data": {
                "type": "sepa_debit",
                "sepa_debit": {"iban": iban},
                "billing_details": {"name": application.full_name, "email": application.email},
            },
            "mandate_data": {
                "customer_acceptance": {
                    "type": "online",
                    "accepted_at": int(mandate.accepted_at.timestamp()),
                    "online": {"ip_address": mandate.ip_address, "user_agent": mandate.user_agent[:500]},
                }
            },
        },
        options={"idempotency_key": f"{attempt}-setup-confirm"},
    )
    intent = stripe_api.as_dict(intent)
    if intent["status"] not in ("succeeded", "processing") or not intent.get("mandate"):
        raise SubscriptionFailed(_("The bank account could not be set up for direct debit: check the IBAN."))
    mandate_object = stripe_api.as_dict(client.v1.mandates.retrieve(intent["mandate"]))
    reference = ((mandate_object.get("payment_method_details") or {}).get("sepa_debit") or {}).get("reference", "")
    client.v1.customers.update(
        customer["id"],
        params={"invoice_settings": {"default_payment_method": intent["payment_method"]}},
        options={"idempotency_key": f"{attempt}-default-method"},
    )
    return customer, mandate_object["id"], reference


def subscription_start(
    application: Application,
    *,
    method: str,
    card_token: str = "",
    iban: str = "",
    mandate: MandateAcceptance | None = None,
) -> Subscription | None:
    """Create the trainee's Stripe customer and monthly subscription; the first month is charged now.

    `card_token`: Stripe.js's token of the card (the card number never reaches us); `iban` and `mandate`
    (the trainee's online acceptance): for SEPA Direct Debit, set up under that mandate before the first
    debit. On refusal nothing is kept in Stripe and `SubscriptionFailed` says why. None: the loan already
    has a running subscription. The caller records the new one with `rental.services.payment_method_set`.
    """
    _outside_transaction()
    if application.status not in (Application.Status.SIGNED, Application.Status.ACTIVE):
        raise SubscriptionFailed(_("The agreement must be signed before payment is set up."))
    if application.has_running_subscription:
        return None
    if selectors.counter_payments(application).exists():
        raise SubscriptionFailed(
            _(
                "You have already paid at the counter for this loan: you go on paying there (a card or direct-debit "
                "subscription cannot be added to counter payments)."
            )
        )
    client = stripe_api.client()
    secret = card_token or iban.replace(" ", "").upper()
    attempt = f"reemploi-rental-{application.pk}-{hashlib.sha256(secret.encode()).hexdigest()[:16]}"
    metadata = {"rental_application": str(application.pk), "reference": application.reference}
    try:
        plan_id = plan_ensure(application.monthly_amount)
        if method == Application.PaymentMethod.CARD:
            if not card_token:
                raise SubscriptionFailed(_("The card could not be read: please enter it again."))
            customer = client.v1.customers.create(
                params={
                    "email": application.email,
                    "name": application.full_name,
                    "source": card_token,
                    "metadata": metadata,
                },
                options={"idempotency_key": f"{attempt}-customer"},
            )
        elif method == Application.PaymentMethod.SEPA:
            if mandate is None:
                raise SubscriptionFailed(_("Accept the direct-debit mandate to pay by direct debit."))
            customer, mandate_id, mandate_reference = _sepa_customer(
                client,
                application,
                iban=iban.replace(" ", "").upper(),
                mandate=mandate,
                metadata=metadata,
                attempt=attempt,
            )
        else:
            raise SubscriptionFailed(_("Choose card or direct debit."))
        subscription = client.v1.subscriptions.create(
            params={"customer": customer["id"], "items": [{"plan": plan_id}], "metadata": metadata},
            options={"idempotency_key": f"{attempt}-subscription"},
        )
    except stripe.CardError as exc:
        logger.info("Rental %s: card refused (%s)", application.reference, exc.code)
        raise SubscriptionFailed(_("Your bank refused the card. Nothing has been charged; try another card.")) from exc
    except stripe.InvalidRequestError as exc:
        logger.info("Rental %s: Stripe refused the request (%s)", application.reference, exc)
        raise SubscriptionFailed(_("These payment details were refused: check them and try again.")) from exc
    except stripe.StripeError as exc:
        logger.warning("Rental %s: Stripe unavailable (%s)", application.reference, exc)
        raise SubscriptionFailed(
            _("Payment is unavailable for the moment: try again later or pay at the counter.")
        ) from exc
    if subscription["status"] in UNPAID_STATUSES:
        _cancel_quietly(client, subscription["id"])
        raise SubscriptionFailed(
            _("The first payment was refused. Nothing has been kept; try another card or account.")
        )
    if method == Application.PaymentMethod.SEPA:
        return Subscription(
            customer_id=customer["id"],
            subscription_id=subscription["id"],
            mandate_id=mandate_id,
            mandate_reference=mandate_reference,
            mandate_accepted_at=mandate.accepted_at,
        )
    return Subscription(customer_id=customer["id"], subscription_id=subscription["id"])


def subscription_discard(subscription_id: str) -> None:
    """Cancel a subscription just created that the loan could not record (its rules refused it)."""
    _outside_transaction()
    _cancel_quietly(stripe_api.client(), subscription_id)


def _cancel_quietly(client, subscription_id: str) -> None:
    try:
        client.v1.subscriptions.cancel(subscription_id)
    except stripe.StripeError:
        logger.warning("Could not cancel the unpaid subscription %s", subscription_id)


def subscription_cancel(application: Application) -> bool:
    """Stop the monthly charges (idempotent). False when Stripe could not be reached: the daily job retries."""
    _outside_transaction()
    if not application.stripe_subscription_id or application.subscription_cancelled_at is not None:
        return True
    client = stripe_api.client()
    try:
        subscription = client.v1.subscriptions.retrieve(application.stripe_subscription_id)
        if subscription["status"] != "canceled":
            client.v1.subscriptions.cancel(application.stripe_subscription_id)
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "http_status", None) != 404:
            logger.warning("Rental %s: subscription not cancelled (%s)", application.reference, exc)
            return False
    except stripe.StripeError as exc:
        logger.warning("Rental %s: subscription not cancelled yet (%s)", application.reference, exc)
        return False
    Application.objects.filter(pk=application.pk, subscription_cancelled_at__isnull=True).update(
        subscription_cancelled_at=timezone.now()
    )
    return True


def subscriptions_cancel_pending() -> int:
    """Closed or cancelled loans whose subscription is still running (Stripe was down at the return)."""
    if not stripe_api.enabled():
        return 0
    return sum(1 for application in selectors.subscriptions_to_cancel() if subscription_cancel(application))


def subscription_cancel_after_commit(application: Application) -> None:
    """Stop the loan's subscription, if it has a running one, once the current transaction commits."""
    if application.stripe_subscription_id and application.subscription_cancelled_at is None:
        pk = application.pk
        transaction.on_commit(lambda: enqueue(cancel_subscription, application_id=pk))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def cancel_subscription(*, application_id: int):
    """Stop a loan's Stripe subscription (after the return or a cancellation); retried while Stripe fails."""
    subscription_cancel(Application.objects.get(pk=application_id))
