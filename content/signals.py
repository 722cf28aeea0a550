"""Keep cached HTML and menus right (any change of what is published makes them stale); a new member
association gets the draft of its member page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from django.core.cache import cache
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from content.cache import content_version_bump
from content.context_processors import MENU_CACHE_KEY
from content.models import ImpactFigures, MemberPage, NetworkIndexPage, OrganisationSettings, Partner
from devices.models import Association


def on_publication_change(**kwargs):
    # Never `clear()`: on Redis that would empty the whole database (sessions, rate limits, task queue).
    # Cached pages and fragments carry the content version in their keys; the old ones simply expire.
    cache.delete(MENU_CACHE_KEY)
    content_version_bump()


page_published.connect(on_publication_change, dispatch_uid="content-published")
page_unpublished.connect(on_publication_change, dispatch_uid="content-unpublished")
post_delete.connect(on_publication_change, sender=Page, dispatch_uid="content-page-deleted")

post_page_move.connect(on_publication_change, dispatch_uid="content-page-moved")
# What the routing keeps per content version (`content.routing`): sites and view restrictions.
# Member associations' identities are on member and legal pages.
for model in (Partner, ImpactFigures, OrganisationSettings, Site, PageViewRestriction, Association):
    post_save.connect(on_publication_change, sender=model, dispatch_uid=f"content-changed-{model.__name__}")
    post_delete.connect(on_publication_change, sender=model, dispatch_uid=f"content-deleted-{model.__name__}")


def member_page_draft(sender, instance, created, raw=False, **kwargs):
    """A new member association gets the draft of its member page, for editors to write and publish."""
    if not created or raw or MemberPage.objects.filter(association=instance).exists():
        return
    network = NetworkIndexPage.objects.first()
    if network is None or network.get_children().filter(slug=instance.slug).exists():
        return
    page = MemberPage(
        title=instance.name,
        slug=instance.slug,
        association=instance,
        short_description=_("Member association of the OGO network in %(city)s.")
        % {"city": instance.city or "Bretagne"},
        live=False,
    )
    network.add_child(instance=page)
    page.save_revision()


post_save.connect(member_page_draft, sender=Association, dispatch_uid="content-member-page-draft")


def site_domain_follow_base_url(sender, **kwargs):
    """After every migration: the Django Site (allauth's and Oscar's e-mails) is SITE_BASE_URL's host and
    port, so links in those e-mails reach the site as it is served (`make run PORT=…` included)."""
    if sender.name != "content":
        return
    domain = urlsplit(settings.SITE_BASE_URL).netloc
    if domain:
        manager = DjangoSite.objects.using(kwargs.get("using", "default"))
        manager.filter(pk=settings.SITE_ID).exclude(domain=domain).update(domain=domain)


post_migrate.connect(site_domain_follow_base_url, dispatch_uid="content-site-domain")
