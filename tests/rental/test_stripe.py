"""Monthly payment by Stripe subscription, against a real localstripe on loopback: created at signing, invoice
webhooks recorded once each (even replayed), failures notified, charges stopped at the return.

Transactional: Stripe is never called inside a transaction, and e-mails leave after the commit, as in production.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from payments import stripe_api
from payments.models import StripeEvent
from rental import selectors, services, stripe_billing
from rental.models import Application, Payment, StripePlan
from tests.rental.conftest import S, ensure_rental_group
from tests.stripe_server import DECLINED_ON_CHARGE, card_token, event_payload, post_webhook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]


@pytest.fixture(autouse=True)
def _rental_group(base_data):
    ensure_rental_group()


def sign(client, application, headers=None, **payment):
    client.force_login(application.applicant)
    data = {"typed_name": application.full_name, "accepted": "on", **payment}
    return client.post(f"/location/mes-demandes/{application.pk}/signer/", data, **(headers or {}))


def invoices_of(subscription_id):
    return stripe_api.client().v1.invoices.list(params={"subscription": subscription_id})["data"]


def test_signing_with_a_card_starts_a_monthly_subscription_on_one_plan(client, stripe_live, application_in, settings):
    settings.RENTAL_MONTHLY_AMOUNT = "5"
    first = application_in(S.APPROVED)
    response = sign(client, first, method="card", card_token=card_token())
    assert response.status_code == 302 and response.url == f"/location/mes-demandes/{first.pk}/"
    first.refresh_from_db()
    assert first.status == S.SIGNED and first.payment_method == Application.PaymentMethod.CARD
    subscription = stripe_api.client().v1.subscriptions.retrieve(first.stripe_subscription_id)
    assert subscription["status"] == "active"
    plan = subscription["items"]["data"][0]["plan"]
    assert (plan["amount"], plan["currency"], plan["interval"]) == (500, "eur", "month")
    assert subscription["metadata"]["rental_application"] == str(first.pk)
    assert [invoice["status"] for invoice in invoices_of(first.stripe_subscription_id)] == ["paid"]

    second = application_in(S.APPROVED, email="deuxieme@exemple.bzh")
    sign(Client(), second, method="card", card_token=card_token())
    second.refresh_from_db()
    assert StripePlan.objects.count() == 1  # the Product and Plan are created once and kept
    assert (
        stripe_api.client().v1.subscriptions.retrieve(second.stripe_subscription_id)["items"]["data"][0]["plan"]["id"]
        == StripePlan.objects.get().plan_id
    )


IBAN = "FR14 2004 1010 0505 0001 3M02 606"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"


def test_sepa_direct_debit_collects_the_mandate_before_the_first_debit(client, stripe_live, application_in):
    """The trainee accepts the mandate online: Stripe gets the acceptance (IP address, browser) on a
    SetupIntent before the subscription's first debit; the reference is shown on the application's page."""
    application = application_in(S.APPROVED)
    response = sign(
        client,
        application,
        method="sepa_debit",
        iban=IBAN,
        mandate_accepted="on",
        headers={"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": BROWSER},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.payment_method == Application.PaymentMethod.SEPA and application.stripe_subscription_id
    assert application.sepa_mandate_id.startswith("mandate_") and application.sepa_mandate_accepted_at
    stripe = stripe_api.client()
    mandate = stripe.v1.mandates.retrieve(application.sepa_mandate_id).to_dict()
    assert mandate["status"] == "active" and mandate["type"] == "multi_use"
    assert mandate["customer_acceptance"]["online"] == {"ip_address": "203.0.113.9", "user_agent": BROWSER}
    assert mandate["payment_method_details"]["sepa_debit"]["reference"] == application.sepa_mandate_reference
    customer = stripe.v1.customers.retrieve(application.stripe_customer_id)
    assert customer["invoice_settings"]["default_payment_method"] == mandate["payment_method"]
    assert [invoice["status"] for invoice in invoices_of(application.stripe_subscription_id)] == ["paid"]
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert f"Référence {application.sepa_mandate_reference}, accepté en ligne le" in page


def test_direct_debit_without_accepting_the_mandate_is_refused_and_nothing_reaches_stripe(
    client, stripe_live, application_in
):
    application = application_in(S.APPROVED)
    response = sign(client, application, method="sepa_debit", iban=IBAN)
    assert response.status_code == 400
    content = response.content.decode()
    assert "acceptez le mandat" in content and IBAN in content  # the form keeps what was typed
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.sepa_mandate_id == ""
    assert stripe_api.client().v1.customers.list()["data"] == []


def test_stripe_refuses_a_sepa_setup_without_the_online_acceptance(stripe_live):
    """The local Stripe server holds the rule the platform relies on: no mandate data, no direct debit."""
    stripe = stripe_api.client()
    customer = stripe.v1.customers.create(params={"email": "x@exemple.bzh"})
    intent = stripe.v1.setup_intents.create(params={"customer": customer["id"], "payment_method_types": ["sepa_debit"]})
    with pytest.raises(stripe_api.stripe.InvalidRequestError):
        stripe.v1.setup_intents.confirm(
            intent["id"], params={"payment_method_data": {"type": "sepa_debit", "sepa_debit": {"iban": IBAN}}}
        )


def test_a_refused_card_keeps_the_signature_and_offers_another_way(client, stripe_live, application_in):
    application = application_in(S.APPROVED)
    response = sign(client, application, method="card", card_token=card_token(DECLINED_ON_CHARGE))
    assert response.status_code == 302 and response.url == f"/location/mes-demandes/{application.pk}/paiement/"
    application.refresh_from_db()
    assert application.status == S.SIGNED and application.stripe_subscription_id == ""
    subscriptions = stripe_api.client().v1.subscriptions.list()["data"]
    assert all(s["status"] == "canceled" for s in subscriptions)  # nothing left running in Stripe
    page = client.get(response.url)
    assert page.status_code == 200
    client.post(response.url, {"method": "counter"})
    application.refresh_from_db()
    assert application.payment_method == Application.PaymentMethod.COUNTER


def test_invoice_paid_events_are_recorded_once_even_replayed(client, stripe_live, application_in, mailoutbox):
    application = application_in(S.APPROVED)
    sign(client, application, method="card", card_token=card_token())
    application.refresh_from_db()
    invoice = invoices_of(application.stripe_subscription_id)[0].to_dict()
    succeeded = event_payload("invoice.payment_succeeded", invoice, event_id="evt_rental_succeeded")
    paid = event_payload("invoice.paid", invoice, event_id="evt_rental_paid")
    for payload in (succeeded, succeeded, paid, paid, succeeded):
        assert post_webhook(Client(), payload).status_code == 200
    payment = Payment.objects.get()
    assert (payment.status, payment.amount) == (Payment.Status.PAID, Decimal("5.00"))
    assert payment.stripe_invoice_id == invoice["id"]
    assert payment.method == Application.PaymentMethod.CARD
    assert StripeEvent.objects.filter(event_id__in=["evt_rental_succeeded", "evt_rental_paid"]).count() == 2
    assert selectors.paid_total(application) == Decimal("5.00")


def test_a_failed_payment_notifies_trainee_and_staff_once(client, stripe_live, application_in, mailoutbox, settings):
    application = application_in(S.ACTIVE)
    stripe = stripe_api.client()
    # A subscription whose invoice the bank refuses (the card fails on charge), as a later month would.
    customer = stripe.v1.customers.create(params={"source": card_token(DECLINED_ON_CHARGE)})
    plan_id = stripe_billing.plan_ensure(Decimal("5.00"))
    subscription = stripe.v1.subscriptions.create(params={"customer": customer["id"], "items": [{"plan": plan_id}]})
    services.payment_method_set(
        application=application, method="card", customer_id=customer["id"], subscription_id=subscription["id"]
    )
    invoice = invoices_of(subscription["id"])[0].to_dict()
    assert invoice["status"] != "paid"
    mailoutbox.clear()
    failed = event_payload("invoice.payment_failed", invoice, event_id="evt_rental_failed")
    for _replay in range(3):
        assert post_webhook(Client(), failed).status_code == 200
    payment = Payment.objects.get()
    assert (payment.status, payment.amount) == (Payment.Status.FAILED, Decimal("5.00"))
    trainee_mail = [m for m in mailoutbox if application.email in m.to]
    staff_mail = [m for m in mailoutbox if settings.STAFF_NOTIFICATION_EMAILS[0] in m.to]
    assert len(trainee_mail) == 1 and len(staff_mail) == 1
    assert "5,00" in trainee_mail[0].body
    # The bank accepts a retry later: the same invoice becomes paid; a late "failed" never undoes it.
    paid_invoice = {**invoice, "status": "paid", "amount_paid": invoice["amount_due"]}
    post_webhook(Client(), event_payload("invoice.paid", paid_invoice, event_id="evt_rental_retry_paid"))
    post_webhook(Client(), event_payload("invoice.payment_failed", invoice, event_id="evt_rental_late_failed"))
    assert Payment.objects.get().status == Payment.Status.PAID


def test_charges_stop_at_the_return(client, stripe_live, application_in, officer):
    application = application_in(S.APPROVED)
    sign(client, application, method="card", card_token=card_token())
    services.loan_pickup(application=application, actor=officer)
    services.loan_return(application=application, actor=officer, condition="Bon état")
    application.refresh_from_db()
    assert application.subscription_cancelled_at is not None
    assert stripe_api.client().v1.subscriptions.retrieve(application.stripe_subscription_id)["status"] == "canceled"
    assert len(selectors.loan_schedule(application)) == 1
    assert stripe_billing.subscription_cancel(application) is True  # idempotent


def test_stripe_is_never_called_inside_a_transaction(stripe_live, application_in):
    application = application_in(S.SIGNED)
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            stripe_billing.plan_ensure(Decimal("5.00"))
        with pytest.raises(RuntimeError):
            stripe_billing.subscription_start(application, method="card", card_token="tok_x")


def test_no_subscription_is_created_once_the_loan_is_paid_at_the_counter(client, stripe_live, application_in, officer):
    """Counter payments and a subscription exclude each other: Stripe is not even asked."""
    application = application_in(S.ACTIVE)
    services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    with pytest.raises(stripe_billing.SubscriptionFailed) as refused:
        stripe_billing.subscription_start(application, method="card", card_token=card_token())
    assert "guichet" in str(refused.value) or "counter" in str(refused.value)
    assert stripe_api.client().v1.customers.list()["data"] == []
    assert stripe_api.client().v1.subscriptions.list()["data"] == []
    client.force_login(application.applicant)
    response = client.post(
        f"/location/mes-demandes/{application.pk}/paiement/", {"method": "card", "card_token": card_token()}
    )
    assert response.status_code == 302  # the page is not offered
    application.refresh_from_db()
    assert application.stripe_subscription_id == "" and selectors.balance(application) == Decimal("0.00")


def test_a_running_subscription_refuses_counter_payments(client, stripe_live, application_in, officer):
    application = application_in(S.APPROVED)
    sign(client, application, method="card", card_token=card_token())
    services.loan_pickup(application=application, actor=officer)
    application.refresh_from_db()
    assert application.has_running_subscription
    with pytest.raises(services.RentalRefused):
        services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    assert not Payment.objects.filter(method=Application.PaymentMethod.COUNTER).exists()
