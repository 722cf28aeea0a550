"""The one way the platform talks to Stripe: the official library, configured from settings.

`STRIPE_API_BASE` points the client at another server (the tests' localstripe on loopback). Without keys
card payment is switched off and the other payment options still work.
"""

import stripe
from django.conf import settings

# Stripe amounts are in cents.
CENTS = 100


def enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def test_mode() -> bool:
    """Test keys (Stripe's test mode, or the local test server of `make run`): no real money moves, and the
    payment pages say so with the test cards to use. Never with live keys."""
    return enabled() and settings.STRIPE_SECRET_KEY.startswith("sk_test_")


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def cents(amount) -> int:
    """Euros (Decimal) to Stripe's integer cents."""
    return int((amount * CENTS).to_integral_value())


def as_dict(obj) -> dict:
    """stripe 16 objects are not dicts; handlers get plain data."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
