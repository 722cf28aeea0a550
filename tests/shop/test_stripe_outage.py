"""Stripe out of reach during a card checkout, call by call: the buyer gets a clear French page (never a
500), the basket is kept, no order is placed, and any authorisation Stripe made is released — at once when
Stripe answers again, or by the reconciliation. The faults are real connection cuts on loopback
(`tests/stripe_faults.py`), in front of a real localstripe."""

import pytest
from oscar.core.loading import get_model

from payments import stripe_api
from shop.models import Checkout, OrderStatus
from shop.services.payments import payments_reconcile
from tests.shop.helpers import add_to_basket, checkout_form
from tests.stripe_server import THREE_D_SECURE, card_token

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]

UNAVAILABLE = "Le paiement par carte ne peut pas joindre la banque pour le moment"


def _intents(status=None):
    # Read straight from localstripe, past the proxy.
    intents = stripe_api.stripe.StripeClient(
        "sk_test_reemploi", base_addresses={"api": _intents.base}
    ).v1.payment_intents.list(params={"limit": 100})["data"]
    return [i for i in intents if status is None or i["status"] == status]


@pytest.fixture
def buyer(client, stripe_faults, stocked_product):
    _intents.base = stripe_faults.upstream.geturl()
    product = stocked_product(units=1)
    add_to_basket(client, product)
    assert client.post("/boutique/checkout/", checkout_form()).status_code == 302
    assert client.get("/boutique/checkout/paiement/").status_code == 200
    client.product = product
    return client


def _pay(buyer, token):
    return buyer.post("/boutique/checkout/paiement/", {"token": token})


def _basket_kept(buyer):
    page = buyer.get("/boutique/basket/").content.decode()
    return buyer.product.get_title() in page


@pytest.mark.parametrize(
    "method, path",
    [("POST", "/v1/customers"), ("POST", "/v1/payment_intents"), ("GET", "/v1/payment_intents")],
    ids=["customer", "payment-intent", "listing-previous-attempts"],
)
def test_stripe_unreachable_while_authorising_says_so_and_keeps_everything(buyer, stripe_faults, method, path):
    token = card_token()
    if path == "/v1/payment_intents" and method == "GET":
        # A second attempt: the first one's customer is looked up, Stripe does not answer.
        Checkout.objects.update(stripe_customer_id="cus_premiere_tentative")
    stripe_faults.cut(method, path)
    response = _pay(buyer, token)
    assert response.status_code == 200
    content = response.content.decode()
    assert UNAVAILABLE in content and "paiement au retrait" in content
    assert stripe_faults.cut_requests, "the cut was never reached"
    assert not Order.objects.exists() and Checkout.objects.get().state == Checkout.State.STARTED
    assert _intents("requires_capture") == []
    stripe_faults.heal()
    assert _basket_kept(buyer)
    # Once Stripe answers again the buyer pays as usual.
    response = _pay(buyer, card_token())
    assert response.status_code == 302 and Order.objects.get().status == OrderStatus.PAID


def test_an_authorisation_whose_answer_was_lost_is_released_on_the_next_attempt(buyer, stripe_faults):
    stripe_faults.cut("POST", "/v1/payment_intents", after_forwarding=True)
    response = _pay(buyer, card_token())
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    # Stripe authorised and we never heard (localstripe ignores idempotency keys: one per retry of the library).
    held = [intent["id"] for intent in _intents("requires_capture")]
    assert held and not Order.objects.exists()
    stripe_faults.heal()
    response = _pay(buyer, card_token())
    assert response.status_code == 302 and Order.objects.get().status == OrderStatus.PAID
    statuses = {i["id"]: i["status"] for i in _intents()}
    assert all(statuses[pk] == "canceled" for pk in held)  # the buyer is never held twice
    assert list(statuses.values()).count("succeeded") == 1


def test_an_authorisation_whose_answer_was_lost_is_released_by_the_reconciliation(buyer, stripe_faults):
    stripe_faults.cut("POST", "/v1/payment_intents", after_forwarding=True)
    _pay(buyer, card_token())
    held = [intent["id"] for intent in _intents("requires_capture")]
    assert held
    stripe_faults.heal()
    assert payments_reconcile(older_than_minutes=0)["released"] == len(held)
    assert _intents("requires_capture") == [] and not Order.objects.exists()
    assert payments_reconcile(older_than_minutes=0)["released"] == 0


def test_stripe_unreachable_when_confirming_after_3d_secure(buyer, stripe_faults):
    """The bank asked for 3-D Secure; the buyer authenticates; the return finds Stripe unreachable: a clear
    message, no order yet. When Stripe answers, the reconciliation places the order and captures."""
    response = _pay(buyer, card_token(THREE_D_SECURE))
    assert response.status_code == 200 and "data-authenticate-secret" in response.content.decode()
    record = Checkout.objects.get()
    # What Stripe.js does once the buyer completes 3-D Secure:
    secret = stripe_api.client().v1.payment_intents.retrieve(record.payment_intent_id)["client_secret"]
    stripe_api.client().raw_request(
        "post", f"/v1/payment_intents/{record.payment_intent_id}/_authenticate", client_secret=secret, success="true"
    )
    stripe_faults.cut("GET", "/v1/payment_intents")
    response = buyer.post("/boutique/checkout/confirmation/", {"payment_intent": record.payment_intent_id})
    assert response.status_code == 302 and response.url == "/boutique/basket/"
    page = buyer.get(response.url).content.decode()
    assert "pas pu confirmer votre paiement" in page
    assert not Order.objects.exists()
    stripe_faults.heal()
    assert payments_reconcile(older_than_minutes=0)["paid"] == 1
    assert Order.objects.get().status == OrderStatus.PAID


def test_stripe_unreachable_at_capture_keeps_the_order_for_the_reconciliation(buyer, stripe_faults):
    """Authorised and placed (the stock is the buyer's), the capture gets no answer: the order waits for
    the payment, the page says the confirmation follows; the reconciliation captures it later."""
    stripe_faults.cut("POST", "/v1/payment_intents/pi_")  # calls on the intent (capture), not its creation
    response = _pay(buyer, card_token())
    assert response.status_code == 302 and response.url.startswith("/boutique/commandes/")
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    stripe_faults.heal()
    assert payments_reconcile(older_than_minutes=0)["paid"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
