"""`/webhooks/stripe/`: signature checked on the raw body, each event processed once.

Apps register handlers with `@on("event.type")` (in their `AppConfig.ready`). The event row and the
handlers' writes share one transaction: a replayed event (in sequence or concurrently) meets the unique
constraint and changes nothing. Handlers must be forward-only (an event arriving late cannot undo a later
state).

A handler that must call Stripe (which never happens inside a transaction) registers with
`@on(..., outside_transaction=True)`: it runs before the event is recorded and must itself be idempotent
(the shop's card fulfilment is). If it fails, the event is not recorded and Stripe delivers it again.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.models import StripeEvent

logger = logging.getLogger(__name__)

# Stripe's own default: a signed payload older than five minutes is refused (replay protection).
SIGNATURE_TOLERANCE_SECONDS = 300

_handlers: dict[str, list[Callable[[dict], None]]] = defaultdict(list)
_outside_handlers: dict[str, list[Callable[[dict], None]]] = defaultdict(list)


def on(*event_types: str, outside_transaction: bool = False):
    registry = _outside_handlers if outside_transaction else _handlers

    def register(handler):
        for event_type in event_types:
            if handler not in registry[event_type]:
                registry[event_type].append(handler)
        return handler

    return register


def process_event(event: dict) -> bool:
    """Apply a verified event once; False when it had already been processed."""
    data_object = event.get("data", {}).get("object", {}) or {}
    if StripeEvent.objects.filter(event_id=event["id"]).exists():
        return False
    for handler in _outside_handlers.get(event["type"], []):
        handler(event)
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], object_id=str(data_object.get("id", ""))[:255]
            )
            for handler in _handlers.get(event["type"], []):
                handler(event)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            return False
        raise
    return True


def _signed_ahead(header: str) -> bool:
    """Whether the signature's timestamp (`t=`) is further ahead of this clock than the tolerance. Stripe's
    library only refuses timestamps too old; one far in the future would keep a replay window open."""
    stamps = [part.split("=", 1)[1] for part in header.split(",") if part.strip().startswith("t=")]
    try:
        return int(stamps[0]) > time.time() + SIGNATURE_TOLERANCE_SECONDS
    except (IndexError, ValueError):
        return True


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponse(status=404)
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            secret,
            tolerance=SIGNATURE_TOLERANCE_SECONDS,
        )
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("Stripe webhook refused: bad payload or signature")
        return HttpResponseBadRequest("invalid signature")
    if _signed_ahead(request.headers.get("Stripe-Signature", "")):
        logger.warning("Stripe webhook refused: signed with a timestamp ahead of the clock")
        return HttpResponseBadRequest("invalid signature")
    process_event(event.to_dict())
    return HttpResponse(status=200)
