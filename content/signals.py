"""Keep cached HTML and menus right: any change of what is published makes them stale."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from content.cache import content_version_bump
from content.context_processors import MENU_CACHE_KEY
from content.models import ImpactFigures, OrganisationSettings, Partner


def on_publication_change(**kwargs):
    # Never `clear()`: on Redis that would empty the whole database (sessions, rate limits, task queue).
    # Cached pages and fragments carry the content version in their keys; the old ones simply expire.
    cache.delete(MENU_CACHE_KEY)
    content_version_bump()


page_published.connect(on_publication_change, dispatch_uid="content-published")
page_unpublished.connect(on_publication_change, dispatch_uid="content-unpublished")
post_delete.connect(on_publication_change, sender=Page, dispatch_uid="content-page-deleted")

for model in (Partner, ImpactFigures, OrganisationSettings):
    post_save.connect(on_publication_change, sender=model, dispatch_uid=f"content-changed-{model.__name__}")
    post_delete.connect(on_publication_change, sender=model, dispatch_uid=f"content-deleted-{model.__name__}")
