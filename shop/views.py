from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shop.catalogue import PER_PAGE, SORT_LABELS, browse


@require_GET
def catalogue(request):
    """The shop's listing page: filters, counts, sorting and search, all in the URL so it can be shared."""
    result = browse(request.GET)
    page_obj = Paginator(result.listings, PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "shop/catalogue.html",
        {
            "browse": result,
            "page_obj": page_obj,
            "sort_labels": SORT_LABELS.items(),
            "query_string": query_without_page.urlencode(),
            "query": result.query,
        },
    )
