"""Every page type renders the content editors gave it."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from content.models import MemberPage, Partner
from reemploi import map as brittany_map
from tests import factories

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def titles_in_order(content, titles):
    """The titles among `titles` found in `content`, in the order they appear."""
    return sorted((t for t in titles if t in content), key=content.index)


# --- Home ----------------------------------------------------------------------------------------


def test_home_shows_the_three_latest_news_and_stories(client, home_page):
    news = factories.news_index(home_page)
    stories = factories.story_index(home_page)
    news_titles = [
        factories.news_page(news, title=f"Nouvelle du {day} mars", date=datetime.date(2026, 3, day)).title
        for day in (1, 2, 3, 4)
    ]
    story_titles = [
        factories.story_page(stories, title=f"Histoire du {day} mai", date=datetime.date(2026, 5, day)).title
        for day in (1, 2, 3, 4)
    ]

    content = html(client.get("/"))

    assert titles_in_order(content, news_titles) == ["Nouvelle du 4 mars", "Nouvelle du 3 mars", "Nouvelle du 2 mars"]
    assert titles_in_order(content, story_titles) == ["Histoire du 4 mai", "Histoire du 3 mai", "Histoire du 2 mai"]


def test_home_hides_draft_news(client, home_page):
    news = factories.news_index(home_page)
    draft = factories.news_page(news, title="Brouillon secret")
    draft.unpublish()

    assert "Brouillon secret" not in html(client.get("/"))


def test_home_shows_partners_chosen_for_it(client, home_page):
    factories.PartnerFactory(name="Région Bretagne")
    factories.PartnerFactory(name="Emmaüs Connect", logo=factories.image("Logo Emmaüs"))
    factories.PartnerFactory(name="Partenaire discret", show_on_home=False)

    content = html(client.get("/"))

    assert "Région Bretagne" in content
    assert 'alt="Emmaüs Connect"' in content  # a logo names its partner
    assert "Partenaire discret" not in content


def test_home_shows_its_headline_and_body(client, home_page):
    factories.home(
        home_page,
        hero_title="Des ordinateurs pour tous",
        body=[{"type": "key_figure", "value": {"value": "12 000", "label": "ordinateurs reconditionnés"}}],
    )

    content = html(client.get("/"))

    assert "Des ordinateurs pour tous" in content
    assert "12 000" in content
    assert "ordinateurs reconditionnés" in content


# --- Network and members -------------------------------------------------------------------------


@pytest.fixture
def network(home_page):
    network = factories.network_index(home_page, intro="<p>Huit associations, un seul réseau.</p>")
    factories.member_page(network, title="Ordi Brest", city="Brest", latitude="48.39040", longitude="-4.48600")
    factories.member_page(network, title="Ordi Vannes", city="Vannes", latitude="47.65800", longitude="-2.76000")
    factories.member_page(network, title="Ordi Rennes", city="Rennes", offers_rental=True)
    return network


def test_network_page_lists_its_members(client, network):
    content = html(client.get("/reseau/"))

    assert "Huit associations, un seul réseau." in content
    assert titles_in_order(content, ["Ordi Vannes", "Ordi Brest", "Ordi Rennes"]) == [
        "Ordi Brest",
        "Ordi Rennes",
        "Ordi Vannes",
    ]


def test_network_map_has_one_marker_per_member_at_its_position(client, network):
    content = html(client.get("/reseau/"))

    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    # SVG coordinates use a decimal point, whatever the language of the page.
    markers = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*class="map__marker"', svg)
    assert len(markers) == 3
    brest_x, brest_y = brittany_map.project(-4.486, 48.3904)
    assert (f"{brest_x}", f"{brest_y}") in set(markers)
    assert 'aria-label="Ordi Brest, Brest"' in svg


def test_network_page_leaves_out_unpublished_members(client, network):
    MemberPage.objects.get(title="Ordi Vannes").unpublish()

    content = html(client.get("/reseau/"))

    assert "Ordi Vannes" not in content
    assert content.count('class="map__marker"') == 2


def test_member_page_shows_address_opening_hours_and_services(client, home_page):
    network = factories.network_index(home_page)
    member = factories.member_page(
        network,
        title="Ordi Quimper",
        street="4 allée du Stang",
        postcode="29000",
        city="Quimper",
        phone="02 98 00 00 00",
        email="contact@ordi-quimper.example",
        opening_hours="Mardi : 14 h – 18 h\n\nSamedi : 10 h – 12 h",
        offers_sale=True,
        offers_repair=True,
        body=[factories.paragraph("Atelier ouvert aux bénévoles.")],
    )

    content = html(client.get(member.url))

    assert "4 allée du Stang<br>29000 Quimper" in content
    assert "<li>Mardi : 14 h – 18 h</li><li>Samedi : 10 h – 12 h</li>" in content
    assert 'href="tel:0298000000"' in content
    assert "contact@ordi-quimper.example" in content
    assert "Atelier ouvert aux bénévoles." in content
    services = re.search(r'<ul class="tags">(.*?)</ul>', content, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", services) == [str(label) for label in member.association.services()]
    assert len(member.association.services()) == 2
    assert content.count('class="map__marker"') == 1


# --- Partners ------------------------------------------------------------------------------------


def test_partners_page_groups_partners_by_kind(client, home_page):
    factories.partners_page(home_page)
    factories.PartnerFactory(name="Région Bretagne", kind=Partner.Kind.FUNDER, description="Finance le réseau.")
    factories.PartnerFactory(name="Université de Rennes", kind=Partner.Kind.DONOR)

    content = html(client.get("/partenaires/"))

    funders = str(Partner.Kind.FUNDER.label)
    donors = str(Partner.Kind.DONOR.label)
    assert content.index(funders) < content.index("Région Bretagne") < content.index(donors)
    assert content.index(donors) < content.index("Université de Rennes")
    assert "Finance le réseau." in content
    assert str(Partner.Kind.PROGRAMME.label) not in content


# --- News and stories ----------------------------------------------------------------------------


@pytest.fixture
def news_index(home_page):
    return factories.news_index(home_page)


def test_news_index_shows_nine_items_per_page_newest_first(client, news_index):
    titles = [
        factories.news_page(news_index, title=f"Nouvelle numéro {n:02d}", date=datetime.date(2026, 1, n)).title
        for n in range(1, 12)
    ]

    first = html(client.get("/actualites/"))
    second = html(client.get("/actualites/?page=2"))

    assert titles_in_order(first, titles) == titles[::-1][:9]
    assert titles_in_order(second, titles) == ["Nouvelle numéro 02", "Nouvelle numéro 01"]
    assert 'href="?page=2" rel="next"' in first


def test_list_pages_keep_their_heading_levels(client, news_index):
    """h1 then the cards' h2 on a list page (no level skipped); h2 sections then h3 cards on the home page."""
    factories.news_page(news_index, title="Collecte au lycée")
    listing = html(client.get("/actualites/"))
    assert '<h2 class="card__title">' in listing and '<h3 class="card__title">' not in listing
    home = html(client.get("/"))
    assert '<h3 class="card__title">' in home and '<h2 class="card__title">' not in home


def test_news_index_filters_by_tag(client, news_index):
    factories.news_page(news_index, title="Collecte au lycée", tags=["collecte"])
    factories.news_page(news_index, title="Formation au numérique", tags=["formation"])

    content = html(client.get("/actualites/?tag=collecte"))

    assert "Collecte au lycée" in content
    assert "Formation au numérique" not in content
    assert 'href="/actualites/?tag=formation"' in content  # the other tags stay offered


def test_news_index_beyond_the_last_page_shows_the_last_page(client, news_index):
    titles = [
        factories.news_page(news_index, title=f"Nouvelle numéro {n:02d}", date=datetime.date(2026, 1, n)).title
        for n in range(1, 11)
    ]

    content = html(client.get("/actualites/", {"page": "99"}))

    assert titles_in_order(content, titles) == ["Nouvelle numéro 01"]


def test_news_index_with_a_nonsense_page_number_shows_the_first_page(client, news_index):
    titles = [
        factories.news_page(news_index, title=f"Nouvelle numéro {n:02d}", date=datetime.date(2026, 1, n)).title
        for n in range(1, 11)
    ]

    content = html(client.get("/actualites/", {"page": "deux"}))

    assert titles_in_order(content, titles) == titles[::-1][:9]


def test_news_index_offers_only_the_tags_of_published_news(client, news_index):
    factories.news_page(news_index, title="Collecte au lycée", tags=["collecte"])
    draft = factories.news_page(news_index, title="Projet de fusion", tags=["fusion"])
    draft.unpublish()

    content = html(client.get("/actualites/"))

    assert 'href="/actualites/?tag=collecte"' in content
    assert 'href="/actualites/?tag=fusion"' not in content  # it would lead to an empty list


def test_news_index_links_its_rss_feed(client, news_index):
    content = html(client.get("/actualites/"))

    assert '<link rel="alternate" type="application/rss+xml" title="Actualités" href="/actualites/rss/">' in content


def test_rss_feed_lists_the_latest_news(client, news_index):
    factories.news_page(news_index, title="Ouverture d'un atelier à Lorient", date=datetime.date(2026, 2, 1))
    factories.news_page(news_index, title="Bilan de la collecte", date=datetime.date(2026, 3, 1))
    draft = factories.news_page(news_index, title="Pas encore publié")
    draft.unpublish()

    response = client.get("/actualites/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314 (the site's own feed)
    assert channel.findtext("title") == "Actualités"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Bilan de la collecte", "Ouverture d'un atelier à Lorient"]
    assert items[0].findtext("link") == "http://testserver/actualites/bilan-de-la-collecte/"
    # each item carries its own date (all of them were published today), noon in Europe/Paris
    assert [item.findtext("pubDate") for item in items] == [
        "Sun, 01 Mar 2026 12:00:00 +0100",
        "Sun, 01 Feb 2026 12:00:00 +0100",
    ]


@pytest.fixture
def members_only_news(news_index):
    page = factories.news_page(news_index, title="Réunion interne", intro="Ordre du jour réservé aux adhérents.")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def test_members_only_news_item_is_closed_to_visitors(client, members_only_news):
    response = client.get(members_only_news.url)

    assert response.status_code == 302
    assert "Ordre du jour réservé aux adhérents." not in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/actualites/", "/actualites/rss/"])
def test_members_only_news_item_stays_out_of_public_listings(client, members_only_news, url):
    content = client.get(url).content.decode()

    assert "Réunion interne" not in content
    assert "Ordre du jour réservé aux adhérents." not in content


def test_news_page_shows_its_content_and_tags(client, news_index):
    page = factories.news_page(
        news_index,
        title="Trois cents ordinateurs collectés",
        intro="Une collecte record au conseil départemental.",
        image=factories.image(),
        image_alt="Des ordinateurs empilés sur des palettes",
        tags=["collecte"],
        body=[
            factories.paragraph("Les agents ont donné leurs <b>anciens postes</b>."),
            {"type": "quote", "value": {"text": "Une belle surprise.", "attribution": "Le directeur"}},
        ],
    )

    content = html(client.get(page.url))

    assert "<h1>Trois cents ordinateurs collectés</h1>" in content
    assert "Une collecte record au conseil départemental." in content
    assert 'alt="Des ordinateurs empilés sur des palettes"' in content
    assert "Les agents ont donné leurs <b>anciens postes</b>." in content
    assert "<blockquote><p>Une belle surprise.</p></blockquote>" in content
    assert "— Le directeur" in content
    assert 'href="/actualites/?tag=collecte"' in content
    assert 'href="/actualites/"' in content  # breadcrumb back to the index


def test_story_page_shows_its_content_under_the_story_index(client, home_page):
    stories = factories.story_index(home_page)
    page = factories.story_page(stories, title="Le premier ordinateur de Léa", intro="Léa suit une formation.")

    content = html(client.get(page.url))

    assert page.url.startswith("/histoires/")
    assert "Le premier ordinateur de Léa" in content
    assert "Léa suit une formation." in content
    assert 'class="breadcrumb"><a href="/histoires/">Histoires</a></nav>' in content


def test_story_index_lists_stories(client, home_page):
    stories = factories.story_index(home_page)
    factories.story_page(stories, title="Le premier ordinateur de Léa")

    assert "Le premier ordinateur de Léa" in html(client.get("/histoires/"))


def test_article_with_an_image_needs_an_alternative_text(news_index):
    page = factories.news_page(news_index)
    page.image = factories.image()
    page.image_alt = "  "

    with pytest.raises(ValidationError) as error:
        page.full_clean()

    assert "image_alt" in error.value.message_dict


def test_article_with_an_image_and_its_description_is_valid(news_index):
    page = factories.news_page(news_index)
    page.image = factories.image()
    page.image_alt = "Une salle de formation"

    page.full_clean()


# --- Standard and form pages ---------------------------------------------------------------------


def test_standard_page_renders_every_block(client, home_page):
    target = factories.standard_page(home_page, title="Boutique solidaire", slug="boutique-solidaire")
    photo = factories.image("Atelier")
    page = factories.standard_page(
        home_page,
        title="Mentions légales",
        slug="mentions-legales",
        intro="Qui publie ce site.",
        last_reviewed=datetime.date(2026, 1, 15),
        body=[
            {"type": "heading", "value": "Éditeur"},
            factories.paragraph("Association OGO, loi de 1901."),
            {"type": "image", "value": {"image": photo.pk, "alt_text": "Le local", "caption": "Notre local"}},
            {"type": "quote", "value": {"text": "Rien ne se perd.", "attribution": "Lavoisier"}},
            {"type": "key_figure", "value": {"value": "300+", "label": "ordinateurs collectés", "source": "OGO 2025"}},
            {
                "type": "call_to_action",
                "value": {"title": "Besoin d'un ordinateur ?", "button_label": "Voir la boutique", "page": target.pk},
            },
            {
                "type": "video_link",
                "value": {"title": "Visite d'un atelier", "url": "https://video.example/atelier", "duration": "3 min"},
            },
        ],
    )

    content = html(client.get("/mentions-legales/"))

    assert page.url == "/mentions-legales/"
    assert "<h1>Mentions légales</h1>" in content
    assert "Qui publie ce site." in content
    assert "<h2>Éditeur</h2>" in content
    assert "Association OGO, loi de 1901." in content
    assert 'alt="Le local"' in content and "<figcaption>Notre local</figcaption>" in content
    assert "Rien ne se perd." in content and "Lavoisier" in content
    assert '<strong class="block-figure__value">300+</strong> <span>ordinateurs collectés</span>' in content
    assert '<a class="button" href="/boutique-solidaire/">Voir la boutique</a>' in content
    assert 'href="https://video.example/atelier"' in content and "Visite d&#x27;un atelier" in content
    assert "(3 min)" in content


def test_standard_page_nested_under_another(client, home_page):
    parent = factories.standard_page(home_page, title="À propos", slug="a-propos")
    factories.standard_page(parent, title="Notre histoire", slug="histoire", body=[factories.paragraph("Depuis 2008.")])

    content = html(client.get("/a-propos/histoire/"))

    assert "Notre histoire" in content and "Depuis 2008." in content


def test_form_page_shows_its_fields(client, home_page):
    factories.form_page(
        home_page,
        intro="<p>Écrivez-nous.</p>",
        fields=[
            {"label": "Votre nom", "field_type": "singleline", "required": True},
            {"label": "Votre message", "field_type": "multiline", "required": True},
        ],
    )

    content = html(client.get("/contact/"))

    assert "Écrivez-nous." in content
    assert '<label for="id_votre_nom">Votre nom' in content
    assert '<textarea name="votre_message"' in content
