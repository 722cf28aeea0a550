"""Editors write news and submit them; only moderators publish (the "Validation par la modération" workflow).

The groups and the workflow come from Wagtail's own migrations; these tests rely on them being in place.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content.models import NewsPage
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Inauguration de l'atelier de Morlaix"


@pytest.fixture
def news_index(home_page):
    return factories.news_index(home_page)


def news_form_data(**actions):
    """What the admin's "add a news item" form posts."""
    return nested_form_data(
        {
            "title": TITLE,
            "slug": "inauguration-morlaix",
            "date": "2026-04-02",
            "intro": "Un nouvel atelier ouvre ses portes à Morlaix.",
            "image": "",
            "image_alt": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Douze postes de travail et une salle de formation.</p>")),
                    ("quote", {"text": "Enfin un local à nous !", "attribution": "La présidente"}),
                ]
            ),
            "tags": "atelier, morlaix",
            "comments": inline_formset([]),
            **actions,
        }
    )


def add_news(client, news_index, **actions):
    url = reverse("wagtailadmin_pages:add", args=["content", "newspage", news_index.pk])
    return client.post(url, news_form_data(**actions))


def test_wagtail_provides_the_groups_and_the_workflow():
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2
    workflow = Workflow.objects.get(name="Validation par la modération")  # its name is on the submit button
    assert workflow.active
    assert Page.get_first_root_node().get_workflow() == workflow
    [task] = workflow.tasks.specific()
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_editor_submits_a_news_item_for_moderation(client, news_index):
    client.force_login(factories.editor())

    response = add_news(client, news_index, **{"action-submit": "Submit"})

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = NewsPage.objects.get(slug="inauguration-morlaix")
    assert page.title == TITLE
    assert not page.live
    assert page.current_workflow_state.status == "in_progress"
    revision = page.latest_revision.as_object()
    assert [block.block_type for block in revision.body] == ["paragraph", "quote"]
    assert sorted(revision.tags.names()) == ["atelier", "morlaix"]
    assert TITLE not in client.get("/actualites/").content.decode()


def test_editor_cannot_publish(client, news_index):
    client.force_login(factories.editor())

    add_news(client, news_index, **{"action-publish": "Publish"})

    page = NewsPage.objects.get(slug="inauguration-morlaix")
    assert not page.live
    assert page.first_published_at is None
    client.logout()
    assert client.get("/actualites/inauguration-morlaix/").status_code == 404


def test_editor_cannot_publish_an_existing_draft_from_the_edit_view(client, news_index):
    client.force_login(factories.editor())
    add_news(client, news_index, **{"action-submit": "Submit"})
    page = NewsPage.objects.get(slug="inauguration-morlaix")

    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), news_form_data(**{"action-publish": "Publish"}))

    page.refresh_from_db()
    assert not page.live


def test_moderators_are_told_by_email_of_a_submission(
    client, news_index, mailoutbox, django_capture_on_commit_callbacks
):
    moderator = factories.moderator()
    client.force_login(factories.editor())

    with django_capture_on_commit_callbacks(execute=True):
        add_news(client, news_index, **{"action-submit": "Submit"})

    to_moderator = [mail for mail in mailoutbox if mail.to == [moderator.email]]
    assert len(to_moderator) == 1
    assert TITLE in to_moderator[0].subject


def test_moderator_approves_and_the_news_item_is_published(client, news_index):
    editor = factories.editor()
    client.force_login(editor)
    add_news(client, news_index, **{"action-submit": "Submit"})
    page = NewsPage.objects.get(slug="inauguration-morlaix")
    task_state = page.current_workflow_task_state

    client.force_login(factories.moderator())
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": "Parfait."},
    )

    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    client.logout()
    listing = client.get("/actualites/").content.decode()
    assert "Inauguration de l&#x27;atelier de Morlaix" in listing
    article = client.get("/actualites/inauguration-morlaix/").content.decode()
    assert "Douze postes de travail et une salle de formation." in article


def test_moderator_can_publish_from_the_edit_view(client, news_index):
    client.force_login(factories.editor())
    add_news(client, news_index, **{"action-submit": "Submit"})
    page = NewsPage.objects.get(slug="inauguration-morlaix")

    client.force_login(factories.moderator())
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), news_form_data(**{"action-publish": "Publish"}))

    page.refresh_from_db()
    assert page.live
    assert "Inauguration de l&#x27;atelier de Morlaix" in client.get("/actualites/").content.decode()


def test_editor_cannot_approve_their_own_submission(client, news_index):
    client.force_login(factories.editor())
    add_news(client, news_index, **{"action-submit": "Submit"})
    page = NewsPage.objects.get(slug="inauguration-morlaix")

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", page.current_workflow_task_state.pk]),
        {"comment": ""},
    )

    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == "in_progress"


def test_the_submit_button_names_the_workflow_in_french(client, news_index):
    client.force_login(factories.editor())
    url = reverse("wagtailadmin_pages:add", args=["content", "newspage", news_index.pk])
    content = client.get(url).content.decode()
    assert "Validation par la modération" in content and "Moderators approval" not in content
