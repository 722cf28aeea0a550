"""The local Stripe test server: localstripe, bound to 127.0.0.1, for the tests and for `make run`.

Never used in production (no setting points at it there). localstripe speaks most of the Stripe API the
platform calls; it lacks the SEPA Direct Debit mandate, which Stripe requires before a first off-session
debit: a SetupIntent for `sepa_debit` is confirmed with `mandate_data` (the debtor's online acceptance: IP
address and user agent), and the confirmed SetupIntent names a Mandate whose SEPA reference the debtor is
told. This module adds that to localstripe as Stripe documents it:

- confirming a `sepa_debit` SetupIntent without `mandate_data` is refused (400, like Stripe);
- with it, an active multi-use Mandate is created (`GET /v1/mandates/{id}`) and named by the SetupIntent;
- a SetupIntent confirmed for a customer attaches its payment method to that customer;
- PaymentIntents are listed by customer (`GET /v1/payment_intents?customer=cus_…`), as Stripe lists them.

Run: `python -m payments.localstripe_server --port 8420 [--webhook-url URL --webhook-secret whsec_…]`
(an empty store; nothing kept on disk).
"""

import argparse

from localstripe import resources
from localstripe.errors import UserError
from localstripe.resources import PaymentIntent, PaymentMethod, SetupIntent, StripeObject, random_id


class Mandate(StripeObject):
    object = "mandate"
    _id_prefix = "mandate_"

    def __init__(self, payment_method: str, customer_acceptance: dict):
        super().__init__()
        self.payment_method = payment_method
        self.customer_acceptance = customer_acceptance
        self.status = "active"
        self.type = "multi_use"
        self.payment_method_details = {
            "type": "sepa_debit",
            "sepa_debit": {"reference": random_id(16).upper(), "url": ""},
        }


def _valid_acceptance(mandate_data) -> dict:
    """Stripe's `mandate_data[customer_acceptance]` for an online acceptance, or a 400."""
    acceptance = (mandate_data or {}).get("customer_acceptance") if isinstance(mandate_data, dict) else None
    online = (acceptance or {}).get("online") or {}
    if not (
        isinstance(acceptance, dict)
        and acceptance.get("type") == "online"
        and online.get("ip_address")
        and online.get("user_agent")
    ):
        raise UserError(400, "mandate_data[customer_acceptance] with the online IP address and user agent is required")
    return {
        "type": "online",
        "accepted_at": int(acceptance.get("accepted_at") or 0) or None,
        "online": {"ip_address": online["ip_address"], "user_agent": online["user_agent"]},
    }


_confirm = SetupIntent._api_confirm


def _confirm_with_mandate(cls, id, mandate_data=None, **kwargs):
    intent = cls._api_retrieve(id) if isinstance(id, str) else None
    sepa = intent is not None and "sepa_debit" in intent.payment_method_types
    acceptance = _valid_acceptance(mandate_data) if sepa else None
    if not sepa and mandate_data is not None:
        raise UserError(400, "mandate_data is only for payment methods that need a mandate")
    obj = _confirm(id=id, **kwargs)
    obj.mandate = None
    if obj.status == "succeeded":
        if obj.customer:
            PaymentMethod._api_attach(obj.payment_method, customer=obj.customer)
        if sepa:
            obj.mandate = Mandate(payment_method=obj.payment_method, customer_acceptance=acceptance).id
    return obj


SetupIntent._api_confirm = classmethod(_confirm_with_mandate)

_list_intents = PaymentIntent._api_list_all


def _list_intents_of(cls, url, customer=None, **kwargs):
    listing = _list_intents(url, **kwargs)
    if customer is not None:
        listing._list = [intent for intent in listing._list if intent.customer == customer]
    return listing


PaymentIntent._api_list_all = classmethod(_list_intents_of)
# localstripe reads its extra routes from this list when its server module is imported, below.
resources.extra_apis[:] = [
    (method, url, SetupIntent._api_confirm if url == "/v1/setup_intents/{id}/confirm" else func)
    for method, url, func in resources.extra_apis
]


def app():
    """localstripe's aiohttp application, with the Mandate resource."""
    from localstripe import server

    if not any(getattr(route.resource, "canonical", "") == "/v1/mandates/{id}" for route in server.app.router.routes()):
        server.app.router.add_route("GET", "/v1/mandates/{id}", server.api_retrieve(Mandate, "/v1/mandates/{id}"))
    return server.app


def main(argv=None) -> None:
    from aiohttp import web

    parser = argparse.ArgumentParser(description="Local Stripe test server (localstripe) on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", default="", help="where to send Stripe's events (signed)")
    parser.add_argument("--webhook-secret", default="", help="the signing secret of those events")
    args = parser.parse_args(argv)
    resources.store.clear()
    if args.webhook_url and args.webhook_secret:
        from localstripe.webhooks import register_webhook

        register_webhook("reemploi", args.webhook_url, args.webhook_secret, None)
    # localstripe pickles its whole store to /tmp after every write: a test server keeps nothing.
    type(resources.store).dump_to_disk = lambda self: None
    web.run_app(app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
