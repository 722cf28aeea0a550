"""Private documents sent to the one person allowed to see them: always as a download (never shown inline,
never sniffed as another type), never kept by a shared cache. Stored files go through Django's
`FileResponse(as_attachment=True)`, documents made on the fly (invoices, reports, agreements) through an
`HttpResponse` with Django's `content_disposition_header`: the same headers either way."""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

PRIVATE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


def private_file_response(field_file, filename: str, content_type: str = "application/pdf") -> FileResponse:
    """A file of private storage (a certificate, a proof of enrolment, a signed agreement)."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def private_download(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """A document made for one user (PDF, report) as a download."""
    headers = {"Content-Disposition": content_disposition_header(True, filename), **PRIVATE_HEADERS}
    return HttpResponse(content, content_type=content_type, headers=headers)


def inline_document(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """A document meant to be opened and printed by staff (label sheets): shown inline, never sniffed."""
    headers = {"Content-Disposition": content_disposition_header(False, filename), "X-Content-Type-Options": "nosniff"}
    return HttpResponse(content, content_type=content_type, headers=headers)
