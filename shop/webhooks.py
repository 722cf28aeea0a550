"""Stripe events the shop listens to. The payment's state is always read back from Stripe, never from the
event body, so events may arrive in any order, late or twice."""

from payments.webhooks import on
from shop.services.payments import card_fulfil


@on(
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    outside_transaction=True,
)
def payment_intent_changed(event):
    intent = event["data"]["object"]
    if intent.get("metadata", {}).get("checkout"):
        card_fulfil(payment_intent_id=intent["id"])


@on("payment_intent.canceled", "payment_intent.payment_failed", outside_transaction=True)
def payment_intent_failed(event):
    """Nothing to undo: no order exists before an authorisation; recorded for the audit trail."""
