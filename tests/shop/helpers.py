"""Plain helpers of the shop's tests: fill the basket, the checkout form, pay by card (fixtures: conftest.py)."""

from tests.stripe_server import VISA, card_token


def add_to_basket(client, product, quantity=1):
    response = client.post(f"/boutique/basket/add/{product.pk}/", {"quantity": quantity})
    assert response.status_code == 302, response
    return response


def checkout_form(**overrides):
    data = {
        "email": "acheteuse@example.org",
        "fulfilment": "delivery",
        "first_name": "Anne",
        "last_name": "Le Goff",
        "line1": "3 rue de la Soif",
        "postcode": "35000",
        "city": "Rennes",
        "phone": "0600000000",
        "method": "card",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pay(client, number=VISA):
    """The buyer on the payment page submits a card (a localstripe token of `number`)."""
    assert client.get("/boutique/checkout/paiement/").status_code == 200
    return client.post("/boutique/checkout/paiement/", {"token": card_token(number)})
