"""The catalogue index (`shop.catalogue.CatalogueIndex`) against the database: for many filter combinations,
the listings found, their order and every facet count are those that plain ORM queries give.

The oracle below is deliberately naive — one query per facet value — so that it shares nothing with the
index's bit masks but the meaning of the filters.
"""

import random
from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.http import QueryDict
from oscar.core.loading import get_model

from devices.models import Device
from shop.catalogue import FACETS, browse
from shop.models import Listing
from shop.services import listings

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

BRANDS = [("Dell", "Latitude 5490"), ("Lenovo", "ThinkPad T480"), ("HP", "EliteBook 840 G5"), ("Acer", "Veriton")]
SYSTEMS = ["Linux Mint 21", "Windows 10 Pro", "Windows 11 Pro", "Ubuntu 24.04", ""]


@pytest.fixture
def shelf(make_listing, ready_device, workshop, other_association):
    """40 listings drawn with a fixed seed: categories, grades, sizes, systems, prices; most with devices at
    one or both workshops, some without any, one not public."""
    draw = random.Random(11)
    made = []
    for n in range(40):
        category = draw.choice([Device.Category.LAPTOP] * 3 + [Device.Category.DESKTOP, Device.Category.SCREEN])
        brand, model = draw.choice(BRANDS)
        screen = category == Device.Category.SCREEN
        listing = make_listing(
            category=category,
            title=f"{brand} {model} n°{n}",
            brand=brand,
            model_name=model,
            ram_gb=None if screen else draw.choice([4, 8, 8, 16, 32]),
            storage_gb=None if screen else draw.choice([128, 256, 512, 1000]),
            screen_inches=draw.choice([Decimal("14.0"), Decimal("15.6"), Decimal("23.8"), None]),
            os="" if screen else draw.choice(SYSTEMS),
            grade=draw.choice("ABC"),
            price=Decimal(draw.randrange(39, 600)),
        )
        for holder in draw.choice([[], [workshop], [other_association], [workshop, other_association]]):
            listings.listing_add_device(
                product=listing.product, device=ready_device(association=holder, category=category), actor=None
            )
        made.append(listing)
    hidden = made[0].product
    hidden.is_public = False
    hidden.save()
    return made


FIELD_OF = {param: field_name for param, _label, field_name in FACETS}
ORDER = {
    "prix": ("price", "pk"),
    "-prix": ("-price", "pk"),
    "recent": ("-product__date_created", "pk"),
}


def _oracle(params, skip=None):
    """The public listings in stock selected by every filter of `params` but the facet `skip`."""
    found = Listing.objects.filter(product__is_public=True)
    for param, values in params.lists():
        values = [value for value in values if value]
        if param not in FIELD_OF or param == skip or not values:
            continue
        if FIELD_OF[param] == "pickup":
            continue
        found = found.filter(**{f"{FIELD_OF[param]}__in": values})
    stock = StockRecord.objects.filter(product=OuterRef("product"), num_in_stock__gt=Coalesce("num_allocated", 0))
    places = [value for value in params.getlist("retrait") if value] if skip != "retrait" else []
    if places:
        stock = stock.filter(partner__workshop__association__slug__in=places)
    found = found.filter(Exists(stock))
    if params.get("prix_min"):
        found = found.filter(price__gte=Decimal(params["prix_min"]))
    if params.get("prix_max"):
        found = found.filter(price__lte=Decimal(params["prix_max"]))
    if params.get("q"):
        found = found.filter(search_text__contains=f" {params['q']}")
    return found


def _oracle_counts(params, param, field_name):
    scope = _oracle(params, skip=param)
    if field_name == "pickup":
        counts = {}
        for listing in scope:
            for slug in set(
                StockRecord.objects.filter(
                    product=listing.product, num_in_stock__gt=Coalesce("num_allocated", 0)
                ).values_list("partner__workshop__association__slug", flat=True)
            ):
                counts[slug] = counts.get(slug, 0) + 1
        return counts
    counts = {}
    for value in scope.values_list(field_name, flat=True):
        if value not in (None, ""):
            counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


def _draw_params(draw, workshop, other_association):
    params = QueryDict(mutable=True)
    choices = {
        "categorie": ["laptop", "desktop", "screen"],
        "etat": ["A", "B", "C"],
        "memoire": ["4", "8", "16", "32"],
        "stockage": ["128", "256", "512", "1000"],
        "ecran": ["14.0", "15.6", "23.8"],
        "systeme": SYSTEMS[:-1],
        "retrait": [workshop.slug, other_association.slug],
    }
    for param, values in choices.items():
        if draw.random() < 0.35:
            params.setlist(param, draw.sample(values, draw.choice([1, 1, 2])))
    if draw.random() < 0.3:
        params["prix_min"] = str(draw.randrange(30, 300))
    if draw.random() < 0.3:
        params["prix_max"] = str(draw.randrange(200, 650))
    if draw.random() < 0.25:
        params["q"] = draw.choice(["dell", "thinkpad", "elitebook", "veriton"])
    params["tri"] = draw.choice(list(ORDER))
    return params


def test_found_listings_order_and_facet_counts_are_those_of_the_database(shelf, workshop, other_association):
    draw = random.Random(2026)
    checked_non_empty = 0
    for _ in range(120):
        params = _draw_params(draw, workshop, other_association)
        result = browse(params)
        expected = list(_oracle(params).order_by(*ORDER[params["tri"]]).values_list("pk", flat=True))
        assert list(result.found[0 : len(result.found)]) == expected, params.urlencode()
        assert len(result.found) == len(expected)
        checked_non_empty += bool(expected)
        for facet in result.facets:
            shown = {value: count for value, _label, count, _selected in facet.values}
            assert shown == _oracle_counts(params, facet.param, facet.field), (facet.param, params.urlencode())
            selected = {value for value, _label, _count, is_selected in facet.values if is_selected}
            assert selected == {v for v in params.getlist(facet.param) if v} & set(shown), facet.param
    assert checked_non_empty > 40  # the draws are not all empty pages


def test_the_index_follows_stock_changes_at_once(shelf, ready_device, workshop):
    """No stock, not listed; one device added, listed with its workshop; allocated to an order, gone."""
    no_stock = next(
        listing for listing in shelf[1:] if not listing.product.stockrecords.filter(num_in_stock__gt=0).exists()
    )
    params = QueryDict("q=" + no_stock.brand.lower())
    assert no_stock.pk not in browse(params).found[0:100]
    listings.listing_add_device(product=no_stock.product, device=ready_device(association=workshop), actor=None)
    assert no_stock.pk in browse(params).found[0:100]
    assert no_stock.pk in browse(QueryDict(f"retrait={workshop.slug}")).found[0:100]

    from django.db import transaction

    from shop.catalogue import catalogue_changed

    with transaction.atomic():
        StockRecord.objects.filter(product=no_stock.product).update(num_allocated=1)
        catalogue_changed()
    assert no_stock.pk not in browse(params).found[0:100]


def test_pages_of_results_follow_each_other_without_gap_or_repeat(shelf):
    found = browse(QueryDict("tri=-prix")).found
    pages = [found[start : start + 7] for start in range(0, len(found), 7)]
    assert [pk for page in pages for pk in page] == found[0 : len(found)]
    assert len(set(found[0 : len(found)])) == len(found)


def test_an_empty_slice_is_empty(shelf):
    found = browse(QueryDict("")).found
    assert len(found) > 3 and found[2:2] == [] and found[5:1] == [] and found[len(found) : len(found) + 5] == []
