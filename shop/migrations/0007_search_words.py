"""The listings' search words in buyers' terms (`shop.search_words`), and PostgreSQL's trigrams for typos."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def recompute(apps, schema_editor):
    from shop.search_words import listing_words

    Listing = apps.get_model("shop", "Listing")
    for listing in Listing.objects.select_related("product").iterator(chunk_size=500):
        listing.search_text = f" {listing_words(listing)} "
        listing.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("shop", "0006_checkout_stripe_customer")]

    operations = [
        TrigramExtension(),  # does nothing on other databases than PostgreSQL
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
