"""Last line of defence: no product is saved with banned wording, whatever form or script saves it. And a new
member association gets its workshop (Oscar partner) at once, so its pickup place exists before its first
listing; the partner keeps the association's name."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from oscar.core.loading import get_model

from devices.models import Association, DevicePhoto
from shop.catalogue import catalogue_changed
from shop.models import ListedDevice, Listing
from shop.services.listings import workshop_partner
from shop.wording import validate_listing_wording

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Option = get_model("catalogue", "Option")
ProductClass = get_model("catalogue", "ProductClass")


def _refuse_banned_wording(sender, instance, **kwargs):
    validate_listing_wording(instance.title)
    validate_listing_wording(instance.description)


pre_save.connect(_refuse_banned_wording, sender=Product, dispatch_uid="shop-refuse-banned-wording")


def _refresh_listing_search_text(sender, instance, **kwargs):
    listing = getattr(instance, "listing", None) if instance.pk else None
    if listing is not None:
        listing.save(update_fields=["search_text"])


post_save.connect(_refresh_listing_search_text, sender=Product, dispatch_uid="shop-listing-search-text")


def _catalogue_changed(sender, **kwargs):
    catalogue_changed()


# Saves and deletions of what the listing and product pages show (the shop's services, Oscar's dashboard, the
# admin); Oscar's product options because the add-to-basket form shows them.
# Stock changed with QuerySet.update() (Oscar's allocation, the after-sale steps) calls catalogue_changed().
for _model in (Product, StockRecord, Listing, ListedDevice, DevicePhoto, Option):
    post_save.connect(_catalogue_changed, sender=_model, dispatch_uid=f"shop-catalogue-changed-{_model.__name__}")
    post_delete.connect(_catalogue_changed, sender=_model, dispatch_uid=f"shop-catalogue-deleted-{_model.__name__}")
for _through in (ProductClass.options.through, Product.product_options.through):
    m2m_changed.connect(_catalogue_changed, sender=_through, dispatch_uid=f"shop-catalogue-options-{_through.__name__}")


def member_workshop(sender, instance, created, raw=False, **kwargs):
    """A new member's workshop and partner; a renamed member's partner renamed with it."""
    if raw:
        return
    if created:
        workshop_partner(instance)
        return
    renamed = Partner.objects.filter(workshop__association=instance).exclude(name=instance.name)
    if renamed.update(name=instance.name):
        catalogue_changed()  # product pages name the workshops holding stock


post_save.connect(member_workshop, sender=Association, dispatch_uid="shop-member-workshop")
