"""A real localstripe server on loopback for the tests, Stripe's test cards, and Stripe-style signed webhook
requests.

The server is `payments.localstripe_server` (localstripe with the SEPA mandates it lacks), bound to
127.0.0.1 on a free port, with an empty store.
"""

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from payments import stripe_api
from tests.helpers import wait_until

WEBHOOK_SECRET = "whsec_reemploi_tests"

# Stripe's test card numbers (localstripe knows them).
VISA = "4242424242424242"
DECLINED_ON_ATTACH = "4000000000000002"
DECLINED_ON_CHARGE = "4000000000000341"
THREE_D_SECURE = "4000002760003184"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalStripe:
    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "payments.localstripe_server", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            wait_until(self._answers, what="localstripe to answer", timeout=20)
        except AssertionError:
            self.stop()
            raise RuntimeError("localstripe did not start within 20 s") from None

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.js_url, timeout=1).read()
        except OSError:
            if self.process.poll() is not None:
                raise RuntimeError("localstripe exited at start") from None
            return False
        return True

    @property
    def js_url(self) -> str:
        return self.base + "/js.stripe.com/v3/"

    def flush(self):
        urllib.request.urlopen(urllib.request.Request(self.base + "/_config/data", method="DELETE")).read()

    def register_webhook(self, url: str, secret: str = WEBHOOK_SECRET, hook_id: str = "reemploi"):
        data = f"url={url}&secret={secret}".encode()
        urllib.request.urlopen(urllib.request.Request(f"{self.base}/_config/webhooks/{hook_id}", data=data)).read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def card_token(number: str = VISA) -> str:
    """A card token made by localstripe (Stripe must be pointed at it: the `stripe_live` fixture)."""
    token = stripe_api.client().v1.tokens.create(
        params={"card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    return token["id"]


def signature_header(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


def event_payload(event_type: str, obj: dict, event_id: str | None = None) -> bytes:
    """A Stripe event as its webhook body, around a real object (retrieved from localstripe)."""
    event = {
        "id": event_id or f"evt_{os.urandom(8).hex()}",
        "object": "event",
        "api_version": "2020-08-27",
        "created": int(time.time()),
        "type": event_type,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }
    return json.dumps(event).encode()


def post_webhook(client, payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """POST a signed event to the platform's webhook with a Django test client."""
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, secret, timestamp),
    )
