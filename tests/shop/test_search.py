"""Search in buyers' words: category words and synonyms, brands and models, specs as people type them,
several words together, accents and case ignored, typos tolerated (trigrams on PostgreSQL, the closest
known word on SQLite: this module runs on both in CI); the site search shows the same products."""

import re
from decimal import Decimal

import pytest

from devices.models import Device
from shop.search_words import normalise, query_words
from shop.services import listings


def _titles(response):
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def shelf(make_listing, ready_device):
    """A Lenovo laptop (16 GB, 512 GB NVMe, 14"), an HP desktop (8 GB, 1 TB HDD), a Dell 24" screen."""
    made = {
        "lenovo": make_listing(
            title="Lenovo ThinkPad T480 – 16 Go – SSD 512 Go",
            brand="Lenovo",
            model_name="ThinkPad T480",
            ram_gb=16,
            storage_kind="nvme",
            storage_gb=512,
            screen_inches=Decimal("14.0"),
            price=Decimal("289"),
        ),
        "hp": make_listing(
            category=Device.Category.DESKTOP,
            title="HP ProDesk 600 G4 – 8 Go – HDD 1 To",
            brand="HP",
            model_name="ProDesk 600 G4",
            ram_gb=8,
            storage_kind="hdd",
            storage_gb=1000,
            screen_inches=None,
            price=Decimal("159"),
        ),
        "dell": make_listing(
            category=Device.Category.SCREEN,
            title="Écran Dell P2419H 24 pouces",
            brand="Dell",
            model_name="P2419H",
            cpu="",
            ram_gb=None,
            storage_gb=None,
            screen_inches=Decimal("24"),
            os="",
            price=Decimal("79"),
        ),
    }
    categories = {"lenovo": Device.Category.LAPTOP, "hp": Device.Category.DESKTOP, "dell": Device.Category.SCREEN}
    for key, listing in made.items():
        listings.listing_add_device(product=listing.product, device=ready_device(category=categories[key]), actor=None)
    return {key: listing.product.title for key, listing in made.items()}


@pytest.mark.parametrize(
    "query, found",
    [
        ("ordinateur portable lenovo", ["lenovo"]),
        ("PC portable", ["lenovo"]),
        ("Ordinateurs Portables", ["lenovo"]),
        ("laptop", ["lenovo"]),
        ("pc fixe", ["hp"]),
        ("ordinateur de bureau HP", ["hp"]),
        ("unité centrale", ["hp"]),
        ("écran", ["dell"]),
        ("ECRAN 24 pouces", ["dell"]),
        ('moniteur 24"', ["dell"]),
        ("16 go", ["lenovo"]),
        ("16Go", ["lenovo"]),
        ("16 GB RAM", ["lenovo"]),
        ("ssd 512", ["lenovo"]),
        ("disque dur 1 To", ["hp"]),
        ("8 go", ["hp"]),  # not the 128 Go, 512 Go or 16 Go ones: a size is a whole word
        ("thinkpad", ["lenovo"]),
        ("lenovo t480 14 pouces", ["lenovo"]),
        ("pc portable pour étudiant avec 16 go", []),  # "étudiant" is in no listing
        ("lenovo dell", []),  # every word must be found
    ],
)
def test_buyers_words_find_the_products(client, shelf, query, found):
    assert sorted(_titles(client.get("/boutique/catalogue/", {"q": query}))) == sorted(shelf[k] for k in found)


@pytest.mark.parametrize("query, found", [("lenvo", "lenovo"), ("thinkpda", "lenovo"), ("prodsk", "hp")])
def test_typos_are_tolerated(client, shelf, query, found):
    assert _titles(client.get("/boutique/catalogue/", {"q": query})) == [shelf[found]]


def test_the_site_search_shows_the_same_products(client, shelf):
    html = client.get("/recherche/", {"q": "ordinateur portable lenovo"}).content.decode()
    assert shelf["lenovo"] in html and shelf["hp"] not in html


def test_query_words_are_made_like_the_listing_words():
    assert query_words("Ordinateurs portables de 16 Go, SSD 1 To pour 14 pouces") == [
        "ordinateur",
        "portable",
        "16go",
        "ssd",
        "1000go",
        "14pouces",
    ]
    assert normalise("Écran 23,8″") == "ecran 23.8pouces"
    assert query_words("") == [] and len(query_words(" ".join(f"mot{n}" for n in range(20)))) == 8
