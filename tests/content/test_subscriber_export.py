"""Staff export the Circul'lettre subscribers as CSV from the Wagtail admin, with a working unsubscribe link each."""

import csv
import io
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from content.models import Subscriber
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL_COLUMN = capfirst(str(Subscriber._meta.get_field("email").verbose_name))
UNSUBSCRIBE_COLUMN = capfirst(str(Subscriber.unsubscribe_url.short_description))


@pytest.fixture
def subscribers():
    return [
        factories.SubscriberFactory(
            email="lea@exemple.bzh", status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
        ),
        factories.SubscriberFactory(email="yann@exemple.bzh", status=Subscriber.Status.PENDING),
    ]


def export(client, query="export=csv"):
    response = client.get(reverse("wagtailsnippets_content_subscriber:list") + "?" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    return response, list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_lists_subscribers_with_an_unsubscribe_link(client, subscribers):
    client.force_login(factories.superuser())

    response, rows = export(client)

    assert "circul-lettre-abonnes" in response["Content-Disposition"]
    by_email = {row[EMAIL_COLUMN]: row for row in rows}
    assert set(by_email) == {"lea@exemple.bzh", "yann@exemple.bzh"}
    link = by_email["lea@exemple.bzh"][UNSUBSCRIBE_COLUMN]
    assert link.startswith("http://testserver/newsletter/desinscription/")


def test_exported_unsubscribe_link_unsubscribes_the_right_person(client, subscribers):
    client.force_login(factories.superuser())
    _response, rows = export(client)
    lea_row = next(row for row in rows if "lea@exemple.bzh" in row.values())

    client.logout()
    client.post(urlsplit(lea_row[UNSUBSCRIBE_COLUMN]).path)

    assert dict(Subscriber.objects.values_list("email", "status")) == {
        "lea@exemple.bzh": Subscriber.Status.UNSUBSCRIBED,
        "yann@exemple.bzh": Subscriber.Status.PENDING,
    }


def test_csv_export_follows_the_status_filter(client, subscribers):
    client.force_login(factories.superuser())

    _response, rows = export(client, "export=csv&status=confirmed")

    assert [row for row in rows if "yann@exemple.bzh" in row.values()] == []
    assert [row for row in rows if "lea@exemple.bzh" in row.values()]


def test_visitors_cannot_export_subscribers(client, subscribers):
    response = client.get(reverse("wagtailsnippets_content_subscriber:list") + "?export=csv")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/compte/login/"


def test_editors_cannot_export_subscribers(client, subscribers):
    client.force_login(factories.editor())

    response = client.get(reverse("wagtailsnippets_content_subscriber:list") + "?export=csv")

    assert response.status_code in (302, 403)
    assert b"lea@exemple.bzh" not in response.content
