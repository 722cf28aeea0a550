"""Paths that depend on the demo data, looked up in the benchmark database.

Run by run.py in a child process with the site's settings and environment; prints a JSON object
{name: path or null} for the names given on the command line. To measure a new kind of page whose
path is not fixed, add a function here and use "{name}" as its path in run.py's PAGES.
"""

import json
import os
import sys
from pathlib import Path

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


LOOKUPS = {"story": story, "news": news, "product": product}


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
