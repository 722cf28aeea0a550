from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from shop.catalogue import CATALOGUE_CACHE_SECONDS, PER_PAGE, SORT_LABELS, browse, catalogue_cache_key
from shop.selectors import images_with_renditions


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
        paginator = Paginator(result.listings, PER_PAGE)
        if result.count is not None:
            paginator.count = result.count  # known from the facet counts: no second COUNT query
        page_obj = paginator.get_page(request.GET.get("page"))
        images = images_with_renditions(listing.photo_image_id for listing in page_obj if listing.photo_image_id)
        for listing in page_obj:
            listing.photo = images.get(listing.photo_image_id)
        query_without_page = request.GET.copy()
        query_without_page.pop("page", None)
        main = render_to_string(
            "shop/_catalogue_main.html",
            {
                "browse": result,
                "page_obj": page_obj,
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
