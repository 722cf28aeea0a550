"""The shop shows the devices in photos: a gallery on the product page (responsive renditions in WebP and
JPEG, with width and height, lazy below the first), the main photo on catalogue cards, a drawing of the
category when there is no photo — never "Image Not Available"; renditions are made once, not per request."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Rendition

from devices import services as device_services
from shop.catalogue import catalogue_version
from tests.photos import photo_upload

pytestmark = pytest.mark.django_db


def _photograph(product, alt, count=1):
    device = product.listed_devices.first().device
    return device_services.device_photos_add(
        device=device, actor=None, photos=[photo_upload() for _ in range(count)], alt=alt
    )


def test_the_product_page_shows_a_gallery_of_its_devices(client, stocked_product):
    product = stocked_product(units=2)
    _photograph(product, "Vue de face, écran allumé", count=3)
    html = client.get(product.get_absolute_url()).content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert len(pictures) == 3
    first, *others = pictures
    assert 'type="image/webp"' in first and 'alt="Vue de face, écran allumé"' in first
    assert re.search(r'<img [^>]*width="\d+"', first) and re.search(r'<img [^>]*height="\d+"', first)
    assert 'fetchpriority="high"' in first
    assert 'loading="lazy"' not in first and all('loading="lazy"' in p for p in others)
    assert "Image Not Available" not in html


def test_a_product_without_photo_shows_a_drawing_of_its_category(client, stocked_product):
    product = stocked_product(units=1)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "/static/img/categories/laptop" in html and "pas encore de photo" in html
    assert "<picture>" not in html and "Image Not Available" not in html


def test_catalogue_cards_show_the_main_photo_or_the_drawing(client, stocked_product):
    with_photo, without = stocked_product(units=1), stocked_product(units=1)
    _photograph(with_photo, "Capot fermé")
    html = client.get("/boutique/catalogue/").content.decode()
    cards = re.findall(r'<li class="card product-card">.*?</li>\s*(?=<li class="card|</ul>)', html, re.S)
    assert len(cards) == 2
    by_title = {next(t for t in (with_photo.title, without.title) if t in card): card for card in cards}
    assert "<picture>" in by_title[with_photo.title] and 'type="image/webp"' in by_title[with_photo.title]
    assert "/static/img/categories/laptop" in by_title[without.title]


def test_a_new_photo_replaces_the_catalogue_version(stocked_product):
    product = stocked_product(units=1)
    before = catalogue_version()
    _photograph(product, "Clavier")
    assert catalogue_version() != before


def test_renditions_are_made_once_and_the_listing_queries_do_not_grow(client, stocked_product, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # no page cache
    products = [stocked_product(units=1) for _ in range(3)]
    for product in products:
        _photograph(product, "Vue de trois quarts")
    client.get("/boutique/catalogue/")
    made = Rendition.objects.count()
    assert made > 0
    with CaptureQueriesContext(connection) as three:
        client.get("/boutique/catalogue/")
    assert Rendition.objects.count() == made  # nothing made again
    for _ in range(5):
        _photograph(stocked_product(units=1), "Vue de dessus")
    client.get("/boutique/catalogue/")  # the new photos' renditions, once
    with CaptureQueriesContext(connection) as eight:
        client.get("/boutique/catalogue/")
    assert len(eight) == len(three)
