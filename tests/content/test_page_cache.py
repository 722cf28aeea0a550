"""The anonymous page cache follows publications without emptying the shared cache."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from content.cache import cached_page_view, content_version_bump
from tests import factories

pytestmark = pytest.mark.django_db


def test_cached_pages_are_served_until_the_content_version_changes():
    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse(f"rendu n°{len(calls)}")

    cached = cached_page_view(view, 300)
    request = RequestFactory()
    assert cached(request.get("/actualites/")).content == b"rendu n\xc2\xb01"
    assert cached(request.get("/actualites/")).content == b"rendu n\xc2\xb01"
    content_version_bump()
    assert cached(request.get("/actualites/")).content == b"rendu n\xc2\xb02"


def test_publishing_keeps_the_rest_of_the_cache(home_page):
    # Sessions, rate-limit counters and tasks may share the cache's Redis database: nothing may flush it.
    cache.set("rate-limit-counter", 4, 600)
    index = factories.news_index(home_page)
    factories.news_page(index, title="Une nouvelle publiée")
    assert cache.get("rate-limit-counter") == 4
