"""Oscar's site-wide search form, made only when a template uses it (Oscar's own context processor builds a
haystack form at every request, content pages included: 6 % of a legal page's time)."""

from django.utils.functional import SimpleLazyObject
from oscar.core.loading import get_class

SearchForm = get_class("search.forms", "SearchForm")


def search_form(request):
    return {"search_form": SimpleLazyObject(lambda: SearchForm(request.GET))}
