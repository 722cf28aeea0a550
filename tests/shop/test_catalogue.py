import re
from decimal import Decimal

import pytest

from devices.models import Device
from shop.models import Listing
from shop.services import listings


def _titles(response):
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def catalogue(make_listing, ready_device, other_association):
    """Four listings: three with devices in stock at two workshops, one without stock."""
    small = make_listing(title="Portable 8 Go grade A", ram_gb=8, grade="A", price=Decimal("199"))
    big = make_listing(title="Portable 16 Go grade B", ram_gb=16, grade="B", price=Decimal("289"))
    screen = make_listing(
        category=Device.Category.SCREEN,
        title="Écran 24 pouces",
        ram_gb=None,
        storage_gb=None,
        screen_inches=Decimal("23.8"),
        os="",
        grade="A",
        price=Decimal("79"),
    )
    make_listing(title="Portable épuisé", ram_gb=4, grade="C", price=Decimal("99"))
    listings.listing_add_device(product=small.product, device=ready_device(), actor=None)
    listings.listing_add_device(product=big.product, device=ready_device(association=other_association), actor=None)
    listings.listing_add_device(
        product=screen.product, device=ready_device(category=Device.Category.SCREEN), actor=None
    )
    return {"small": small, "big": big, "screen": screen}


def test_listing_shows_only_what_is_in_stock_cheapest_first(client, catalogue):
    response = client.get("/boutique/catalogue/")
    assert response.status_code == 200
    assert _titles(response) == ["Écran 24 pouces", "Portable 8 Go grade A", "Portable 16 Go grade B"]
    assert "199,00" in response.content.decode() and "€" in response.content.decode()


def test_filters_combine_and_counts_follow_the_other_filters(client, catalogue):
    response = client.get("/boutique/catalogue/", {"categorie": "laptop", "etat": "B"})
    assert _titles(response) == ["Portable 16 Go grade B"]
    content = response.content.decode()
    # With the category chosen, the grade facet counts laptops of each grade (A: 1, B: 1).
    assert re.search(r'name="etat" value="A">\s*<label[^>]*>[^<]*<span class="count">\(1\)', content)
    assert re.search(r'name="etat" value="B" checked>', content)
    # With grade B chosen, the category facet counts 1 laptop and no screen.
    assert re.search(r'name="categorie" value="laptop" checked>\s*<label[^>]*>[^<]*<span class="count">\(1\)', content)
    assert 'name="categorie" value="screen"' not in content


def test_memory_price_pickup_and_text_filters(client, catalogue):
    assert _titles(client.get("/boutique/catalogue/", {"memoire": "16"})) == ["Portable 16 Go grade B"]
    assert _titles(client.get("/boutique/catalogue/", {"prix_min": "100", "prix_max": "250"})) == [
        "Portable 8 Go grade A"
    ]
    assert _titles(client.get("/boutique/catalogue/", {"retrait": "leon"})) == ["Portable 16 Go grade B"]
    assert _titles(client.get("/boutique/catalogue/", {"q": "écran"})) == ["Écran 24 pouces"]
    assert _titles(client.get("/boutique/catalogue/", {"tri": "-prix", "categorie": "laptop"})) == [
        "Portable 16 Go grade B",
        "Portable 8 Go grade A",
    ]


def test_bad_filter_values_are_ignored_not_errors(client, catalogue):
    response = client.get("/boutique/catalogue/", {"prix_min": "abc", "tri": "n'importe", "page": "999"})
    assert response.status_code == 200
    assert len(_titles(response)) == 3


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "Infinity", "sNaN"])
def test_a_price_that_is_not_a_finite_number_is_ignored(client, catalogue, value):
    """Decimal reads these as numbers: NaN broke the price slider's bisection, inf the template (500)."""
    for param in ("prix_min", "prix_max"):
        response = client.get("/boutique/catalogue/", {param: value})
        assert response.status_code == 200, (param, value)
        assert len(_titles(response)) == 3


def test_listing_disappears_the_moment_its_last_device_is_withdrawn(client, catalogue):
    device = catalogue["small"].product.listed_devices.get().device
    listings.listing_remove_device(device=device, actor=None)
    assert "Portable 8 Go grade A" not in _titles(client.get("/boutique/catalogue/"))


def test_query_count_does_not_grow_with_the_catalogue(
    client, make_listing, ready_device, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            listing = make_listing()
            listings.listing_add_device(product=listing.product, device=ready_device(), actor=None)

    add(2)
    with django_assert_max_num_queries(16) as small:
        client.get("/boutique/catalogue/", {"categorie": "laptop", "memoire": "8"})
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/boutique/catalogue/", {"categorie": "laptop", "memoire": "8"})
    assert len(_titles(response)) == 24  # one full page


def test_product_page_shows_specs_stock_guarantee_and_a_passport(client, catalogue):
    product = catalogue["small"].product
    device = product.listed_devices.get().device
    content = client.get(product.get_absolute_url()).content.decode()
    assert "Intel Core i5-8350U" in content
    assert "Déclic" in content
    assert f"/appareil/{device.asset_tag}/" in content
    assert "/cgv/" in content
    assert 'action="/boutique/basket/add/' in content


@pytest.mark.django_db(transaction=True)
def test_cached_listing_is_right_the_moment_stock_changes(client, base_data, make_listing, ready_device):
    """The listing part of the page is cached per query; any stock change (a save or Oscar's allocation,
    which updates rows without a signal) gives the next visitor fresh figures."""
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    listing = make_listing(title="Portable en cache")
    listings.listing_add_device(product=listing.product, device=ready_device(), actor=None)
    assert _titles(client.get("/boutique/catalogue/")) == ["Portable en cache"]
    assert _titles(client.get("/boutique/catalogue/")) == ["Portable en cache"]  # from the cache

    second = make_listing(title="Autre portable")
    listings.listing_add_device(product=second.product, device=ready_device(), actor=None)
    assert sorted(_titles(client.get("/boutique/catalogue/"))) == ["Autre portable", "Portable en cache"]

    # An order allocates the last unit (QuerySet.update, as Oscar does): the listing disappears at once.
    from django.db import transaction

    from shop.catalogue import catalogue_changed

    with transaction.atomic():
        StockRecord.objects.filter(product=listing.product).update(num_allocated=1)
        catalogue_changed()
    assert _titles(client.get("/boutique/catalogue/")) == ["Autre portable"]


def test_product_views_are_not_recorded(client, catalogue, django_user_model):
    from oscar.core.loading import get_model

    UserProductView = get_model("analytics", "UserProductView")
    ProductRecord = get_model("analytics", "ProductRecord")
    client.force_login(django_user_model.objects.create_user(email="curieuse@example.org", password="x" * 12))
    product = catalogue["small"].product
    assert client.get(product.get_absolute_url()).status_code == 200
    assert not UserProductView.objects.exists()
    assert not ProductRecord.objects.filter(product=product, num_views__gt=0).exists()


def test_product_page_stock_follows_the_registry_through_its_cache(client, catalogue, ready_device):
    product = catalogue["small"].product
    assert "1 appareil" in client.get(product.get_absolute_url()).content.decode()
    listings.listing_add_device(product=product, device=ready_device(), actor=None)
    assert "2 appareils" in client.get(product.get_absolute_url()).content.decode()


def _csrf_token(content: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)


def test_the_product_body_is_shared_but_each_visitor_posts_with_their_own_token(
    catalogue, django_assert_max_num_queries
):
    """The page's body is rendered once per catalogue version; the CSRF token in its add-to-basket form is
    each visitor's own, so that both can add the product to their basket."""
    from django.test import Client

    product = catalogue["big"].product
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(product.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(3):  # the product, and the session's basket: the body is cached
        second_page = second.get(product.get_absolute_url()).content.decode()
    assert "Atelier du Léon — 1 appareil" in second_page
    for client, page in ((first, first_page), (second, second_page)):
        response = client.post(
            f"/boutique/basket/add/{product.pk}/", {"csrfmiddlewaretoken": _csrf_token(page), "quantity": 1}
        )
        assert response.status_code == 302
    assert second.post(f"/boutique/basket/add/{product.pk}/", {"quantity": 1}).status_code == 403  # no token


def test_a_product_that_cannot_be_bought_offers_the_stock_alert(client, catalogue):
    product = Listing.objects.get(product__title="Portable épuisé").product
    content = client.get(product.get_absolute_url()).content.decode()
    assert 'id="alert_form"' in content and 'id="add_to_basket_form"' not in content
    assert "Indisponible pour le moment." in content


def test_an_oscar_product_option_appears_in_the_add_to_basket_form(client, catalogue):
    from oscar.core.loading import get_model

    Option = get_model("catalogue", "Option")
    product = catalogue["small"].product
    assert "Gravure du nom" not in client.get(product.get_absolute_url()).content.decode()
    option = Option.objects.create(name="Gravure du nom", code="gravure", type=Option.TEXT, required=False)
    product.product_options.add(option)
    assert "Gravure du nom" in client.get(product.get_absolute_url()).content.decode()


def test_card_links_are_oscars_product_urls(client, catalogue):
    from shop.catalogue_html import product_url

    for listing in catalogue.values():
        product = listing.product
        assert product_url(product.slug, product.pk) == product.get_absolute_url()
    content = client.get("/boutique/catalogue/").content.decode()
    assert f'href="{catalogue["small"].product.get_absolute_url()}"' in content
