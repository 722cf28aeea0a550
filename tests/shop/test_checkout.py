"""Checkout and card payment against a real localstripe server, through the official stripe library."""

from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from payments import stripe_api
from shop.models import Checkout, Invoice, OrderStatus
from tests.shop.helpers import add_to_basket, checkout_form, pay
from tests.stripe_server import DECLINED_ON_ATTACH, DECLINED_ON_CHARGE, THREE_D_SECURE

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def intent_of(checkout):
    return stripe_api.client().v1.payment_intents.retrieve(checkout.payment_intent_id)


# Transactional: e-mails leave after the commit of the transaction that caused them, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]


def test_checkout_page_offers_pickup_where_the_stock_is_and_delivery(client, stripe_live, stocked_product, workshop):
    product = stocked_product(units=1)
    add_to_basket(client, product)
    response = client.get("/boutique/checkout/")
    content = response.content.decode()
    assert response.status_code == 200
    assert workshop.name in content
    assert 'value="delivery"' in content and 'value="pickup"' in content
    assert 'value="card"' in content


def test_without_stripe_keys_card_payment_is_hidden(client, settings, stocked_product):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    add_to_basket(client, stocked_product(units=1))
    content = client.get("/boutique/checkout/").content.decode()
    assert 'value="card"' not in content and "mode test" not in content
    assert 'value="at_pickup"' in content  # the buyer can still reserve and pay at pickup
    response = client.post("/boutique/checkout/", checkout_form(method="card"))
    assert response.status_code == 200 and "method" in response.context["form"].errors
    assert not Order.objects.exists()


def test_the_payment_page_says_test_mode_with_test_keys_only(client, stripe_live, stocked_product, settings):
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    page = client.get("/boutique/checkout/paiement/").content.decode()
    assert "Mode test" in page and "4242 4242 4242 4242" in page
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_live_reemploi", "pk_live_reemploi"
    page = client.get("/boutique/checkout/paiement/").content.decode()
    assert "Mode test" not in page and "4242" not in page


def test_a_fresh_visitor_opening_the_payment_page_is_sent_to_the_basket(client, stripe_live):
    response = client.get("/boutique/checkout/paiement/")
    assert response.status_code == 302 and response["Location"] == "/boutique/basket/"
    page = client.get(response["Location"]).content.decode()
    assert "Votre panier est vide" in page


def test_bad_postcode_redisplays_the_form_with_input_kept(client, stripe_live, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    response = client.post("/boutique/checkout/", checkout_form(postcode="3500", line1="12 quai Duguay-Trouin"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "12 quai Duguay-Trouin" in content
    assert "code postal" in content.lower()
    assert not Checkout.objects.exists()


def test_delivery_needs_an_address(client, stripe_live, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    response = client.post("/boutique/checkout/", checkout_form(line1="", city=""))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"line1", "city"}


def test_successful_card_payment_places_a_paid_order_with_invoice(client, stripe_live, stocked_product, workshop):
    product = stocked_product(units=2, price=Decimal("249.00"))
    add_to_basket(client, product)
    response = client.post(
        "/boutique/checkout/", checkout_form(fulfilment="pickup", pickup_partner=_partner_pk(workshop))
    )
    assert response["Location"] == "/boutique/checkout/paiement/"

    response = pay(client)

    checkout = Checkout.objects.get()
    order = checkout.order
    assert response["Location"] == f"/boutique/commandes/{order.number}/"
    assert checkout.state == Checkout.State.PAID and order.status == OrderStatus.PAID
    assert order.total_incl_tax == Decimal("249.00")  # pickup is free
    intent = intent_of(checkout)
    assert intent["status"] == "succeeded" and intent["amount"] == 24900 and intent["capture_method"] == "manual"
    stock = StockRecord.objects.get(product=product)
    assert (stock.num_in_stock, stock.num_allocated) == (2, 1)
    invoice = Invoice.objects.get(order=order)
    assert invoice.number.startswith("F-")
    subjects = [message.subject for message in mail.outbox]
    assert any(order.number in subject and "reçue" in subject for subject in subjects)
    paid = [message for message in mail.outbox if "Paiement confirmé" in message.subject]
    assert len(paid) == 1 and paid[0].attachments[0][0] == f"{invoice.file_stem}.pdf"
    assert paid[0].attachments[0][1].startswith(b"%PDF")
    page = client.get(response["Location"])
    assert page.status_code == 200 and invoice.number in page.content.decode()
    download = client.get(f"/boutique/commandes/{order.number}/facture.pdf")
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")


def test_home_delivery_adds_the_flat_rate(client, stripe_live, settings, stocked_product):
    settings.SHOP_DELIVERY_FLAT_RATE = "12.00"
    add_to_basket(client, stocked_product(units=1, price=Decimal("100.00")))
    client.post("/boutique/checkout/", checkout_form())
    pay(client)
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("112.00")
    assert order.shipping_address.postcode == "35000"
    assert intent_of(order.checkout)["amount"] == 11200


@pytest.mark.parametrize("number", [DECLINED_ON_ATTACH, DECLINED_ON_CHARGE])
def test_declined_card_keeps_the_basket_and_places_no_order(client, stripe_live, stocked_product, number):
    product = stocked_product(units=1)
    add_to_basket(client, product)
    client.post("/boutique/checkout/", checkout_form())

    response = pay(client, number)

    assert response.status_code == 200
    assert "refusée" in response.content.decode()
    assert not Order.objects.exists()
    assert client.get("/boutique/basket/").context["basket"].num_items == 1
    stock = StockRecord.objects.get(product=product)
    assert stock.num_allocated in (0, None)
    # A second attempt with a good card goes through, with a new authorisation.
    pay(client)
    assert Order.objects.get().status == OrderStatus.PAID


def test_failure_while_placing_the_order_cancels_the_authorisation(client, stripe_live, stocked_product, ready_device):
    """The stock went to someone else between the card step and the placing: nothing is charged."""
    product = stocked_product(units=1)
    add_to_basket(client, product)
    client.post("/boutique/checkout/", checkout_form())
    StockRecord.objects.filter(product=product).update(num_allocated=1)  # another buyer took the last unit

    response = pay(client)

    assert response["Location"] == "/boutique/basket/"
    assert not Order.objects.exists()
    checkout = Checkout.objects.get()
    assert checkout.state == Checkout.State.CANCELLED
    intents = stripe_api.client().v1.payment_intents.list()
    assert [intent["status"] for intent in intents] == ["canceled"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("vendu" in message for message in messages)


def test_three_d_secure_card_asks_the_browser_then_the_return_page_fulfils(client, stripe_live, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    response = pay(client, THREE_D_SECURE)
    assert response.status_code == 200 and b"data-authenticate-secret" in response.content
    checkout = Checkout.objects.get()
    assert intent_of(checkout)["status"] == "requires_action"
    # What Stripe.js does once the buyer completes 3-D Secure:
    secret = intent_of(checkout)["client_secret"]
    stripe_api.client().raw_request(
        "post", f"/v1/payment_intents/{checkout.payment_intent_id}/_authenticate", client_secret=secret, success="true"
    )
    response = client.post("/boutique/checkout/confirmation/", {"payment_intent": checkout.payment_intent_id})
    assert response.status_code == 302
    assert Order.objects.get().status == OrderStatus.PAID


def test_confirmation_of_someone_elses_payment_is_refused(client, stripe_live, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client, THREE_D_SECURE)
    checkout = Checkout.objects.get()
    from django.test import Client

    assert (
        Client().post("/boutique/checkout/confirmation/", {"payment_intent": checkout.payment_intent_id}).status_code
        == 404
    )


def test_oscar_checkout_steps_lead_to_the_paying_checkout(client, stocked_product):
    add_to_basket(client, stocked_product(units=1))
    for path in (
        "/boutique/checkout/preview/",
        "/boutique/checkout/payment-details/",
        "/boutique/checkout/shipping-address/",
    ):
        response = client.post(path, {"action": "place_order"})
        assert response.status_code == 302 and response["Location"] == "/boutique/checkout/"
    assert not Order.objects.exists()


def test_order_page_is_private(client, stripe_live, stocked_product, django_user_model):
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client)
    order = Order.objects.get()
    from django.test import Client

    stranger = Client()
    assert stranger.get(f"/boutique/commandes/{order.number}/").status_code == 302  # to the login
    user = django_user_model.objects.create_user(email="autre@example.org", password="x-Long-enough-42")
    stranger.force_login(user)
    assert stranger.get(f"/boutique/commandes/{order.number}/").status_code == 404
    assert stranger.get(f"/boutique/commandes/{order.number}/facture.pdf").status_code == 404


def _partner_pk(association):
    from shop.services.listings import workshop_partner

    return workshop_partner(association).pk


def test_a_guest_opens_the_order_from_the_link_in_the_email(client, stripe_live, stocked_product):
    import re

    from django.test import Client

    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client)
    order = Order.objects.get()
    link = re.search(r"http://\S+/boutique/commandes/\S+", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    other_browser = Client()
    assert other_browser.get(f"/{path}").status_code == 200
    assert other_browser.get(f"/boutique/commandes/{order.number}/").status_code == 200  # remembered
    assert Client().get(f"/boutique/commandes/{order.number}/?cle=forged").status_code == 404


def test_anonymous_visitors_learn_nothing_about_order_numbers(client, stripe_live, stocked_product):
    from django.test import Client

    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client)
    order = Order.objects.get()
    stranger = Client()
    existing = stranger.get(f"/boutique/commandes/{order.number}/")
    missing = stranger.get("/boutique/commandes/999999/")
    assert existing.status_code == missing.status_code == 302
    assert stranger.get(f"/boutique/commandes/{order.number}/facture.pdf").status_code == 302
