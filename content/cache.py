"""A version number of the published content, part of every cached fragment's key.

Any publication, partner or settings change bumps it, so a fragment cached under the old number is never
served again (the stale entries simply expire).
"""

import time

from django.core.cache import cache

CONTENT_VERSION_KEY = "content:version"


def content_version() -> int:
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(CONTENT_VERSION_KEY, version, None)
        version = cache.get(CONTENT_VERSION_KEY, version)
    return version


def content_version_bump(**kwargs) -> None:
    cache.set(CONTENT_VERSION_KEY, time.time_ns(), None)


def cached_page_view(view, seconds: int, cache_alias: str = "pages"):
    """`view` behind Django's page cache, its keys prefixed with the current content version."""
    from django.views.decorators.cache import cache_page

    def wrapped(request, *args, **kwargs):
        prefix = f"v{content_version()}"
        return cache_page(seconds, cache=cache_alias, key_prefix=prefix)(view)(request, *args, **kwargs)

    return wrapped
