"""Images uploaded in the back office must be readable by Pillow: a polyglot (a JPEG header in front of an
HTML page) or a truncated photo is refused with a message, the form kept; a real photo is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model

from tests import factories
from tests.photos import photo_upload

pytestmark = pytest.mark.django_db
Image = get_image_model()

POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00<html><script>alert(1)</script></html>"


@pytest.fixture
def editor(client, home_page):
    client.force_login(factories.superuser(email="redaction@example.org"))
    return client


def _post(client, upload, url="/admin/images/add/"):
    return client.post(url, {"title": "Atelier de Redon", "file": upload, "collection": 1})


@pytest.mark.parametrize(
    "content",
    [POLYGLOT, photo_upload().read()[:400]],  # a polyglot; a real JPEG cut short
    ids=["jpeg-html-polyglot", "truncated-jpeg"],
)
def test_an_image_pillow_cannot_read_is_refused_with_a_message(editor, content):
    response = _post(editor, SimpleUploadedFile("atelier.jpg", content, content_type="image/jpeg"))
    assert response.status_code == 200
    assert "ne peut pas être lu comme une image" in response.content.decode()
    assert 'value="Atelier de Redon"' in response.content.decode()  # the title kept
    assert not Image.objects.exists()


def test_the_multiple_upload_refuses_it_too(editor):
    response = editor.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("atelier.jpg", POLYGLOT, content_type="image/jpeg"), "collection": 1},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not Image.objects.exists()


def test_a_real_photo_is_stored(editor):
    response = _post(editor, photo_upload())
    assert response.status_code == 302
    assert Image.objects.get().title == "Atelier de Redon"
