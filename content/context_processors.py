from django.core.cache import cache
from wagtail.models import Page, Site

from content.cache import content_version

MENU_CACHE_KEY = "content:main-menu"


def main_menu(request):
    """The home page's children shown in menus, as (title, url) pairs; cached until a page is published."""
    menu = cache.get(MENU_CACHE_KEY)
    if menu is None:
        site = Site.find_for_request(request)
        menu = []
        if site is not None:
            root = site.root_page
            pages = Page.objects.live().in_menu().child_of(root).order_by("path").only("title", "url_path")
            root_url = root.url_path
            menu = [(page.title, "/" + page.url_path[len(root_url) :]) for page in pages]
        cache.set(MENU_CACHE_KEY, menu, 300)
    return menu


def site_chrome(request):
    return {"main_menu": main_menu(request), "content_version": content_version(request)}
