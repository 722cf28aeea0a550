"""Every public page of the demo — each live Wagtail page, the shop's, the rental landing, a passport, the
account forms, the search and the 404 page — has valid HTML (Nu Html Checker: no error), one h1 and no
heading level skipped, and a meta description."""

import pytest
from wagtail.models import Page

from shop.models import ListedDevice, Listing
from tests.html_checks import html_errors, outline_problems, vnu_jar
from tests.shop.helpers import add_to_basket

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(base_data):
    from django.core.management import call_command

    call_command("demo", verbosity=0)


def test_every_public_page_is_valid_html_with_an_outline_and_a_description(client, demo, tmp_path):
    jar = vnu_jar()
    wagtail_pages = [page.url for page in Page.objects.live().public().filter(depth__gt=1).specific()]
    assert len(wagtail_pages) >= 30  # home, network, 8 members, partners, news, stories, forms, legal pages…
    products = [listing.product for listing in Listing.objects.filter(product__is_public=True).order_by("pk")[:3]]
    passport = ListedDevice.objects.filter(order_line__isnull=True).order_by("pk").first().device.asset_tag
    paths = {
        **{f"wagtail-{n}": url for n, url in enumerate(wagtail_pages)},
        "catalogue": "/boutique/catalogue/",
        "catalogue-filtered": "/boutique/catalogue/?categorie=laptop&memoire=8&tri=-prix",
        "catalogue-search": "/boutique/catalogue/?q=ordinateur+portable+lenovo",
        "catalogue-empty": "/boutique/catalogue/?q=introuvable",
        **{f"product-{n}": product.get_absolute_url() for n, product in enumerate(products)},
        "passport": f"/appareil/{passport}/",
        "rental": "/location/",
        "search": "/recherche/?q=ordinateur+portable",
        "login": "/compte/login/",
        "signup": "/compte/signup/",
        "password-reset": "/compte/password/reset/",
        "newsletter": "/newsletter/",
    }
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[name] = response.content.decode()
    missing = client.get("/cette-page-n-existe-pas/")
    assert missing.status_code == 404
    pages["not-found"] = missing.content.decode()
    add_to_basket(client, products[0])
    for name, path in {"basket": "/boutique/basket/", "checkout": "/boutique/checkout/"}.items():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[name] = response.content.decode()

    problems = [
        f"{paths.get(name, name)}: {problem}" for name, html in pages.items() for problem in outline_problems(html)
    ]
    assert not problems, "\n".join(problems)
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html)
    errors = html_errors(jar, files)
    assert not errors, errors
