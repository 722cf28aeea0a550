"""Browsing the catalogue: combinable filters with a count per value, sorting, text search.

Why not Oscar's Haystack browse: its default backend lists no products, and a search server would be one
more service to run and keep in step with stock. Listings keep their facts in columns (`shop.models.Listing`);
each process reads them once per catalogue version into a `CatalogueIndex`: for every facet value, the set
of listings that have it, as a bit mask (bit *i* = the *i*-th listing). A filter is then an AND of ORs of
masks and a facet count a population count, a few microseconds each, whatever the combination of filters —
so buyers get the same speed on every page of every filter, not only on the pages somebody asked before.
Any change of stock, listing or product replaces the catalogue version (`catalogue_changed`), and the next
request reads the catalogue again: counts are right the moment stock changes. The text search reads the
words buyers use (`shop.search_words`), typos included (trigram similarity on PostgreSQL).
"""

import bisect
import difflib
import hashlib
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from devices.models import Device
from reemploi.cache_versions import CacheVersion
from shop.catalogue_html import CardFacts
from shop.models import Listing
from shop.search_words import query_words
from shop.selectors import main_photos, on_sale_asset_tags

StockRecord = get_model("partner", "StockRecord")
Option = get_model("catalogue", "Option")

SORTS = ("prix", "-prix", "memoire", "recent")
SORT_LABELS = {
    "prix": _("Price, lowest first"),
    "-prix": _("Price, highest first"),
    "memoire": _("Most memory"),
    "recent": _("Newest"),
}
PER_PAGE = 24
# PostgreSQL: how close a word unknown to every listing must be to one of a listing's words (pg_trgm).
TYPO_SIMILARITY = 0.4
# Cached pieces of the catalogue (listing pages, product cards, product facts) live under a version that
# every catalogue change replaces.
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
FIELDS = [field_name for _param, _label, field_name in FACETS if field_name != "pickup"]
# What a card shows after the listing's and product's pks, as read from the listing (see `CardFacts`).
CARD_COLUMNS = ("product__title", "product__slug", *CardFacts._fields[4:-1])


def _decimal(value):
    """A price typed in the filter (a comma or a point), or None when it is not a finite number (NaN, inf)."""
    try:
        number = Decimal(value.replace(",", ".")) if value else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def _whole(value):
    return int(value) if value.isdigit() else None


# How a value in the URL becomes a value of the field (a value that cannot be one is ignored).
PARSERS = {"ram_gb": _whole, "storage_gb": _whole, "screen_inches": _decimal}


def free_stock(prefix: str = ""):
    """Stock records with a device not allocated to an order (`prefix`: the path to them from another model)."""
    return Q(**{f"{prefix}num_in_stock__gt": Coalesce(f"{prefix}num_allocated", 0)})


def available_listings():
    """The public listings with at least one device in stock (not allocated to an order)."""
    return Listing.objects.filter(free_stock("product__stockrecords__"), product__is_public=True).distinct()


def _mask(indices, size: int) -> int:
    bits = bytearray(size // 8 + 1)
    for i in indices:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


class CatalogueIndex:
    """The public listings of one catalogue version, in memory: what every filter, count and sort reads."""

    WORD_MASKS_KEPT = 5000  # masks of search words kept per index (words buyers typed, typos included)

    def __init__(self, version: str):
        self.version = version
        self.read_at = time.monotonic()
        # The public listings in one query (their main photos in another): filters, sort keys, search words and
        # what their cards show.
        photos = {}
        for product_id, image_id in main_photos():
            photos.setdefault(product_id, image_id)  # main photos first
        self.photographed = set(photos)  # products with a photo of a device on sale
        rows = list(
            Listing.objects.filter(product__is_public=True)
            .order_by("pk")
            .values_list("product__date_created", "search_text", "pk", "product_id", *CARD_COLUMNS)
        )
        cards = [CardFacts(*row[2:], photos.get(row[3])) for row in rows]
        self.size = len(rows)
        self.pks = [facts.pk for facts in cards]
        self.row_of = {pk: i for i, pk in enumerate(self.pks)}
        self.cards = dict(zip(self.pks, cards, strict=True))
        self.product_ids = {facts.product_id for facts in cards}
        self.search_texts = [row[1] for row in rows]
        self.prices = [facts.price for facts in cards]
        self.masks: dict[str, dict] = {}
        for field_name in FIELDS:
            groups: dict = {}
            for i, facts in enumerate(cards):
                value = getattr(facts, field_name)
                if value is not None and value != "":
                    groups.setdefault(value, []).append(i)
            self.masks[field_name] = {value: _mask(indices, self.size) for value, indices in groups.items()}
        # Facet values in order: numbers and codes sort alike everywhere; the system is free text, shown in
        # the database's collation.
        self.value_order = {name: sorted(self.masks[name]) for name in FIELDS if name != "os"}
        self.value_order["os"] = list(
            Listing.objects.filter(product__is_public=True)
            .exclude(os="")
            .values_list("os", flat=True)
            .distinct()
            .order_by("os")
        )
        # Where each listing can be picked up: its products' stock records with a device not yet allocated.
        pickup: dict[str, list[int]] = {}
        available = []
        self.places: dict[str, str] = {}
        self.stock: dict[int, list[tuple[str, int]]] = {}  # product id → (workshop, devices free), in record order
        stock = (
            StockRecord.objects.filter(free_stock(), product__listing__product__is_public=True)
            .order_by("pk")
            .values_list(
                "product_id",
                "product__listing__pk",
                "partner__name",
                "num_in_stock",
                "num_allocated",
                "partner__workshop__association__slug",
                "partner__workshop__association__name",
            )
        )
        for product_id, listing_pk, partner, in_stock, allocated, slug, name in stock:
            i = self.row_of.get(listing_pk)
            if i is None:
                continue
            available.append(i)
            self.stock.setdefault(product_id, []).append((partner, in_stock - (allocated or 0)))
            if slug:
                pickup.setdefault(slug, []).append(i)
                self.places[slug] = name
        self.available = _mask(available, self.size)
        self.masks["pickup"] = {slug: _mask(indices, self.size) for slug, indices in pickup.items()}
        self.value_order["pickup"] = sorted(self.places, key=lambda slug: (self.places[slug], slug))
        dates = [row[0] for row in rows]
        memory = [facts.ram_gb for facts in cards]
        everyone = range(self.size)
        self.orders = {
            "prix": sorted(everyone, key=lambda i: (self.prices[i], self.pks[i])),
            "-prix": sorted(everyone, key=lambda i: (-self.prices[i], self.pks[i])),
            # Most memory first, listings without memory (screens) last.
            "memoire": sorted(
                everyone, key=lambda i: (memory[i] is None, -(memory[i] or 0), self.prices[i], self.pks[i])
            ),
            "recent": sorted(everyone, key=lambda i: (-dates[i].timestamp(), self.pks[i])),
        }
        self.price_order = self.orders["prix"]
        self.sorted_prices = [self.prices[i] for i in self.price_order]
        self.vocabulary = sorted({word for text in self.search_texts for word in text.split()})
        self.passports: dict[int, str] = {}  # product id → asset tag of its first device on sale
        for product_id, asset_tag in on_sale_asset_tags():
            self.passports.setdefault(product_id, asset_tag)
        self.options_exist = Option.objects.exists()  # Oscar's product options (the shop uses none)
        self._word_masks: dict[str, int] = {}

    def older_than(self, seconds: float) -> bool:
        return time.monotonic() - self.read_at > seconds

    # --- Filters -------------------------------------------------------------------------------------
    def value_mask(self, field_name: str, values) -> int:
        masks = self.masks[field_name]
        found = 0
        for value in values:
            found |= masks.get(value, 0)
        return found

    def price_mask(self, price_min, price_max) -> int:
        start = 0 if price_min is None else bisect.bisect_left(self.sorted_prices, price_min)
        end = self.size if price_max is None else bisect.bisect_right(self.sorted_prices, price_max)
        return _mask(self.price_order[start:end], self.size)

    def text_mask(self, query: str) -> int:
        """The listings holding every word of the query (see `shop.search_words`): a word is the start of one
        of theirs (a size, a whole word); a word found in none of them is matched as a likely typo — by
        trigram word similarity on PostgreSQL, by the closest known words (difflib) elsewhere."""
        found = (1 << self.size) - 1
        for word in query_words(query):
            mask = self._word_masks.get(word)
            if mask is None:
                mask = self._word_mask(word)
                if len(self._word_masks) >= self.WORD_MASKS_KEPT:
                    self._word_masks.clear()
                self._word_masks[word] = mask
            found &= mask
        return found

    def _word_mask(self, word: str) -> int:
        if word.replace(".", "", 1).isdigit():  # a bare size: memory, storage or screen, whole
            patterns = [f" {spelled} " for spelled in (word, f"{word}go", f"{word}pouces")]
        else:  # a size with its unit is a whole word; other words are the start of one
            patterns = [f" {word} " if word[0].isdigit() else f" {word}"]
        extra = 0
        if len(word) >= 4 and not word[0].isdigit() and not self._known_start(word):  # no listing has it: a typo?
            if connection.vendor == "postgresql":
                similar = Listing.objects.filter(
                    GreaterThanOrEqual(TrigramWordSimilarity(word, "search_text"), TYPO_SIMILARITY),
                    product__is_public=True,
                ).values_list("pk", flat=True)
                extra = _mask((self.row_of[pk] for pk in similar if pk in self.row_of), self.size)
            else:
                patterns += [f" {close} " for close in difflib.get_close_matches(word, self.vocabulary, 3, 0.75)]
        texts = self.search_texts
        return extra | _mask((i for i in range(self.size) if any(p in texts[i] for p in patterns)), self.size)

    def _known_start(self, word: str) -> bool:
        at = bisect.bisect_left(self.vocabulary, word)
        return at < len(self.vocabulary) and self.vocabulary[at].startswith(word)

    # --- Results ------------------------------------------------------------------------------------
    def offer(self, product_id: int) -> "Offer | None":
        """What a public product's page offers (None for a product that is not public)."""
        if product_id not in self.product_ids:
            return None
        stock = self.stock.get(product_id, [])
        return Offer(available=bool(stock), stock=stock, passport=self.passports.get(product_id))

    def ordered(self, mask: int, sort: str) -> "Found":
        return Found(self, mask, self.orders[sort])


@dataclass
class Offer:
    available: bool  # a device is in stock, not allocated to an order
    stock: list[tuple[str, int]]  # (workshop, devices free)
    passport: str | None  # the asset tag of a device on sale, whose passport the page links to


class Found:
    """The listings of a mask in a sort order, as a sequence of listing pks (what `Paginator` pages)."""

    def __init__(self, index: CatalogueIndex, mask: int, order: list[int]):
        self.index, self.mask, self.order = index, mask, order
        self._bits = mask.to_bytes(index.size // 8 + 1, "little")
        self._length = mask.bit_count()

    def __len__(self):
        return self._length

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop, _step = item.indices(self._length)
        if stop <= start:
            return []
        bits, pks, taken = self._bits, self.index.pks, []
        seen = 0
        for i in self.order:
            if bits[i >> 3] >> (i & 7) & 1:
                if seen >= start:
                    taken.append(pks[i])
                    if len(taken) >= stop - start:
                        break
                seen += 1
        return taken


_INDEX: CatalogueIndex | None = None
_INDEX_LOCK = threading.Lock()


def catalogue_index() -> CatalogueIndex:
    """This process's index of the current catalogue version, read again when the version changes — and at
    least every CATALOGUE_CACHE_SECONDS, like every cached piece of the catalogue: with the embedded
    local-memory cache, a change made by another process (a Celery task releasing a reservation) does not
    replace this process's version."""
    global _INDEX
    version = catalogue_version()
    if version is None:  # a cache that keeps nothing (tests): no version to compare, read the catalogue
        return CatalogueIndex(version)

    def usable(index):
        return index is not None and index.version == version and not index.older_than(CATALOGUE_CACHE_SECONDS)

    index = _INDEX
    if not usable(index):
        with _INDEX_LOCK:  # threads of one worker read the catalogue once
            index = _INDEX
            if not usable(index):
                index = _INDEX = CatalogueIndex(version)
    return index


def product_offer(product) -> Offer:
    """What the page of a product that is not public offers (staff preview it): read from the database."""
    records = StockRecord.objects.filter(free_stock(), product=product)
    stock = [(record.partner.name, record.net_stock_level) for record in records.select_related("partner")]
    passport = next((tag for _product, tag in on_sale_asset_tags().filter(product=product)[:1]), None)
    return Offer(available=False, stock=stock, passport=passport)


def search_products(query: str, limit: int = 12) -> list:
    """The public products found by `query`, cheapest first, as in the catalogue (the site search shows
    these)."""
    index = catalogue_index()
    pks = index.ordered(index.text_mask(query) & index.available, "prix")[:limit]
    products = {listing.pk: listing.product for listing in Listing.objects.filter(pk__in=pks).select_related("product")}
    return [products[pk] for pk in pks if pk in products]


@dataclass
class Browse:
    found: Found  # the listing pks found, in the order asked
    facets: list[Facet]
    query: str
    sort: str
    price_min: Decimal | None
    price_max: Decimal | None


def browse(params) -> Browse:
    """Filter the public, available listings by the GET parameters; count each facet's values among the
    listings that the other facets' filters select."""
    index = catalogue_index()
    chosen = {}
    for param, _label, field_name in FACETS:
        parse = PARSERS.get(field_name)
        values = [value for value in params.getlist(param) if value]
        chosen[field_name] = {v for v in (parse(value) for value in values) if v is not None} if parse else set(values)
    query = params.get("q", "").strip()[:200]
    sort = params.get("tri") if params.get("tri") in SORTS else "prix"
    price_min, price_max = _decimal(params.get("prix_min", "")), _decimal(params.get("prix_max", ""))

    base = index.available
    if query:
        base &= index.text_mask(query)
    if price_min is not None or price_max is not None:
        base &= index.price_mask(price_min, price_max)
    facet_masks = {name: index.value_mask(name, values) for name, values in chosen.items() if values}
    found = base
    for mask in facet_masks.values():
        found &= mask

    labels = {"category": dict(Device.Category.choices), "grade": dict(Device.Grade.choices), "pickup": index.places}
    facets = []
    for param, label, field_name in FACETS:
        scope = base  # the listings every other facet's filter selects
        for name, mask in facet_masks.items():
            if name != field_name:
                scope &= mask
        facet = Facet(param=param, label=str(label), field=field_name)
        masks, shown = index.masks[field_name], labels.get(field_name, {})
        for value in index.value_order[field_name]:
            count = (scope & masks[value]).bit_count()
            if count:
                facet.values.append((str(value), str(shown.get(value, value)), count, value in chosen[field_name]))
        facets.append(facet)
    return Browse(
        found=index.ordered(found, sort),
        facets=facets,
        query=query,
        sort=sort,
        price_min=price_min,
        price_max=price_max,
    )
