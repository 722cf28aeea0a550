"""The shared toolkit of the configuration package (`reemploi.*`): money, uploads, downloads, cache versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from reemploi.cache_versions import CacheVersion
from reemploi.downloads import inline_document, private_download
from reemploi.money import euros
from reemploi.pdf import document, lines, table, text
from reemploi.ratelimits import client_ip
from reemploi.uploads import CSV, JPEG, MB, PDF, PNG, UploadCheck, anonymous_name, content_type_of

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("5"), f"5,00{NBSP}€"),
        (Decimal("1234.5"), f"1{NBSP}234,50{NBSP}€"),
        (12, f"12,00{NBSP}€"),
        ("199.00", f"199,00{NBSP}€"),
        (Decimal("0.005"), f"0,01{NBSP}€"),
        (Decimal("1000000"), f"1{NBSP}000{NBSP}000,00{NBSP}€"),
    ],
)
def test_amounts_are_written_the_french_way(amount, expected):
    assert euros(amount) == expected


def test_whole_amounts_may_drop_their_decimals_and_nothing_stays_nothing():
    assert euros(Decimal("5.00"), "whole") == f"5{NBSP}€"
    assert euros(Decimal("5.50"), "whole") == f"5,50{NBSP}€"
    assert euros(None) == "" and euros("") == ""


def test_the_template_filter_is_the_same_function():
    rendered = Template('{% load money %}{{ a|euros }} / {{ a|euros:"whole" }}').render(Context({"a": Decimal("12")}))
    assert rendered == f"12,00{NBSP}€ / 12{NBSP}€"


def _upload(content: bytes, name="fichier.pdf"):
    return SimpleUploadedFile(name, content)


def test_an_upload_is_recognised_by_its_content_not_its_name():
    check = UploadCheck(PDF, JPEG, PNG, max_bytes=MB)
    assert check(_upload(b"%PDF-1.7 ...", "scan.png")) is PDF
    assert check(_upload(b"\x89PNG\r\n\x1a\n....", "photo.pdf")) is PNG
    assert check(_upload(b"\xff\xd8\xff\xe0....", "x")) is JPEG
    with pytest.raises(ValidationError) as refused:
        check(_upload(b"<html><script>alert(1)</script>", "certificat.pdf"))
    assert refused.value.code == "bad_type" and "PDF, JPG, PNG" in refused.value.messages[0]


def test_an_upload_too_large_or_empty_is_refused_with_the_fields_own_words():
    check = UploadCheck(PDF, max_bytes=10, too_large="Trop lourd.")
    with pytest.raises(ValidationError) as refused:
        check(_upload(b"%PDF-" + b"x" * 20))
    assert refused.value.messages == ["Trop lourd."] and refused.value.code == "too_large"
    with pytest.raises(ValidationError) as refused:
        check(_upload(b""))
    assert refused.value.code == "empty"
    assert UploadCheck(PDF, max_bytes=2 * MB)(_upload(b"%PDF-1.4")) is PDF


def test_a_text_file_has_no_nul_byte_and_the_check_rewinds_the_file():
    check = UploadCheck(CSV, max_bytes=MB)
    upload = _upload("numéro;marque\nABC;Dell\n".encode(), "inventaire.csv")
    assert check(upload) is CSV and upload.read(3) == b"num"
    with pytest.raises(ValidationError):
        check(_upload(b"PK\x03\x04\x00\x00 spreadsheet", "inventaire.csv"))


def test_stored_names_say_nothing_of_the_upload_and_serve_with_their_type():
    name = anonymous_name("justificatif", PNG)
    assert name.startswith("justificatif-") and name.endswith(".png") and len(name) > 40
    assert content_type_of(name) == "image/png"
    assert content_type_of("x.exe") == "application/octet-stream"


def test_private_downloads_are_attachments_never_sniffed_nor_cached():
    response = private_download(b"%PDF-1.4", 'facture "F-1".pdf')
    assert response["Content-Disposition"].startswith("attachment;")
    assert "facture" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    assert response.content == b"%PDF-1.4"
    labels = inline_document(b"%PDF-1.4", "etiquettes.pdf")
    assert labels["Content-Disposition"] == 'inline; filename="etiquettes.pdf"'


def test_a_pdf_escapes_the_text_people_typed():
    from reemploi.pdf import styles

    sheet = styles()
    content = document(
        [
            text("Collège A<B & Cie", sheet["Normal"]),
            lines(["Lot <A>", "", "35000 Rennes"], sheet["Normal"], heading="À"),
        ]
        + [table([["Article", "Montant"], ["Portable", euros(12)], ["Total", euros(12)]], [100, 30], total_row=True)],
        title="Essai",
    )
    assert content.startswith(b"%PDF-") and len(content) > 1000


def test_a_cache_version_changes_when_replaced(settings):
    version = CacheVersion("test:version")
    first = version.current()
    assert version.current() == first
    version.replace()
    assert version.current() != first


def test_the_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
