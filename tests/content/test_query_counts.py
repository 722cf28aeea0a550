"""The busiest public pages run a bounded number of SQL queries, however much content there is.

Each page is requested once before it is measured: the first view creates the image renditions, as
it does once in production.
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.cache import content_version_bump
from tests import factories

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
_numbers = itertools.count(1)


def query_count(client, url):
    """Queries of a full render: renditions and menu warmed up, cached fragments dropped."""
    for _warm_up in range(2):  # renditions, menu, settings rows, site root paths
        assert client.get(url).status_code == 200
    content_version_bump()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_news(index, count):
    for _ in range(count):
        n = next(_numbers)
        factories.news_page(
            index, title=f"Nouvelle {n}", image=factories.image(), image_alt="Atelier", tags=["collecte", f"sujet-{n}"]
        )


def add_stories(index, count):
    for _ in range(count):
        factories.story_page(
            index, title=f"Histoire {next(_numbers)}", image=factories.image(), image_alt="Portrait", tags=["portrait"]
        )


def add_partners(count):
    for _ in range(count):
        factories.PartnerFactory(logo=factories.image("Logo"))


@pytest.fixture
def sections(home_page):
    return factories.news_index(home_page), factories.story_index(home_page)


def test_home_page_stays_within_the_query_budget(client, home_page, sections, django_assert_max_num_queries):
    news, stories = sections
    add_news(news, 4)
    add_stories(stories, 4)
    add_partners(8)
    client.get("/")

    with django_assert_max_num_queries(MAX_QUERIES):
        content = client.get("/").content.decode()

    assert content.count('class="card__image"') == 6


def test_home_page_queries_do_not_grow_with_partners(client, home_page, sections):
    news, stories = sections
    add_news(news, 3)
    add_stories(stories, 3)
    add_partners(3)
    with_three = query_count(client, "/")

    add_partners(9)
    with_twelve = query_count(client, "/")

    assert with_twelve == with_three
    assert with_three <= MAX_QUERIES


def test_news_list_stays_within_the_query_budget(client, sections, django_assert_max_num_queries):
    news, _stories = sections
    add_news(news, 12)
    client.get("/actualites/")

    with django_assert_max_num_queries(MAX_QUERIES):
        content = client.get("/actualites/").content.decode()

    assert content.count('class="card__image"') == 9


def test_news_list_queries_do_not_grow_with_news(client, sections):
    news, _stories = sections
    add_news(news, 3)
    with_three = query_count(client, "/actualites/")

    add_news(news, 9)
    with_twelve = query_count(client, "/actualites/")

    assert with_twelve == with_three
    assert with_three <= MAX_QUERIES


def test_story_page_stays_within_the_query_budget(client, sections, django_assert_max_num_queries):
    _news, stories = sections
    photo = factories.image()
    story = factories.story_page(
        stories,
        title="Le premier ordinateur de Léa",
        image=factories.image(),
        image_alt="Léa devant son ordinateur",
        tags=["portrait", "formation", "rennes"],
        body=[
            factories.paragraph("Léa suit une formation de développeuse."),
            {"type": "image", "value": {"image": photo.pk, "alt_text": "L'atelier"}},
            {"type": "quote", "value": {"text": "Sans ordinateur, pas de formation.", "attribution": "Léa"}},
            {"type": "key_figure", "value": {"value": "5 €", "label": "par mois"}},
        ],
    )
    client.get(story.url)

    with django_assert_max_num_queries(MAX_QUERIES):
        content = client.get(story.url).content.decode()

    assert "Sans ordinateur, pas de formation." in content
