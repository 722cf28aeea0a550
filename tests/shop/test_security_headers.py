"""The Content-Security-Policy allows nothing from outside the site, and Stripe only where a payment happens;
inline scripts run only with the response's nonce; the Permissions-Policy turns off what no page uses."""

import re

import pytest

from tests.shop.helpers import add_to_basket, checkout_form

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("path", ["/", "/boutique/catalogue/", "/location/", "/compte/login/", "/contact/"])
def test_public_pages_allow_nothing_from_outside_the_site(client, home_page, path):
    response = client.get(path, follow=True)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    sources = " ".join(value for values in policy.values() for value in values)
    assert "stripe" not in sources and "http" not in sources.replace("https://*", "")
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_the_payment_page_lets_stripe_in_and_its_inline_script_carries_the_nonce(
    client, stocked_product, stripe_live, settings
):
    add_to_basket(client, stocked_product(units=1))
    assert client.post("/boutique/checkout/", checkout_form()).status_code == 302
    response = client.get("/boutique/checkout/paiement/")
    assert response.status_code == 200
    policy = _policy(response)
    stripe_origin = settings.STRIPE_API_BASE.rstrip("/")
    assert stripe_origin in policy["connect-src"] and any(stripe_origin in v for v in policy["script-src"])
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["script-src"])).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)


def test_the_back_office_keeps_its_own_inline_scripts(client, home_page):
    from tests import factories

    client.force_login(factories.superuser(email="admin@example.org"))
    assert "Content-Security-Policy" not in client.get("/admin/").headers


def test_the_permissions_policy_turns_off_unused_features(client, home_page):
    header = client.get("/").headers["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "usb=()"):
        assert feature in header
    assert 'payment=(self "https://js.stripe.com")' in header
