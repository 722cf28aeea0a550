"""Public pages are found without walking the page tree (`content.routing`): the number of queries per page
type is small and does not grow with the number of pages, tags or partners; whatever changes what a URL
answers — a publication, an unpublication, a move, a privacy setting — shows at the next request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from content.cache import content_version_bump
from tests import factories

pytestmark = pytest.mark.django_db

# Queries per page type, anonymous visitor: cold (the first request after a publication: the page, then what
# its cached fragments show — menu, impact figures, members, partners, cards, tags…) and warm (the page comes
# from the worker's memory: only what its view reads live — the home's impact figures, a member's devices on
# sale and in the rental pool, a form's fields). Exact today; a change that adds a query fails here and says
# which page type.
BOUNDS = {
    "home": (9, 1),
    "network": (4, 0),
    "member": (4, 1),
    "partners": (2, 0),
    "news list": (4, 0),
    "news item": (3, 0),
    "stories list": (4, 0),
    "story": (3, 0),
    "form": (2, 1),
    "legal": (1, 0),
}


class Site:
    """A site with pages of every type; `grow` adds pages, tags and partners of each kind."""

    def __init__(self, home_page):
        self.home = home_page
        self.network = factories.network_index(home_page)
        self.partners = factories.partners_page(home_page)
        self.news = factories.news_index(home_page)
        self.stories = factories.story_index(home_page)
        self.form = factories.form_page(
            home_page, fields=[{"label": "Message", "field_type": "multiline", "required": True}]
        )
        self.members, self.items, self.tales, self.legal, self.tags = [], [], [], [], []

    def grow(self, count: int):
        self.tags += [f"sujet-{len(self.tags) + n}" for n in range(count)]
        for _ in range(count):
            self.members.append(factories.member_page(self.network))
            factories.PartnerFactory()
            self.items.append(factories.news_page(self.news, tags=self.tags))
            self.tales.append(factories.story_page(self.stories, tags=self.tags))
            self.legal.append(factories.standard_page(self.home))

    def paths(self) -> dict[str, str]:
        return {
            "home": "/",
            "network": self.network.url,
            "member": self.members[0].url,
            "partners": self.partners.url,
            "news list": self.news.url,
            "news item": self.items[0].url,
            "stories list": self.stories.url,
            "story": self.tales[0].url,
            "form": self.form.url,
            "legal": self.legal[0].url,
        }


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def counts(site) -> dict[str, tuple[int, int]]:
    client = Client()
    client.get("/")  # the site's settings (impact figures, contact details) are made at their first reading
    content_version_bump()  # every fragment cold, as after a publication
    found = {}
    for kind, path in site.paths().items():
        found[kind] = (queries(client, path), queries(client, path))  # cold, then warm
    return found


def test_queries_per_page_type_are_few_and_do_not_grow_with_the_site(home_page):
    site = Site(home_page)
    site.grow(2)
    small = counts(site)
    for kind, (cold, warm) in small.items():
        cold_bound, warm_bound = BOUNDS[kind]
        assert cold <= cold_bound and warm <= warm_bound, (kind, cold, warm)
    site.grow(10)  # 12 pages of each kind, 12 tags on each article, 12 more partners
    grown = counts(site)
    for kind, (cold, warm) in grown.items():
        assert cold <= small[kind][0] and warm == small[kind][1], (kind, small[kind], (cold, warm))


def test_a_page_published_unpublished_or_moved_is_answered_at_once(home_page):
    client = Client()
    news = factories.news_index(home_page)
    first = factories.news_page(news, title="Collecte de printemps")
    assert client.get(first.url).status_code == 200  # the paths are now kept
    second = factories.news_page(news, title="Atelier ouvert")
    assert client.get(second.url).status_code == 200
    first.unpublish()
    assert client.get("/actualites/collecte-de-printemps/").status_code == 404
    stories = factories.story_index(home_page)
    second.move(stories, pos="last-child")
    moved = client.get("/actualites/atelier-ouvert/")  # Wagtail's redirect, made by the move
    assert moved.status_code == 301 and moved["Location"] == "/histoires/atelier-ouvert/"
    assert client.get("/histoires/atelier-ouvert/").status_code == 200


def test_a_page_made_private_asks_for_a_login_at_once(home_page):
    client = Client()
    page = factories.standard_page(home_page, title="Compte rendu du bureau")
    assert client.get(page.url).status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_routable_pages_own_views_still_answer(home_page):
    client = Client()
    news = factories.news_index(home_page)
    factories.news_page(news, title="Don de la Région", tags=["region"])
    assert client.get("/actualites/").status_code == 200
    assert "Don de la Région" in client.get("/actualites/?tag=region").content.decode()
    feed = client.get("/actualites/rss/")
    assert feed.status_code == 200 and "Don de la Région" in feed.content.decode()


def test_cached_fragments_follow_the_changes_they_show(home_page):
    """Members, partners and a member's details are cached per content version: each change shows at once."""
    client = Client()
    network = factories.network_index(home_page)
    member = factories.member_page(network, title="Déclic", city="Redon")
    partners = factories.partners_page(home_page)
    for path in (network.url, member.url, partners.url):
        assert client.get(path).status_code == 200  # fragments now cached
    factories.PartnerFactory(name="Fondation Orange")
    assert "Fondation Orange" in client.get(partners.url).content.decode()
    association = member.association
    association.city = "Redon-Agglomération"
    association.opening_hours = "Mardi 14 h – 18 h"
    association.save()
    assert "Redon-Agglomération" in client.get(network.url).content.decode()
    page = client.get(member.url).content.decode()
    assert "Redon-Agglomération" in page and "Mardi 14 h – 18 h" in page
    factories.member_page(network, title="Rennes Ordi Partage")
    assert "Rennes Ordi Partage" in client.get(network.url).content.decode()
