"""Listings: products offered for sale, the registry's devices under them, and stock kept equal to those devices.

A product's stock at a workshop is never typed by hand: it is the number of that workshop's devices listed
under the product and not yet handed over. Devices change only through `devices.services`.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from devices import services as device_services
from devices.models import Device
from shop.models import ListedDevice, Listing, Workshop
from shop.wording import validate_listing_wording

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

LISTING_FIELDS = (
    "brand",
    "model_name",
    "cpu",
    "ram_gb",
    "storage_kind",
    "storage_gb",
    "screen_inches",
    "os",
    "keyboard",
    "grade",
    "battery_health_min",
)


def product_class_for(category: str):
    product_class, _created = ProductClass.objects.get_or_create(
        slug=f"reemploi-{category}",
        defaults={"name": str(Device.Category(category).label), "requires_shipping": True, "track_stock": True},
    )
    return product_class


def workshop_partner(association) -> Partner:
    """The Oscar partner of a member association, created (or adopted, by its code) on first use."""
    workshop = Workshop.objects.select_related("partner").filter(association=association).first()
    if workshop:
        return workshop.partner
    partner, _created = Partner.objects.get_or_create(
        code=f"atelier-{association.slug}", defaults={"name": association.name}
    )
    Workshop.objects.create(association=association, partner=partner)
    return partner


@transaction.atomic
def listing_create(*, category: str, title: str, price: Decimal, description: str = "", **facts) -> Listing:
    """A product (Oscar) and its listing facts; text with banned wording is refused."""
    validate_listing_wording(title)
    validate_listing_wording(description)
    unknown = set(facts) - set(LISTING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown listing fields: {', '.join(sorted(unknown))}")
    product = Product(
        title=title,
        description=description,
        product_class=product_class_for(category),
        structure=Product.STANDALONE,
        is_public=True,
    )
    product.save()
    listing = Listing(product=product, category=category, price=price, **facts)
    listing.full_clean()
    listing.save()
    return listing


@transaction.atomic
def stock_sync(*, product, partner) -> StockRecord:
    """Set a workshop's stock of a product to its devices listed and not yet handed over."""
    count = ListedDevice.objects.filter(
        product=product, partner=partner, order_line__isnull=True, device__status=Device.Status.LISTED
    ).count()
    price = Listing.objects.values_list("price", flat=True).get(product=product)
    stock, _created = StockRecord.objects.select_for_update().get_or_create(
        product=product,
        partner=partner,
        defaults={"partner_sku": f"{partner.code}-{product.pk}", "price": price, "num_in_stock": 0},
    )
    stock.num_in_stock = count
    stock.price = price
    stock.save(update_fields=["num_in_stock", "price"])
    return stock


@transaction.atomic
def listing_add_device(*, product, device: Device, actor) -> ListedDevice:
    """Offer a ready, erased device under a product: the registry records the listing, the stock follows."""
    listing = Listing.objects.get(product=product)
    if device.category != listing.category:
        raise ValidationError(
            _("A %(device)s cannot be listed under a product of category %(listing)s.")
            % {"device": device.get_category_display(), "listing": listing.get_category_display()}
        )
    device_services.device_list_for_sale(device=device, actor=actor, listing=product.get_title())
    partner = workshop_partner(device.association)
    listed = ListedDevice.objects.create(device=device, product=product, partner=partner)
    stock_sync(product=product, partner=partner)
    return listed


@transaction.atomic
def listing_remove_device(*, device: Device, actor, reason: str = "") -> None:
    """Withdraw an unsold device from sale."""
    listed = ListedDevice.objects.select_for_update().get(device=device, order_line__isnull=True)
    device_services.device_unlist(device=device, actor=actor, reason=reason)
    product, partner = listed.product, listed.partner
    listed.delete()
    stock_sync(product=product, partner=partner)
