"""Serving a public page without walking the page tree at every request.

Wagtail finds the page of a URL by asking each page on the way for its child (one query and one `.specific`
query per level: four for a member page), after looking the site up (one query) and before reading the
page's view restrictions and its ancestors' (one more). Per worker process and per content version (which
every publication, move, site or privacy change replaces, `content/signals.py`), this module keeps:

- the site of each host name and port (`request._wagtail_site`, which Wagtail's `Site.find_for_request`
  reads first), with its root page;
- every live page's path under each site root, with its model, and the pages served (up to KEPT_PAGES):
  a page is read once per version, then served from memory — as its fragments are;
- whether any page has a view restriction at all (none on a public site: nothing to read per request).

A path not in the map (a routable page's sub-page such as `/actualites/rss/`, a page just published by
another process before the version reached this one) goes through Wagtail's own routing, so the map can
only make a lookup faster, never answer differently. With the cache unreachable (no version), nothing is
kept: Wagtail's routing as it is.
"""

from django.contrib.contenttypes.models import ContentType
from django.http.request import split_domain_port
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.url_routing import RouteResult

from content.cache import content_version

KEPT_PAGES = 2_000  # pages kept per process and version (the most visited come first); others: one query
_kept: dict = {"version": None, "sites": {}, "routes": {}, "pages": {}, "restricted": None}


def _memo(version):
    """This process's memo for `version`, emptied when the version changes; None without a version."""
    if not version:
        return None
    if _kept["version"] != version:
        _kept.update(version=version, sites={}, routes={}, pages={}, restricted=None)
    return _kept


def site_for_request(request):
    """Wagtail's `Site._find_for_request`, kept per host and port for the content version."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    memo = _memo(content_version(request))
    if memo is not None and (hostname, port) in memo["sites"]:
        return memo["sites"][(hostname, port)]
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        site = None
    if site is not None:
        site.root_page  # noqa: B018 (read once, kept with the site)
    if memo is not None:
        memo["sites"][(hostname, port)] = site
    return site


def known_site(get_response):
    """Middleware: the request's Wagtail site from the memo (Wagtail then skips its own query)."""

    def middleware(request):
        request._wagtail_site = site_for_request(request)
        return get_response(request)

    return middleware


def _live_paths(root) -> dict[str, tuple[int, int]]:
    prefix = root.url_path
    rows = Page.objects.live().descendant_of(root).values_list("url_path", "content_type_id", "pk")
    return {url_path[len(prefix) :].strip("/"): (content_type_id, pk) for url_path, content_type_id, pk in rows}


def route(root, request, path_components) -> RouteResult | None:
    """The page at `path_components` under `root` in one query, or None (then Wagtail routes as usual)."""
    if not path_components:
        return None
    memo = _memo(content_version(request))
    if memo is None:
        return None
    paths = memo["routes"].get(root.pk)
    if paths is None:
        paths = memo["routes"][root.pk] = _live_paths(root)
    found = paths.get("/".join(path_components))
    if found is None:
        return None
    content_type_id, pk = found
    page = memo["pages"].get(pk)
    if page is None:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            return None
        queryset = model.served_queryset() if hasattr(model, "served_queryset") else model.objects.all()
        page = queryset.filter(pk=pk, live=True).first()
        if page is None:
            return None
        if len(memo["pages"]) < KEPT_PAGES:
            memo["pages"][pk] = page
    if isinstance(page, RoutablePageMixin):
        return page.route(request, [])  # its own index view
    return RouteResult(page)


def any_view_restriction() -> bool:
    """Whether any page is private (a password, a login, groups); read once per content version."""
    memo = _memo(content_version())
    if memo is None:
        return PageViewRestriction.objects.exists()
    if memo["restricted"] is None:
        memo["restricted"] = PageViewRestriction.objects.exists()
    return memo["restricted"]


def public(queryset):
    """`queryset.public()`, without its query of every view restriction while no page has any."""
    return queryset.public() if any_view_restriction() else queryset
