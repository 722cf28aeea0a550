import oscar.apps.checkout.apps as apps
from django.shortcuts import redirect
from django.urls import URLPattern


def _to_checkout(request, *args, **kwargs):
    return redirect("shop_checkout")


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout app, kept for its URL names, forms and templates' links.

    Its steps would place orders without payment: each of its URLs now leads to Réemploi's one-page
    checkout (`shop.checkout_views`, `shop.services.checkout`), which locks stock, takes payment and places the order.
    """

    name = "shop.checkout"

    def get_urls(self):
        return [URLPattern(pattern.pattern, _to_checkout, name=pattern.name) for pattern in super().get_urls()]
