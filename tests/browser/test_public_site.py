"""Issue 2's journeys in Chromium: a visitor, a newsletter subscriber, an editor and a moderator; axe-core.

Texts are looked up in the translation catalogues (`t`), so the assertions follow the wording of the site.
"""

import gettext
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import wagtail.admin
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from content.models import (
    MemberPage,
    NetworkIndexPage,
    NewsIndexPage,
    NewsPage,
    PartnersPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    Subscriber,
)
from devices.demo import DEMO_PASSWORD
from tests.browser.conftest import blocking_violations, login
from tests.helpers import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "editeur@reemploi.example"
MODERATOR = "moderateur@reemploi.example"
_WAGTAIL_JS = gettext.translation(
    "djangojs", Path(wagtail.admin.__file__).parent / "locale", languages=["fr"], fallback=True
)


def t(message, **values):
    """The French text of a message of the site (or of Wagtail's admin), as the server renders it."""
    with translation.override("fr"):
        text = str(translation.gettext(message))
    return text % values if values else text


def t_js(message):
    """The French text of a message of Wagtail's JavaScript (djangojs catalogue)."""
    return _WAGTAIL_JS.gettext(message)


# --- 1. From the home page to a member association -------------------------------------------------


def test_visitor_goes_from_home_to_a_member_association(page, live_url, demo_site):
    network = NetworkIndexPage.objects.get()
    members = list(MemberPage.objects.live().child_of(network).select_related("association").order_by("title"))
    assert len(members) >= 8

    page.goto(live_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.hero_title)
    page.get_by_role("navigation", name=t("Main menu")).get_by_role("link", name=network.title, exact=True).click()

    page.wait_for_url(live_url + network.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(network.title)
    # The map: an inline SVG with one marker, a link named after the association, per member.
    map_svg = page.locator("figure.map svg")
    expect(map_svg).to_be_visible()
    expect(map_svg.locator("circle.map__marker")).to_have_count(len(members))
    for member in members:
        expect(
            map_svg.get_by_role("link", name=f"{member.title}, {member.association.city}", exact=True)
        ).to_have_count(1)
    # The list of members below it.
    member_list = page.locator("ul.member-list > li")
    expect(member_list).to_have_count(len(members))
    for member in members:
        expect(member_list.get_by_role("link", name=member.title, exact=True)).to_be_visible()

    member = next(m for m in members if m.association.opening_hours_lines() and m.association.services())
    association = member.association
    member_list.get_by_role("link", name=member.title, exact=True).click()

    page.wait_for_url(live_url + member.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.title)
    facts = page.get_by_role("complementary", name=t("Practical information"))
    expect(facts.get_by_role("heading", name=t("Address"))).to_be_visible()
    address = facts.locator("address")
    expect(address).to_contain_text(association.street)
    expect(address).to_contain_text(f"{association.postcode} {association.city}")
    expect(facts.get_by_role("heading", name=t("Opening hours"))).to_be_visible()
    for line in association.opening_hours_lines():
        expect(facts.get_by_role("listitem").filter(has_text=line).first).to_be_visible()
    expect(facts.get_by_role("heading", name=t("Services"))).to_be_visible()
    with translation.override("fr"):
        services = [str(service) for service in association.services()]
    expect(facts.locator("ul.tags:not(.labels) > li")).to_have_text(services)


# --- 2. Newsletter: double opt-in --------------------------------------------------------------------


def test_visitor_subscribes_to_the_newsletter_and_confirms_from_the_email(page, live_url, demo_site):
    email = "lectrice@exemple.bzh"
    page.goto(live_url + "/")
    page.locator("footer").get_by_role("link", name=t("Subscribe")).click()
    page.wait_for_url(live_url + "/newsletter/")

    form = page.locator("main form")
    form.get_by_label(t("Your e-mail address")).fill(email)
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name=t("Subscribe")).click()

    page.wait_for_url(live_url + "/newsletter/envoye/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your e-mail"))
    expect(page.locator("main").get_by_role("status")).to_be_visible()
    assert Subscriber.objects.get(email=email).status == Subscriber.Status.PENDING

    wait_until(lambda: len(mail.outbox) == 1, what="the confirmation e-mail")
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject == t("Confirm your subscription to the Circul'lettre")
    link = re.search(r"https?://\S+/newsletter/confirmer/\S+/", message.body).group(0)
    page.goto(live_url + urlsplit(link).path)

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Confirm your subscription"))
    expect(page.locator("main")).to_contain_text(email)
    page.get_by_role("button", name=t("Yes, I subscribe")).click()

    page.wait_for_url(live_url + "/newsletter/confirme/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Subscription confirmed"))
    expect(page.locator("main .messages")).to_contain_text(
        t("Your subscription to the Circul'lettre is confirmed. Thank you!")
    )
    subscriber = Subscriber.objects.get(email=email)
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None


# --- 3. Moderation: an editor submits, a moderator approves -------------------------------------------


def test_editor_submits_news_that_a_moderator_approves(page, browser, visitor, live_url, demo_site):
    title = "Ouverture d'un atelier à Lannion"
    intro = "Un nouvel atelier ouvre ses portes dans le Trégor."
    text = "Douze postes de travail et une salle de formation, ouverts le samedi."
    news_index = NewsIndexPage.objects.get()

    # The editor logs in (the admin's own login page leads to allauth's) and writes the news item.
    page.goto(live_url + "/admin/")
    page.wait_for_url(re.compile(r"/compte/login/"))
    login(page, live_url, EDITOR, DEMO_PASSWORD)
    page.goto(f"{live_url}/admin/pages/{news_index.pk}/")
    page.get_by_role("link", name=t("Add child page")).click()
    page.wait_for_url(re.compile(rf"/admin/pages/add/content/newspage/{news_index.pk}/$"))

    page.get_by_role("textbox", name=re.compile("^" + re.escape(t("Title")))).fill(title)
    page.get_by_role("textbox", name=re.compile("^Introduction")).fill(intro)
    page.get_by_role("button", name=t_js("Insert a block")).first.click()
    page.get_by_role("option", name=t("Paragraph"), exact=True).click()
    editor = page.locator("[data-contentpath=body] [role=textbox][contenteditable=true]")
    editor.click()
    page.keyboard.type(text)
    # Draftail copies its content into the form a moment later: submit only once it is there.
    expect(page.locator("input[name=body-0-value]")).to_have_value(re.compile(re.escape(text[:20])))

    page.get_by_role("button", name=t("More actions")).click()
    with page.expect_navigation():
        page.get_by_role(
            "button", name=t("Submit to %(workflow_name)s", workflow_name="Validation par la modération")
        ).click()
    expect(page.get_by_role("link", name=title)).to_be_visible()  # back to the news listing

    news = NewsPage.objects.get(title=title)
    assert not news.live
    assert news.current_workflow_state.status == "in_progress"
    assert [block.block_type for block in news.latest_revision.as_object().body] == ["paragraph"]
    visitor.goto(live_url + "/actualites/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(news_index.title)
    expect(visitor.get_by_text(title)).to_have_count(0)

    # A moderator, in another browser, approves it from the dashboard.
    moderator = browser.new_context().new_page()
    login(moderator, live_url, MODERATOR, DEMO_PASSWORD)
    moderator.goto(live_url + "/admin/")
    review = moderator.get_by_role("region", name=t("Awaiting your review"))
    row = review.get_by_role("row").filter(has=moderator.get_by_role("link", name=title))
    expect(row).to_have_count(1)
    row.get_by_role("button", name=t("Actions")).click()
    with moderator.expect_navigation():
        row.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(review.get_by_role("link", name=title)).to_have_count(0)

    news.refresh_from_db()
    assert news.live
    assert news.current_workflow_state is None
    visitor.goto(live_url + "/actualites/")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    visitor.get_by_role("link", name=title).click()
    visitor.wait_for_url(live_url + news.url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.locator("main")).to_contain_text(intro)
    expect(visitor.locator("main")).to_contain_text(text)


# --- 4. Accessibility ---------------------------------------------------------------------------------


def test_key_pages_have_no_serious_or_critical_accessibility_violation(page, live_url, demo_site):
    legal = StandardPage.objects.live().get(slug="mentions-legales")
    paths = [
        "/",
        NetworkIndexPage.objects.get().url,
        MemberPage.objects.live().order_by("path").first().url,
        PartnersPage.objects.get().url,
        NewsIndexPage.objects.get().url,
        NewsPage.objects.live().order_by("-date").first().url,
        StoryIndexPage.objects.get().url,
        StoryPage.objects.live().order_by("-date").first().url,
        "/newsletter/",
        "/contact/",
        "/donner/",
        "/compte/login/",
        "/compte/signup/",
        "/recherche/?q=ordinateur",
        legal.url,
        "/boutique/catalogue/",
    ]
    problems = []
    for path in paths:
        problems += blocking_violations(page, live_url + path)
    assert not problems, f"{len(problems)} serious or critical axe-core violation(s):\n" + "\n".join(problems)
