from urllib.parse import unquote

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_class

from reemploi.ratelimits import client_ip_key
from shop.catalogue import (
    CATALOGUE_CACHE_SECONDS,
    PER_PAGE,
    SORT_LABELS,
    browse,
    catalogue_cache_key,
    catalogue_index,
    catalogue_version,
    product_offer,
)
from shop.catalogue_html import Wording, facet_values, product_card, product_description
from shop.selectors import images_with_renditions

OscarVoucherAddView = get_class("basket.views", "VoucherAddView")


@require_GET
def catalogue(request):
    """The shop's listing page: filters, counts, sorting and search, all in the URL so it can be shared.

    The listing part of the page is the same for every visitor: it is cached per query under the catalogue
    version, which every change of stock, listing or product replaces (so it is right the moment stock
    changes); the layout around it (account links, basket) is rendered for each visitor.
    """
    key = catalogue_cache_key(request.GET)
    main = cache.get(key)
    if main is None:
        result = browse(request.GET)
        words = Wording()
        page_obj = Paginator(result.found, PER_PAGE).get_page(request.GET.get("page"))
        query_without_page = request.GET.copy()
        query_without_page.pop("page", None)
        main = render_to_string(
            "shop/_catalogue_main.html",
            {
                "browse": result,
                "page_obj": page_obj,
                "cards": product_cards(result.found.index, page_obj.object_list, words),
                "facets": [(facet, facet_values(facet, words)) for facet in result.facets if facet.values],
                "sort_labels": SORT_LABELS.items(),
                "query_string": query_without_page.urlencode(),
                "query": result.query,
            },
        )
        cache.set(key, str(main), CATALOGUE_CACHE_SECONDS)
    return render(
        request,
        "shop/catalogue.html",
        {"main": mark_safe(main), "query": request.GET.get("q", "")},  # noqa: S308 (our own template)
    )


def product_cards(index, listing_pks, words: Wording) -> list:
    """The catalogue cards of these listings, in their order, made from the catalogue index (no query but the
    photos' renditions). A card is the same on every page that shows the listing: each is cached under the
    catalogue version."""
    prefix = f"shop:card:{index.version}:{get_language()}:"
    # A copy: with Redis unreachable, django-redis answers every get_many with one shared empty dict, which
    # filling in place would hand to the next caller (Wagtail's renditions lookup got these cards).
    cards = dict(cache.get_many([f"{prefix}{pk}" for pk in listing_pks]))
    missing = [index.cards[pk] for pk in listing_pks if f"{prefix}{pk}" not in cards]
    if missing:
        photographed = [facts.photo_image_id for facts in missing if facts.photo_image_id]
        images = images_with_renditions(photographed) if photographed else {}
        made = {
            f"{prefix}{facts.pk}": product_card(facts, words, images.get(facts.photo_image_id)) for facts in missing
        }
        cache.set_many(made, CATALOGUE_CACHE_SECONDS)
        cards.update(made)
    return [mark_safe(cards[f"{prefix}{pk}"]) for pk in listing_pks]  # noqa: S308 (escaped by format_html)


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page, its body cached.

    What the page shows of the product — photos, characteristics, stock per workshop, price and the
    add-to-basket form — is the same for every visitor while the catalogue does not change: it is rendered
    once per catalogue version (`shop/_product_body.html`) with a mark where the visitor's CSRF token goes,
    which each request fills in; a page whose body is cached is served without reading the product again
    (its path, title and description are cached with it: a wrong slug still redirects). Making a body reads
    the product and its listing in one query, and what it offers (stock per workshop, a passport to look at)
    from the catalogue index. A product that cannot be bought shows Oscar's stock-alert form, which depends
    on the visitor: its body is not cached, nor is a product that is not public (staff preview it).
    """

    CSRF_MARK = "<!-- csrf -->"
    template_name = "oscar/catalogue/detail.html"  # one template for every product (none per class or UPC)

    @staticmethod
    def shared_key(pk) -> str:
        return f"shop:product-page:{catalogue_version()}:{get_language()}:{pk}"

    def get(self, request, *args, **kwargs):
        shared = cache.get(self.shared_key(kwargs["pk"]))
        if shared is not None and unquote(shared["path"]) == unquote(request.path):
            return self.response_class(request, [self.template_name], self.page_context(shared))
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [self.template_name]

    def get_queryset(self):
        return super().get_queryset().select_related("listing", "product_class")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product, request = self.object, self.request
        index = catalogue_index()
        offer = index.offer(product.pk) or product_offer(product)
        if not index.options_exist:
            product.has_options = False  # Oscar's cached property: no query to find none
        context.update(offer=offer, available=offer.available, csrf_field=mark_safe(self.CSRF_MARK), request=request)
        # Rendered without the context processors (the page around it runs them), but for a product that cannot
        # be bought: Oscar's stock-alert form needs the visitor's CSRF token and user.
        shared = {
            "path": product.get_absolute_url(),
            "title": product.get_title(),
            "description": product_description(product),
            "body": render_to_string("shop/_product_body.html", context, request=None if offer.available else request),
        }
        if offer.available and product.is_public:
            cache.set(self.shared_key(product.pk), shared, CATALOGUE_CACHE_SECONDS)
        context.update(self.page_context(shared))
        return context

    def page_context(self, shared) -> dict:
        body = shared["body"].replace(self.CSRF_MARK, csrf_input(self.request))
        return {"title": shared["title"], "description": shared["description"], "body": mark_safe(body)}  # noqa: S308


VOUCHER_CODE_RATE = "10/10m"  # codes tried per address: a person types theirs once or twice


class VoucherAddView(OscarVoucherAddView):
    """Oscar's "add a promo code" form, limited per address: a solidarity voucher's code is worth money, and
    an unlimited form would let anyone try codes until one works."""

    def post(self, request, *args, **kwargs):
        if is_ratelimited(
            request, group="basket-voucher", key=client_ip_key, rate=VOUCHER_CODE_RATE, method="POST", increment=True
        ):
            messages.error(request, _("Too many codes tried from your connection: try again in a few minutes."))
            return redirect("basket:summary")
        return super().post(request, *args, **kwargs)
