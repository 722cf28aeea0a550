import json
import time

import pytest

from payments import webhooks
from payments.models import StripeEvent
from tests.concurrency import at_once
from tests.stripe_server import event_payload, post_webhook, signature_header

SEEN = []


@pytest.fixture
def recording_handler():
    SEEN.clear()

    @webhooks.on("test.recorded")
    def record(event):
        SEEN.append(event["id"])

    yield SEEN
    webhooks._handlers["test.recorded"].remove(record)


@pytest.fixture
def webhook_secret(settings):
    from tests.stripe_server import WEBHOOK_SECRET

    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.mark.django_db
def test_valid_event_is_processed_once_in_sequence(client, webhook_secret, recording_handler):
    payload = event_payload("test.recorded", {"id": "obj_1"}, event_id="evt_once")
    assert post_webhook(client, payload).status_code == 200
    assert post_webhook(client, payload).status_code == 200
    assert recording_handler == ["evt_once"]
    assert StripeEvent.objects.get().object_id == "obj_1"


@pytest.mark.django_db
def test_bad_signature_is_refused_and_changes_nothing(client, webhook_secret, recording_handler):
    payload = event_payload("test.recorded", {"id": "obj_1"})
    response = post_webhook(client, payload, secret="whsec_someone_else")
    assert response.status_code == 400
    tampered = client.post(
        "/webhooks/stripe/",
        data=payload.replace(b"obj_1", b"obj_2"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload),
    )
    assert tampered.status_code == 400
    missing = client.post("/webhooks/stripe/", data=payload, content_type="application/json")
    assert missing.status_code == 400
    assert recording_handler == [] and not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_stale_timestamp_is_refused(client, webhook_secret, recording_handler):
    payload = event_payload("test.recorded", {"id": "obj_1"})
    response = post_webhook(client, payload, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert recording_handler == [] and not StripeEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("ahead", [3600, 24 * 3600])
@pytest.mark.django_db
def test_a_timestamp_from_the_future_is_refused(client, webhook_secret, recording_handler, ahead):
    """Stripe's library bounds a signature's age but not how far ahead it is: a replay window would stay open."""
    payload = event_payload("test.recorded", {"id": "obj_future"})
    response = post_webhook(client, payload, timestamp=int(time.time()) + ahead)
    assert response.status_code == 400
    assert recording_handler == [] and not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_a_timestamp_a_little_ahead_is_accepted(client, webhook_secret, recording_handler):
    """Clocks drift: a few seconds ahead is within the tolerance."""
    payload = event_payload("test.recorded", {"id": "obj_drift"})
    assert post_webhook(client, payload, timestamp=int(time.time()) + 20).status_code == 200
    assert len(recording_handler) == 1


@pytest.mark.django_db
def test_no_secret_configured_means_no_endpoint(client, settings, recording_handler):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_webhook(client, event_payload("test.recorded", {"id": "x"})).status_code == 404


@pytest.mark.django_db
def test_get_is_not_allowed(client, webhook_secret):
    assert client.get("/webhooks/stripe/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_same_event_concurrently_has_one_effect(webhook_secret, recording_handler):
    """Two deliveries of one event at once: the unique event row lets one through."""
    from django.test import Client

    payload = event_payload("test.recorded", {"id": "obj_c"}, event_id="evt_concurrent")
    responses = at_once(lambda: post_webhook(Client(), payload), lambda: post_webhook(Client(), payload))
    assert [response.status_code for response in responses] == [200, 200]
    assert recording_handler == ["evt_concurrent"]
    assert StripeEvent.objects.filter(event_id="evt_concurrent").count() == 1
    assert json.loads(payload)["type"] == "test.recorded"
