from django import template
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from shop.catalogue import catalogue_index
from shop.catalogue import catalogue_version as current_catalogue_version
from shop.selectors import delivery_rate, product_photos

Voucher = get_model("voucher", "Voucher")

register = template.Library()


@register.simple_tag
def catalogue_version() -> str:
    """The version that every catalogue change replaces: fragment caches keyed on it are never stale."""
    return current_catalogue_version()


@register.simple_tag
def product_gallery(product) -> list:
    """The photos of the devices on sale under `product`, main ones first (no query for a product that the
    catalogue index knows has none)."""
    if product.is_public and product.pk not in catalogue_index().photographed:
        return []
    return product_photos(product)


@register.simple_tag
def basket_line_photo(product):
    """The main photo of a basket line's product, or None (the page then shows its category's drawing)."""
    photos = product_photos(product, limit=1)
    return photos[0] if photos else None


@register.simple_tag
def vouchers_offered() -> bool:
    """Whether any offer asks for a code: the promo-code box is shown only then."""
    return Voucher.objects.filter(end_datetime__gte=timezone.now(), start_datetime__lte=timezone.now()).exists()


@register.simple_tag
def margin_scheme() -> bool:
    return settings.SHOP_MARGIN_SCHEME


@register.simple_tag
def delivery_terms() -> dict:
    """What delivery costs and how long it takes (SHOP_DELIVERY_FLAT_RATE, SHOP_DELIVERY_DAYS)."""
    low, high = settings.SHOP_DELIVERY_DAYS
    return {"rate": delivery_rate(), "days_min": low, "days_max": high}
