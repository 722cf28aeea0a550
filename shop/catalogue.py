"""Browsing the catalogue through the ORM: combinable filters with a count per value, sorting, text search.

Why not Oscar's Haystack browse: its default backend lists no products, and a search server would be one
more service to run and keep in step with stock. Listings keep their facts in indexed columns (see
`shop.models.Listing`), so the filters and facet counts take a few SQL queries on SQLite as on PostgreSQL
(one per facet with a value chosen, one for all the others, one for the pickup places), right the moment
stock changes. The text search reads the words buyers use (`shop.search_words`), typos included.
"""

import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from devices.models import Device
from reemploi.cache_versions import CacheVersion
from shop.models import Listing
from shop.search_words import query_words
from shop.selectors import main_photo_image_id

StockRecord = get_model("partner", "StockRecord")

SORTS = {
    "prix": ("price", "pk"),
    "-prix": ("-price", "pk"),
    "memoire": ("-ram_gb", "price", "pk"),
    "recent": ("-product__date_created", "pk"),
}
SORT_LABELS = {
    "prix": _("Price, lowest first"),
    "-prix": _("Price, highest first"),
    "memoire": _("Most memory"),
    "recent": _("Newest"),
}
PER_PAGE = 24
# PostgreSQL: how close a word unknown to every listing must be to one of a listing's words (pg_trgm).
TYPO_SIMILARITY = 0.4
# The listing page's shared part is cached per query under a version that every catalogue change replaces.
CATALOGUE_VERSION = CacheVersion("shop:catalogue-version")
CATALOGUE_CACHE_SECONDS = 600


def catalogue_version() -> str:
    return CATALOGUE_VERSION.current()


def catalogue_changed() -> None:
    """Stock, a listing or a product changed: cached listing pages and product facts are no longer used."""
    CATALOGUE_VERSION.replace_now_and_after_commit()


def catalogue_cache_key(params) -> str:
    query = "&".join(f"{key}={value}" for key, values in sorted(params.lists()) for value in sorted(values))
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"shop:catalogue:{catalogue_version()}:{get_language()}:{digest}"


@dataclass
class Facet:
    param: str
    label: str
    field: str
    values: list[tuple[str, str, int, bool]] = field(default_factory=list)  # value, label, count, selected


FACETS = [
    ("categorie", _("Category"), "category"),
    ("etat", _("Grade"), "grade"),
    ("memoire", _("Memory (GB)"), "ram_gb"),
    ("stockage", _("Storage (GB)"), "storage_gb"),
    ("ecran", _("Screen size (inches)"), "screen_inches"),
    ("systeme", _("Operating system"), "os"),
    ("retrait", _("Pickup at"), "pickup"),
]
FREE_TEXT_FACETS = ("os",)


def _available_at(workshop_slugs=None):
    stock = StockRecord.objects.filter(product=OuterRef("product"), num_in_stock__gt=Coalesce("num_allocated", 0))
    if workshop_slugs:
        stock = stock.filter(partner__workshop__association__slug__in=workshop_slugs)
    return Exists(stock)


def _decimal(value):
    try:
        return Decimal(value.replace(",", ".")) if value else None
    except InvalidOperation:
        return None


def _vocabulary() -> list[str]:
    """Every word public listings are found by, for correcting typos where trigrams are not available; kept
    under the catalogue version."""
    key = f"shop:search-vocabulary:{catalogue_version()}"
    words = cache.get(key)
    if words is None:
        found = set()
        for text in Listing.objects.filter(product__is_public=True).values_list("search_text", flat=True):
            found.update(text.split())
        words = sorted(found)
        cache.set(key, words, CATALOGUE_CACHE_SECONDS)
    return words


def text_filter(query: str) -> Q:
    """The listings holding every word of the query (see `shop.search_words`): a word is the start of one of
    theirs (a size, a whole word); a word found in none of them is matched as a likely typo — by trigram
    word similarity on PostgreSQL, by the closest known words (difflib) elsewhere."""
    condition = Q()
    vocabulary = None
    for word in query_words(query):
        if word.replace(".", "", 1).isdigit():  # a bare size: memory, storage or screen, whole
            matches = Q()
            for spelled in (word, f"{word}go", f"{word}pouces"):
                matches |= Q(search_text__contains=f" {spelled} ")
        else:  # a size with its unit is a whole word; other words are the start of one
            matches = Q(search_text__contains=f" {word} " if word[0].isdigit() else f" {word}")
        if len(word) >= 4 and not word[0].isdigit():
            vocabulary = _vocabulary() if vocabulary is None else vocabulary
            if not any(known.startswith(word) for known in vocabulary):  # no listing has it: a typo?
                if connection.vendor == "postgresql":
                    matches |= GreaterThanOrEqual(TrigramWordSimilarity(word, "search_text"), TYPO_SIMILARITY)
                else:
                    for close in difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.75):
                        matches |= Q(search_text__contains=f" {close} ")
        condition &= matches
    return condition


def search_products(query: str, limit: int = 12) -> list:
    """The public products found by `query`, as in the catalogue (the site search shows these)."""
    listings = Listing.objects.filter(product__is_public=True).filter(_available_at()).filter(text_filter(query))
    return [listing.product for listing in listings.select_related("product").order_by("price", "pk")[:limit]]


@dataclass
class Browse:
    listings: object
    facets: list[Facet]
    query: str
    sort: str
    price_min: Decimal | None
    price_max: Decimal | None
    count: int | None = None  # number of listings found, when the facet counts gave it


def browse(params) -> Browse:
    """Filter the public, available listings by the GET parameters; count each facet's values."""
    selected = {param: [v for v in params.getlist(param) if v] for param, _label, _field in FACETS}
    query = params.get("q", "").strip()[:200]
    sort = params.get("tri", "prix") if params.get("tri") in SORTS else "prix"
    price_min, price_max = _decimal(params.get("prix_min", "")), _decimal(params.get("prix_max", ""))

    base = Listing.objects.filter(product__is_public=True)
    if query:
        base = base.filter(text_filter(query))
    if price_min is not None:
        base = base.filter(price__gte=price_min)
    if price_max is not None:
        base = base.filter(price__lte=price_max)

    def apply(queryset, skip=None):
        for param, _label, field_name in FACETS:
            values = selected[param]
            if param == skip or not values:
                continue
            if field_name == "pickup":
                continue
            queryset = queryset.filter(**{f"{field_name}__in": values})
        pickup = selected["retrait"] if skip != "retrait" else []
        return queryset.filter(_available_at(pickup))

    # The facets with no value chosen all count the listings that every filter selects: one query counts
    # them together, grouped by all those facets at once; its groups add up to the number of listings found.
    # Values are shown in the database's order: numbers and codes sort alike everywhere, and the one free
    # text (the system) leads the query's ORDER BY so that it keeps the database's collation.
    shared = [field_name for param, _label, field_name in FACETS if field_name != "pickup" and not selected[param]]
    shared_counts = {field_name: Counter() for field_name in shared}
    found = None
    if shared:
        found = 0
        grouped = apply(base).values_list(*shared).annotate(n=Count("pk"))
        for *values, n in grouped.order_by(*[f for f in shared if f in FREE_TEXT_FACETS]):
            found += n
            for field_name, value in zip(shared, values, strict=True):
                if value is not None and value != "":
                    shared_counts[field_name][value] += n

    facets = []
    labels = {
        "category": dict(Device.Category.choices),
        "grade": dict(Device.Grade.choices),
    }
    for param, label, field_name in FACETS:
        facet = Facet(param=param, label=str(label), field=field_name)
        if field_name == "pickup":
            scoped = apply(base, skip="retrait")
            rows = (
                StockRecord.objects.filter(
                    product__listing__in=scoped.values("pk"),
                    num_in_stock__gt=Coalesce("num_allocated", 0),
                    partner__workshop__isnull=False,
                )
                .values_list("partner__workshop__association__slug", "partner__workshop__association__name")
                .annotate(n=Count("product", distinct=True))
                .order_by("partner__workshop__association__name")
            )
            for slug, name, count in rows:
                facet.values.append((slug, name, count, slug in selected[param]))
        else:
            if field_name in FREE_TEXT_FACETS and field_name in shared_counts:
                rows = shared_counts[field_name].items()  # counted in the database's order
            elif field_name in shared_counts:
                rows = sorted(shared_counts[field_name].items())
            else:
                rows = (
                    apply(base, skip=param).exclude(**{f"{field_name}__isnull": True}).exclude(**{field_name: ""})
                    if field_name in ("category", "grade", "os")
                    else apply(base, skip=param).exclude(**{f"{field_name}__isnull": True})
                )
                rows = rows.values_list(field_name).annotate(n=Count("pk")).order_by(field_name)
            for value, n in rows:
                shown = labels.get(field_name, {}).get(value, value)
                facet.values.append((str(value), str(shown), n, str(value) in selected[param]))
        facets.append(facet)

    listings = (
        apply(base).select_related("product").annotate(photo_image_id=main_photo_image_id()).order_by(*SORTS[sort])
    )
    return Browse(
        listings=listings,
        facets=facets,
        query=query,
        sort=sort,
        price_min=price_min,
        price_max=price_max,
        count=found,
    )
