"""Stripe webhooks for card orders: signed events from localstripe's real objects, in any order, any number of times."""

import pytest
from django.core import mail
from django.test import Client
from oscar.core.loading import get_model

from payments import stripe_api
from payments.models import StripeEvent
from shop.models import Checkout, OrderStatus
from tests.concurrency import at_once
from tests.helpers import wait_until
from tests.shop.helpers import add_to_basket, checkout_form, pay
from tests.stripe_server import THREE_D_SECURE, event_payload, post_webhook

Order = get_model("order", "Order")


def authorised_without_return(client, stocked_product):
    """The buyer passed 3-D Secure in Stripe's window, then closed the tab: only Stripe knows."""
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client, THREE_D_SECURE)
    checkout = Checkout.objects.get()
    stripe = stripe_api.client()
    secret = stripe.v1.payment_intents.retrieve(checkout.payment_intent_id)["client_secret"]
    stripe.raw_request(
        "post", f"/v1/payment_intents/{checkout.payment_intent_id}/_authenticate", client_secret=secret, success="true"
    )
    intent = stripe.v1.payment_intents.retrieve(checkout.payment_intent_id)
    assert intent["status"] == "requires_capture"
    return checkout, intent.to_dict()


def paid_emails():
    return [message for message in mail.outbox if message.subject.startswith("Paiement confirmé")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_webhook_without_any_return_page_visit_gives_a_paid_order(client, stripe_live, stocked_product):
    checkout, intent = authorised_without_return(client, stocked_product)
    assert not Order.objects.exists()

    response = post_webhook(Client(), event_payload("payment_intent.amount_capturable_updated", intent))

    assert response.status_code == 200
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.PAID
    assert checkout.order.status == OrderStatus.PAID
    assert stripe_api.client().v1.payment_intents.retrieve(intent["id"])["status"] == "succeeded"
    assert len(paid_emails()) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_succeeded_first_then_the_other_events_give_one_paid_order(client, stripe_live, stocked_product):
    checkout, intent = authorised_without_return(client, stocked_product)

    post_webhook(Client(), event_payload("payment_intent.succeeded", {**intent, "status": "succeeded"}))
    post_webhook(Client(), event_payload("payment_intent.amount_capturable_updated", intent))
    # And the browser comes back late: the same fulfilment, nothing new.
    response = client.post("/boutique/checkout/confirmation/", {"payment_intent": intent["id"]})

    assert response.status_code == 302
    assert Order.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.PAID
    assert len(paid_emails()) == 1
    assert StripeEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_same_event_twice_in_sequence_has_one_effect(client, stripe_live, stocked_product):
    checkout, intent = authorised_without_return(client, stocked_product)
    payload = event_payload("payment_intent.amount_capturable_updated", intent, event_id="evt_twice")

    assert post_webhook(Client(), payload).status_code == 200
    assert post_webhook(Client(), payload).status_code == 200

    assert Order.objects.count() == 1 and len(paid_emails()) == 1
    assert StripeEvent.objects.filter(event_id="evt_twice").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_bad_signature_changes_nothing(client, stripe_live, stocked_product):
    checkout, intent = authorised_without_return(client, stocked_product)
    payload = event_payload("payment_intent.amount_capturable_updated", intent)

    response = post_webhook(Client(), payload, secret="whsec_not_ours")

    assert response.status_code == 400
    assert not Order.objects.exists() and not StripeEvent.objects.exists()
    assert stripe_api.client().v1.payment_intents.retrieve(intent["id"])["status"] == "requires_capture"


@pytest.mark.django_db(transaction=True)
def test_same_event_concurrently_has_one_effect(base_data, stripe_live, stocked_product):
    client = Client()
    checkout, intent = authorised_without_return(client, stocked_product)
    payload = event_payload("payment_intent.amount_capturable_updated", intent, event_id="evt_concurrent_pay")
    responses = at_once(lambda: post_webhook(Client(), payload), lambda: post_webhook(Client(), payload))

    assert [response.status_code for response in responses] == [200, 200]
    assert Order.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.PAID
    assert len(paid_emails()) == 1
    assert StripeEvent.objects.filter(event_id="evt_concurrent_pay").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_localstripe_delivers_its_own_signed_event(client, stripe_live, stocked_product, live_server):
    """End to end: localstripe signs and posts `payment_intent.succeeded` to our webhook by itself."""
    stripe_live.register_webhook(f"{live_server.url}/webhooks/stripe/")
    add_to_basket(client, stocked_product(units=1))
    client.post("/boutique/checkout/", checkout_form())
    pay(client)
    wait_until(
        StripeEvent.objects.filter(type="payment_intent.succeeded").exists,
        what="localstripe's payment_intent.succeeded event",
        interval=0.2,
    )
    assert Order.objects.get().status == OrderStatus.PAID
    assert len(paid_emails()) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("base_data")
def test_reconciliation_settles_a_payment_left_in_doubt(client, stripe_live, stocked_product):
    """No return page, no webhook (lost): the periodic reconciliation places, captures and marks paid."""
    import datetime
    import io

    from django.core.management import call_command
    from django.utils import timezone

    checkout, intent = authorised_without_return(client, stocked_product)
    Checkout.objects.filter(pk=checkout.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    out = io.StringIO()

    call_command("shop_reconcile_payments", stdout=out)
    call_command("shop_reconcile_payments", stdout=out)  # a second run finds nothing to do

    assert "paid: 1" in out.getvalue().splitlines()[0]
    assert "paid: 0" in out.getvalue().splitlines()[1]
    assert Order.objects.get().status == OrderStatus.PAID
    assert stripe_api.client().v1.payment_intents.retrieve(intent["id"])["status"] == "succeeded"
    assert len(paid_emails()) == 1
