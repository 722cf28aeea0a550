"""How people and search engines find the pages: robots.txt, the sitemap and the site search."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client, home_page):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /compte/" in lines


def test_sitemap_lists_published_pages_only(client, home_page):
    news = factories.news_index(home_page)
    factories.news_page(news, title="Collecte de printemps")
    draft = factories.news_page(news, title="Brouillon")
    draft.unpublish()
    factories.standard_page(home_page, title="Mentions légales", slug="mentions-legales")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    sitemap = ElementTree.fromstring(response.content)  # noqa: S314 (the site's own response)
    locations = sitemap.findall("sm:url/sm:loc", SITEMAP_NS)
    paths = {urlsplit(location.text).path for location in locations}
    assert paths == {"/", "/actualites/", "/actualites/collecte-de-printemps/", "/mentions-legales/"}


def test_search_finds_a_page_by_a_word_of_its_body(client, home_page):
    factories.standard_page(
        home_page,
        title="Effacement des données",
        slug="effacement",
        body=[factories.paragraph("Chaque disque est effacé selon la méthode cryptographique.")],
    )
    factories.standard_page(home_page, title="Mentions légales", slug="mentions-legales")

    response = client.get("/recherche/", {"q": "cryptographique"})

    assert response.status_code == 200
    content = response.content.decode()
    assert '<a href="/effacement/">Effacement des données</a>' in content
    results = content[content.index('id="pages-results"') : content.index('id="products-results"')]
    assert "/mentions-legales/" not in results


@pytest.mark.parametrize("typed", ['"', 'a"b', '"effacement', "\x00", "\x00crypto", "crypto\x07graphique"])
def test_search_takes_quotes_and_control_characters(client, home_page, typed):
    """A lone double quote was a syntax error for SQLite's full-text search, a NUL one for PostgreSQL: both
    answered the "database unreachable" page (503)."""
    factories.standard_page(
        home_page, title="Effacement des données", body=[factories.paragraph("La méthode cryptographique.")]
    )

    response = client.get("/recherche/", {"q": typed})

    assert response.status_code == 200


def test_search_leaves_out_unpublished_pages(client, home_page):
    page = factories.standard_page(
        home_page, title="Projet secret", body=[factories.paragraph("Un mot cryptographique.")]
    )
    page.unpublish()

    content = client.get("/recherche/", {"q": "cryptographique"}).content.decode()

    assert "Projet secret" not in content


def test_main_menu_follows_publication(client, home_page):
    page = factories.standard_page(home_page, title="Qui sommes-nous", slug="qui-sommes-nous", show_in_menus=True)
    factories.standard_page(home_page, title="Page cachée", slug="cachee", show_in_menus=False)

    menu = client.get("/").content.decode()
    assert '<li><a href="/qui-sommes-nous/">Qui sommes-nous</a></li>' in menu
    assert "Page cachée" not in menu

    page.unpublish()

    assert "Qui sommes-nous" not in client.get("/").content.decode()
