"""Wagtail documents are served only through Wagtail's view: never from /media/ (which bypassed the privacy
of their collection), as attachments for every type but PDF and text, whose embedded content is blocked
when shown inline."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db
Document = get_document_model()


@pytest.fixture
def documents(home_page):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Conseil d'administration")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    made = {}
    for key, name, collection, content in (
        ("report", "rapport-annuel.pdf", root, b"%PDF-1.4 rapport"),
        ("minutes", "proces-verbal.odt", private, b"PK\x03\x04 compte rendu"),
        ("table", "inventaire.xlsx", root, b"PK\x03\x04 tableur"),
    ):
        made[key] = Document.objects.create(title=name, collection=collection, file=ContentFile(content, name=name))
    return made


def test_no_document_is_served_from_the_media_url(client, documents):
    for document in documents.values():
        assert document.file.url.startswith("/media/documents/")
        assert client.get(document.file.url).status_code == 404
        assert document.url.startswith("/documents/")


def test_a_private_collections_document_asks_for_a_login(client, documents):
    response = client.get(documents["minutes"].url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_only_pdf_and_text_open_in_the_browser_with_nothing_embedded_allowed(client, documents):
    pdf = client.get(documents["report"].url)
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("inline")
    assert pdf["Content-Security-Policy"] == "default-src 'none'"  # nothing it embeds runs or loads
    table = client.get(documents["table"].url)
    assert table.status_code == 200 and table["Content-Disposition"].startswith("attachment")
