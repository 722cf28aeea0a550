"""Paths that depend on the demo data, looked up in the benchmark database.

Run by run.py in a child process with the site's settings and environment; prints a JSON object
{name: path, list of paths, or null} for the names given on the command line. To measure a new kind of
page whose path is not fixed, add a function here and use "{name}" as its path in run.py's PAGES; a
function returning a list ("{*name}" in PAGES) makes wrk spread its requests over all those paths.
"""

import itertools
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def _first_live(model_label):
    """Public path of the first live page of a model (in tree order), or None."""
    from django.apps import apps

    page = apps.get_model(model_label).objects.live().public().order_by("path").first()
    if page is None:
        return None
    parts = page.get_url_parts()
    return parts[2] if parts else None


def story():
    return _first_live("content.StoryPage")


def news():
    return _first_live("content.NewsPage")


def product():
    """Product page of the benchmark catalogue (bench/shop_catalogue.py): its first laptop in stock at two
    workshops or more, as buyers reach it (Oscar's `/boutique/catalogue/<slug>_<pk>/`)."""
    from django.db.models import Count, Q
    from shop_catalogue import BATCH_PREFIX

    from shop.models import Listing

    listing = (
        Listing.objects.filter(
            category="laptop",
            product__is_public=True,
            product__listed_devices__device__batch__reference__startswith=BATCH_PREFIX,
        )
        .annotate(
            workshops=Count("product__stockrecords", filter=Q(product__stockrecords__num_in_stock__gt=0), distinct=True)
        )
        .filter(workshops__gte=2)
        .order_by("pk")
        .select_related("product")
        .first()
    )
    return listing.product.get_absolute_url() if listing else None


def photographed_product():
    """The page of a product of the demo whose devices have photos (the gallery is part of what is measured)."""
    from devices.models import DevicePhoto
    from shop.models import ListedDevice

    photo = DevicePhoto.objects.filter(device__shop_listings__order_line__isnull=True).order_by("pk").first()
    if photo is None:
        return None
    return ListedDevice.objects.filter(device=photo.device).select_related("product").get().product.get_absolute_url()


def _all_live(model_label):
    from django.apps import apps

    pages = apps.get_model(model_label).objects.live().public().order_by("path")
    return [parts[2] for parts in (page.get_url_parts() for page in pages) if parts]


def stories():
    """Every live story (not one repeated)."""
    return _all_live("content.StoryPage")


def news_items():
    """Every live news item."""
    return _all_live("content.NewsPage")


def members():
    """Every live member association's page."""
    return _all_live("content.MemberPage")


def form_pages():
    """Every live form page (contact, equipment offers, newsletter…)."""
    return _all_live("content.FormPage")


def standard_pages():
    """Every live standard page (legal notice, privacy, terms…)."""
    return _all_live("content.StandardPage")


def network():
    return _first_live("content.NetworkIndexPage")


def partners():
    return _first_live("content.PartnersPage")


def stories_list():
    return _first_live("content.StoryIndexPage")


def products():
    """Every product page of the catalogue in stock, as buyers reach them."""
    from shop.catalogue import available_listings

    listings = available_listings().select_related("product").order_by("pk")
    return [listing.product.get_absolute_url() for listing in listings]


def listings():
    """400 distinct listing pages: combinations of category, grade, memory, a search word, the sort and the
    page, drawn with a fixed seed (the same set every run)."""
    categories = ["", "laptop", "desktop", "screen"]
    grades = ["", "A", "B", "C"]
    memories = ["", "8", "16"]
    words = ["", "lenovo", "dell", "hp", "ordinateur portable", "ssd 256", "thinkpad"]
    sorts = ["prix", "-prix", "memoire", "recent"]
    pages = ["", "2"]
    combinations = list(itertools.product(categories, grades, memories, words, sorts, pages))
    random.Random(2026).shuffle(combinations)
    paths = []
    for category, grade, memory, word, sort, page in combinations[:400]:
        params = {"categorie": category, "etat": grade, "memoire": memory, "q": word, "tri": sort, "page": page}
        paths.append("/boutique/catalogue/?" + urlencode({k: v for k, v in params.items() if v}))
    return paths


LOOKUPS = {
    "story": story,
    "news": news,
    "product": product,
    "stories": stories,
    "news_items": news_items,
    "products": products,
    "photographed_product": photographed_product,
    "listings": listings,
    "members": members,
    "form_pages": form_pages,
    "standard_pages": standard_pages,
    "network": network,
    "partners": partners,
    "stories_list": stories_list,
}


def main(names):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.production")
    import django

    django.setup()
    unknown = [name for name in names if name not in LOOKUPS]
    if unknown:
        sys.exit(f"unknown lookup(s): {', '.join(unknown)} (known: {', '.join(sorted(LOOKUPS))})")
    print(json.dumps({name: LOOKUPS[name]() for name in names}))


if __name__ == "__main__":
    main(sys.argv[1:])
