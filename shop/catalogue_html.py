"""The listing page's repeated markup — product cards and facet values — written in Python, not in a template.

A listing page shows 24 cards and some 40 facet values and, over the many filter combinations buyers use,
most of what it shows was not shown a moment before. Django's template engine takes about a millisecond for
one card (each variable, translation and filter is looked up at render time), this module a tenth of it; the
markup is the same and `format_html` escapes every value. The page's frame stays in
`templates/shop/_catalogue_main.html`; cards are also cached under the catalogue version
(`shop.views.product_cards`).
"""

import functools
from decimal import Decimal
from typing import NamedTuple

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.images.models import Filter, Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from devices.models import Device
from reemploi.money import euros


class CardFacts(NamedTuple):
    """What a card shows of a listing (read by `shop.catalogue.CatalogueIndex` with the rest of the catalogue)."""

    pk: int
    product_id: int
    title: str
    slug: str
    category: str
    grade: str
    cpu: str
    ram_gb: int | None
    storage_kind: str
    storage_gb: int | None
    screen_inches: Decimal | None
    os: str
    price: Decimal
    photo_image_id: int | None


CARD_PHOTO_FILTERS = [Filter(spec) for spec in Filter.expand_spec("format-{webp,jpeg}|fill-{320x240,640x480}")]
CARD_PHOTO_ATTRS = {"sizes": "(max-width: 40em) 100vw, 20rem", "alt": "", "loading": "lazy"}


@functools.cache
def category_drawing(category: str) -> str:
    """The drawing shown for a listing without a photo (`static/img/categories/`)."""
    return static(f"img/categories/{category}.svg")


class Wording:
    """The active language's words and number format, looked up once for all the cards of a page (each
    `gettext` or `localize` call asks which language is active)."""

    def __init__(self):
        self.grades = {value: str(label) for value, label in Device.Grade.choices}
        self.storage_kinds = {value: str(label) for value, label in Device.StorageKind.choices}
        self.memory = gettext("%(n)s GB memory")
        self.storage = gettext("%(n)s GB %(kind)s")
        self.tax = gettext("incl. VAT")
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")
        self.grouping = get_format("NUMBER_GROUPING")
        self.thousand_separator = get_format("THOUSAND_SEPARATOR")

    def number(self, value) -> str:
        return numberformat.format(
            value, self.decimal_separator, None, self.grouping, self.thousand_separator, force_grouping=False
        )


_SLUG, _PK = "product-slug-mark", 987654321


@functools.lru_cache(maxsize=8)
def _product_url_pattern(script_prefix: str) -> str:
    return reverse("catalogue:detail", kwargs={"product_slug": _SLUG, "pk": _PK})


def product_url(slug: str, product_id: int) -> str:
    """Oscar's product URL (`catalogue:detail`), reversed once and filled in: reversing takes longer than
    writing the rest of a card."""
    pattern = _product_url_pattern(get_script_prefix())
    return pattern.replace(str(_PK), str(product_id), 1).replace(_SLUG, slug, 1)  # the pk first: a slug may hold digits


def card_media(listing, photo) -> str:
    if photo is None:
        return format_html(
            '<img src="{}" width="320" height="240" alt="" loading="lazy">', category_drawing(listing.category)
        )
    # Renditions are made once, then read from the image's prefetched renditions; a lost file gives Wagtail's
    # "not found" rendition rather than an error, as the `{% picture %}` tag does.
    renditions = get_renditions_or_not_found(photo, CARD_PHOTO_FILTERS)
    return Picture(renditions, CARD_PHOTO_ATTRS).__html__()


def card_specs(listing, words: Wording) -> list[str]:
    specs = []
    if listing.cpu:
        specs.append(listing.cpu)
    if listing.ram_gb:
        specs.append(words.memory % {"n": words.number(listing.ram_gb)})
    if listing.storage_gb:
        kind = words.storage_kinds.get(listing.storage_kind, listing.storage_kind)
        specs.append(words.storage % {"n": words.number(listing.storage_gb), "kind": kind})
    if listing.screen_inches:
        specs.append(f"{words.number(listing.screen_inches)}″")
    if listing.os:
        specs.append(listing.os)
    return specs


def product_card(listing: CardFacts, words: Wording, photo=None) -> str:
    """One card: photo (or the category's drawing), title linking to the product, grade, specs, price."""
    return format_html(
        '<li class="card product-card">\n'
        '  <div class="card__media">{media}</div>\n'
        '  <div class="card__body">\n'
        '    <h3 class="card__title"><a href="{url}">{title}</a></h3>\n'
        '    <p class="card__meta">{grade}</p>\n'
        '    <ul class="specs">{specs}</ul>\n'
        '    <p class="price">{price} <span class="price__tax">{tax}</span></p>\n'
        "  </div>\n"
        "</li>",
        media=card_media(listing, photo),
        url=product_url(listing.slug, listing.product_id),
        title=listing.title,
        grade=words.grades.get(listing.grade, listing.grade),
        specs=mark_safe("".join(f"<li>{escape(spec)}</li>" for spec in card_specs(listing, words))),  # noqa: S308
        price=euros(listing.price),
        tax=words.tax,
    )


def facet_values(facet, words: Wording) -> str:
    """A facet's checkboxes, each with its value's count (`shop.catalogue.Facet`)."""
    return format_html_join(
        "\n",
        '<div class="facet__value"><input type="checkbox" id="f-{0}-{1}" name="{0}" value="{2}"{3}>'
        ' <label for="f-{0}-{1}">{4} <span class="count">({5})</span></label></div>',
        (
            (facet.param, number, value, mark_safe(" checked") if selected else "", label, words.number(count))
            for number, (value, label, count, selected) in enumerate(facet.values, start=1)
        ),
    )


def product_description(product) -> str:
    """The product page's meta description: what it is, its main specs, its price and guarantee."""
    listing = getattr(product, "listing", None)
    if listing is None:
        return gettext("Refurbished computer from the OGO network, tested, erased and guaranteed two years.")
    words = Wording()
    specs = ", ".join(card_specs(listing, words))
    return gettext(
        "%(title)s, refurbished by the OGO network (%(grade)s): %(specs)s. %(price)s incl. VAT, guaranteed two years."
    ) % {
        "title": product.get_title(),
        "grade": words.grades.get(listing.grade, listing.grade),
        "specs": specs,
        "price": euros(listing.price),
    }
