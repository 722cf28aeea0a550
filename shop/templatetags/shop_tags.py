from django import template

from shop.catalogue import catalogue_version as current_catalogue_version
from shop.selectors import product_photos

register = template.Library()


@register.simple_tag
def catalogue_version() -> str:
    """The version that every catalogue change replaces: fragment caches keyed on it are never stale."""
    return current_catalogue_version()


@register.simple_tag
def product_gallery(product) -> list:
    """The photos of the devices on sale under `product`, main ones first."""
    return product_photos(product)
