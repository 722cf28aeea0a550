"""Error reporting through Sentry (sentry-sdk) when SENTRY_DSN is set: the web's and the workers' errors, each
tagged `request_id` with the id that the logs carry (django-guid), without personal data.

The platform holds trainees' and buyers' identities, addresses and proofs: Sentry receives none of them.
`send_default_pii` is off (no user e-mail, IP address or cookies), request bodies and query strings are
dropped, frames are sent without their local variables (a request's repr holds its query string), and the
field names below are scrubbed wherever they still appear; breadcrumbs keep no cache keys (session keys
are among them) and no SQL parameters.
"""

import sentry_sdk
from django_guid import get_guid
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

PERSONAL_FIELDS = [
    "email",
    "login",
    "first_name",
    "last_name",
    "phone",
    "address",
    "line1",
    "line2",
    "postcode",
    "city",
    "commune",
    "birth_date",
    "iban",
    "proof",
    "signature",
    "signed_name",
    "token",
    "stripe_signature",
    "client_secret",
]


def _before_send(event, hint):
    """The request id as a tag (found in the logs of the web and of the tasks); the request's data dropped."""
    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    request = event.get("request")
    if request:
        for key in ("data", "query_string", "cookies"):
            request.pop(key, None)
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def _before_breadcrumb(crumb, hint):
    """No cache commands (their keys hold session keys) and no SQL parameters."""
    if crumb.get("category") == "redis":
        return None
    if crumb.get("category") == "query":
        crumb.pop("data", None)
    return crumb


def sentry_init(dsn: str, *, environment: str, release: str | None, traces_sample_rate: float):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + PERSONAL_FIELDS,
            pii_denylist=DEFAULT_PII_DENYLIST + PERSONAL_FIELDS,
            recursive=True,
        ),
        before_send=_before_send,
        before_breadcrumb=_before_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
