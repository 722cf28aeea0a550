"""An error in a request reaches Sentry (a real HTTP ingest on loopback, receiving sentry-sdk's envelopes),
tagged with the request id that the response and the logs carry, and without the visitor's personal data."""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django_guid.log_filters import CorrelationId

from reemploi.errors import sentry_init


def failing_view(request):
    request.POST.get("email")  # the view read the visitor's data before failing
    logging.getLogger("reemploi.tests").warning("about to fail")
    raise RuntimeError("the registry could not be read")


def fine_view(request):
    logging.getLogger("reemploi.tests").warning("all fine")
    return HttpResponse("ok")


urlpatterns = [path("echec/", failing_view), path("ok/", fine_view)]


class Ingest(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk's choice when brotli is installed
            import brotli

            body = brotli.decompress(body)
        Ingest.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sentry_init(
        f"http://public@127.0.0.1:{server.server_port}/1", environment="test", release="r1", traces_sample_rate=0
    )
    yield Ingest.received
    sentry_sdk.init()  # no DSN: reporting off again
    server.shutdown()


def events(received: list[bytes]) -> list[dict]:
    found = []
    for envelope in received:
        for line in envelope.split(b"\n"):
            if line.startswith(b"{") and b'"exception"' in line:
                found.append(json.loads(line))
    return found


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_an_error_reaches_sentry_with_the_request_id_and_without_personal_data(sentry):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-value"
    response = client.post(
        "/echec/?email=anne@example.org",
        {"email": "anne.legoff@example.org", "phone": "0600000000"},
        HTTP_X_REQUEST_ID="4f1c2d3e4b5a69788796a5b4c3d2e1f0",
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    [event] = events(sentry)
    assert event["exception"]["values"][-1]["value"] == "the registry could not be read"
    assert event["tags"]["request_id"] == "4f1c2d3e4b5a69788796a5b4c3d2e1f0"
    assert event["environment"] == "test" and event["release"] == "r1"
    raw = json.dumps(event)
    for personal in ("anne.legoff@example.org", "anne@example.org", "0600000000", "secret-session-value"):
        assert personal not in raw


class RequestIds(logging.Handler):
    """A log handler with the settings' request-id filter: what each line of the logs would carry."""

    def __init__(self):
        super().__init__()
        self.addFilter(CorrelationId())
        self.ids = []

    def emit(self, record):
        self.ids.append(record.correlation_id)


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_every_response_and_log_line_carries_a_request_id():
    handler = RequestIds()
    logger = logging.getLogger("reemploi.tests")
    logger.addHandler(handler)
    try:
        client = Client()
        given = client.get("/ok/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
        made = client.get("/ok/", HTTP_X_REQUEST_ID="<script>")
    finally:
        logger.removeHandler(handler)
    assert given["X-Request-ID"] == "0123456789abcdef0123456789abcdef"  # the proxy's id is kept
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "<script>"  # an invalid one is replaced
    assert handler.ids == [given["X-Request-ID"], made["X-Request-ID"]]
