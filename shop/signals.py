"""Last line of defence: no product is saved with banned wording, whatever form or script saves it."""

from django.db.models.signals import post_save, pre_save
from oscar.core.loading import get_model

from shop.wording import validate_listing_wording

Product = get_model("catalogue", "Product")


def _refuse_banned_wording(sender, instance, **kwargs):
    validate_listing_wording(instance.title)
    validate_listing_wording(instance.description)


pre_save.connect(_refuse_banned_wording, sender=Product, dispatch_uid="shop-refuse-banned-wording")


def _refresh_listing_search_text(sender, instance, **kwargs):
    listing = getattr(instance, "listing", None) if instance.pk else None
    if listing is not None:
        listing.save(update_fields=["search_text"])


post_save.connect(_refresh_listing_search_text, sender=Product, dispatch_uid="shop-listing-search-text")
