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


LOOKUPS = {"story": story, "news": news}


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
