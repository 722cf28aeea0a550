"""The version of the published content, part of every cached fragment's and cached page's key.

Any publication, partner or settings change replaces it (`content/signals.py`), so a fragment cached under
the old version is never served again.
"""

from django.views.decorators.cache import cache_page

from reemploi.cache_versions import CacheVersion

CONTENT_VERSION = CacheVersion("content:version")


def content_version(request=None) -> str:
    """The current version; with `request`, read from the cache once for the whole request (routing, page
    cache and fragments ask for it several times)."""
    if request is None:
        return CONTENT_VERSION.current()
    version = getattr(request, "_content_version", None)
    if version is None:
        version = request._content_version = CONTENT_VERSION.current()
    return version


def content_version_bump(**kwargs) -> None:
    CONTENT_VERSION.replace()


def cached_page_view(view, seconds: int, cache_alias: str = "pages"):
    """`view` behind Django's page cache, its keys prefixed with the current content version."""

    def wrapped(request, *args, **kwargs):
        prefix = f"v{content_version(request)}"
        return cache_page(seconds, cache=cache_alias, key_prefix=prefix)(view)(request, *args, **kwargs)

    return wrapped
