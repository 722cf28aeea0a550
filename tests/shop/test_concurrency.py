"""The last unit cannot be sold twice: concurrent checkouts with real threads and real transactions.

On PostgreSQL (CI's second run) the stock rows are locked with SELECT … FOR UPDATE; on SQLite the
IMMEDIATE transactions serialise the writers. Either way one buyer gets the unit, the other a clear
message and no charge (its authorisation is cancelled).
"""

import pytest
from django.test import Client
from oscar.core.loading import get_model

from payments import stripe_api
from shop.models import Checkout, OrderStatus
from tests.concurrency import at_once
from tests.shop.helpers import add_to_basket, checkout_form
from tests.stripe_server import card_token

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def _race(buyers):
    """Each buyer has filled the checkout form; all submit their card at the same moment."""
    tokens = [card_token() for _ in buyers]
    for buyer in buyers:
        assert buyer.get("/boutique/checkout/paiement/").status_code == 200
    return at_once(
        *[
            lambda buyer=buyer, token=token: buyer.post("/boutique/checkout/paiement/", {"token": token})
            for buyer, token in zip(buyers, tokens, strict=True)
        ]
    )


def _assert_one_winner(responses):
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    winners = [r for r in responses if r["Location"].startswith("/boutique/commandes/")]
    losers = [r for r in responses if r["Location"] == "/boutique/basket/"]
    assert len(winners) == 1 and len(losers) == len(responses) - 1
    intents = {
        intent["id"]: intent["status"] for intent in stripe_api.client().v1.payment_intents.list(params={"limit": 100})
    }
    assert intents[order.checkout.payment_intent_id] == "succeeded"
    others = [status for pk, status in intents.items() if pk != order.checkout.payment_intent_id]
    assert others and all(status == "canceled" for status in others)  # the loser is never charged
    assert Checkout.objects.filter(state=Checkout.State.CANCELLED).count() == len(losers)
    return order


@pytest.mark.django_db(transaction=True)
def test_two_buyers_one_unit(base_data, stripe_live, stocked_product):
    product = stocked_product(units=1)
    buyers = [Client(), Client()]
    for index, buyer in enumerate(buyers):
        add_to_basket(buyer, product)
        buyer.post("/boutique/checkout/", checkout_form(email=f"acheteur{index}@example.org"))

    responses = _race(buyers)

    _assert_one_winner(responses)
    stock = StockRecord.objects.get(product=product)
    assert (stock.num_in_stock, stock.num_allocated) == (1, 1)
    for response in responses:
        if response["Location"] == "/boutique/basket/":
            messages = [str(message) for message in response.wsgi_request._messages]
            assert any("vendu" in message for message in messages)


@pytest.mark.django_db(transaction=True)
def test_two_buyers_two_products_in_opposite_orders(base_data, stripe_live, stocked_product):
    """Baskets holding several products: one buyer gets both, the other neither (and no deadlock)."""
    first, second = stocked_product(units=1), stocked_product(units=1)
    buyers = [Client(), Client()]
    for index, (buyer, products) in enumerate(zip(buyers, [(first, second), (second, first)], strict=True)):
        for product in products:
            add_to_basket(buyer, product)
        buyer.post("/boutique/checkout/", checkout_form(email=f"acheteur{index}@example.org"))

    responses = _race(buyers)

    order = _assert_one_winner(responses)
    assert order.lines.count() == 2
    assert sorted(StockRecord.objects.values_list("num_allocated", flat=True)) == [1, 1]
