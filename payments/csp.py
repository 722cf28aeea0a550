"""Where the Content-Security-Policy lets Stripe in: the pages where a payment happens, and no other.

The site's policy (`CONTENT_SECURITY_POLICY`, django-csp) allows nothing outside the site; a view decorated
with `allows_stripe` adds Stripe.js, its frames (card field, 3-D Secure) and its API, as Stripe documents
them — or, with `STRIPE_API_BASE` set (the local test server of the tests and `make run`), that server.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

STRIPE_SCRIPTS = ["https://js.stripe.com", "https://*.js.stripe.com"]
STRIPE_FRAMES = [*STRIPE_SCRIPTS, "https://hooks.stripe.com"]
STRIPE_API = ["https://api.stripe.com"]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_sources() -> dict[str, list[str]]:
    """The directives a payment page adds to the site's policy."""
    scripts, frames, api = list(STRIPE_SCRIPTS), list(STRIPE_FRAMES), list(STRIPE_API)
    if settings.STRIPE_JS_URL and not settings.STRIPE_JS_URL.startswith("https://js.stripe.com/"):
        scripts = frames = [_origin(settings.STRIPE_JS_URL)]
    if settings.STRIPE_API_BASE:
        api = [_origin(settings.STRIPE_API_BASE)]
    return {"script-src": scripts, "frame-src": frames, "connect-src": api}


def allows_stripe(view):
    """Let Stripe into this view's responses' Content-Security-Policy (django-csp's per-response update)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_update = stripe_sources()
        return response

    return wrapped
