"""Issue 2's journeys in Chromium: a visitor, a newsletter subscriber, an editor and a moderator."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from content.models import MemberPage, NewsIndexPage, NewsPage, Subscriber
from devices.demo import DEMO_PASSWORD
from tests.browser.conftest import login, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_goes_from_home_to_a_member_association(page, live_url, demo_site):
    page.goto(live_url + "/")
    assert page.locator("h1").inner_text().startswith("Une seconde vie")
    page.get_by_role("navigation", name=re.compile("menu", re.I)).get_by_role("link", name="Le réseau").click()
    page.wait_for_url(re.compile(r"/reseau/$"))
    assert page.locator("svg.map__svg circle.map__marker").count() == MemberPage.objects.count() == 8

    page.locator(".member-list").get_by_role("link", name="Déclic").click()
    page.wait_for_url(re.compile(r"/reseau/declic/$"))
    facts = page.locator(".member__facts").inner_text()
    assert "Redon" in facts and "35600" in facts
    assert "Samedi" in facts  # opening hours
    assert "Vente" in facts or "vente" in facts  # services


def test_visitor_subscribes_and_confirms_from_the_email(page, live_url, demo_site):
    page.goto(live_url + "/")
    page.locator("footer").get_by_role("link", name="S'abonner").click()
    page.fill("input[name=email]", "lectrice@exemple.bzh")
    page.check("input[name=consent]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/newsletter/envoye/$"))
    assert Subscriber.objects.get(email="lectrice@exemple.bzh").status == Subscriber.Status.PENDING

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/newsletter/confirmer/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_url + link[link.index("/newsletter/") :])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/newsletter/confirme/$"))
    assert Subscriber.objects.get(email="lectrice@exemple.bzh").status == Subscriber.Status.CONFIRMED


def test_editor_writes_news_that_a_moderator_publishes(page, browser, live_url, demo_site):
    page.set_default_timeout(15000)
    news_index = NewsIndexPage.objects.get()
    login(page, live_url, "editeur@reemploi.example", DEMO_PASSWORD)
    page.goto(f"{live_url}/admin/pages/add/content/newspage/{news_index.pk}/")
    page.fill("#id_title", "Ouverture d'un atelier à Lannion")
    page.fill("#id_intro", "Un nouvel atelier ouvre ses portes dans le Trégor.")
    page.locator("[data-streamfield-stream-container] button, .c-sf-add-button").first.click()
    page.get_by_role("option", name=re.compile("Intertitre")).first.click()
    heading = page.locator("input[name^='body-'][name$='-value']").first
    heading.fill("Portes ouvertes samedi")
    with page.expect_navigation():
        page.locator("button[name=action-submit]").evaluate("button => button.click()")

    news = NewsPage.objects.get(title="Ouverture d'un atelier à Lannion")
    assert not news.live
    assert news.current_workflow_state is not None
    page.goto(live_url + "/actualites/")
    assert "Ouverture d'un atelier à Lannion" not in page.content()

    moderator_context = browser.new_context()
    moderator = moderator_context.new_page()
    moderator.set_default_timeout(15000)
    login(moderator, live_url, "moderateur@reemploi.example", DEMO_PASSWORD)
    moderator.goto(f"{live_url}/admin/pages/{news.pk}/edit/")
    approve = moderator.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    # The body's editor is built by JavaScript: approve only once it holds the submitted text.
    expect(moderator.locator("input[name^='body-'][name$='-value']").first).to_have_value("Portes ouvertes samedi")
    with moderator.expect_navigation():
        approve.evaluate("button => button.click()")
    news.refresh_from_db()
    assert news.live
    moderator.goto(live_url + "/actualites/")
    assert "Ouverture d'un atelier à Lannion" in moderator.content()
    moderator_context.close()


def test_key_pages_have_no_serious_accessibility_violation(page, live_url, demo_site):
    news = NewsPage.objects.live().first()
    paths = [
        "/",
        "/reseau/",
        "/reseau/declic/",
        "/partenaires/",
        "/actualites/",
        news.url,
        "/histoires/",
        "/histoires/premiere-operation-region/",
        "/newsletter/",
        "/contact/",
        "/donner/",
        "/cgv/",
        "/compte/login/",
        "/compte/signup/",
        "/recherche/?q=ordinateur",
        "/boutique/catalogue/",
    ]
    problems = []
    for path in paths:
        problems += serious_violations(page, live_url + path)
    assert not problems, "\n".join(problems)
