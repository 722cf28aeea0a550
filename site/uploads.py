"""One checker for uploaded files: each field says which kinds it accepts and how large they may be.

A file is recognised by its first bytes, never by its name or the type the browser claims, so an HTML page
or an SVG renamed `.pdf` is refused. Used as a form-field validator (`UploadCheck(...)`) or called by a
service before it stores a file (`upload_kind(upload, check)`).
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template import loader
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image as PillowImage
from PIL import UnidentifiedImageError
from pillow_heif import register_heif_opener

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    signatures: tuple[bytes, ...] = ()  # magic bytes the file starts with (at `offset`); none: a text file
    offset: int = 0

    def matches(self, head: bytes) -> bool:
        if self.signatures:
            return any(head[self.offset :].startswith(magic) for magic in self.signatures)
        return b"\x00" not in head  # text: no NUL byte (a binary file, UTF-16 or a spreadsheet has some)


PDF = FileKind("pdf", "application/pdf", (b"%PDF-",))
JPEG = FileKind("jpg", "image/jpeg", (b"\xff\xd8\xff",))
PNG = FileKind("png", "image/png", (b"\x89PNG\r\n\x1a\n",))
WEBP = FileKind("webp", "image/webp", (b"WEBP",), offset=8)  # RIFF....WEBP
# What phone cameras write (iPhones: HEIF/HEIC), an ISO media file whose brand follows "ftyp".
HEIC = FileKind("heic", "image/heic", (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1"), offset=4)
CSV = FileKind("csv", "text/csv")
# Text in UTF-16 (Excel's "Unicode text"), recognised by its byte-order mark.
CSV_UTF16 = FileKind("csv", "text/csv", (b"\xff\xfe", b"\xfe\xff"))
# XLSX and ODS are ZIP archives (what is inside is checked when the table is read); XLS an OLE2 file.
SPREADSHEET = FileKind("xlsx", "application/octet-stream", (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
TEXT = FileKind("txt", "text/plain")
JSON = FileKind("json", "application/json")
LOG = FileKind("log", "text/plain")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet")
KINDS = {kind.extension: kind for kind in (PDF, JPEG, PNG, WEBP, HEIC, CSV, TEXT, JSON, LOG, XLSX, ODS)}
SNIFF_BYTES = 2048


def content_type_of(name: str) -> str:
    """The content type to serve a stored file with, from the extension we gave it when storing it."""
    kind = KINDS.get(name.rsplit(".", 1)[-1].lower())
    return kind.content_type if kind else "application/octet-stream"


@deconstructible
class UploadCheck:
    """Refuse a file larger than `max_bytes`, empty, or of none of `kinds`, with the field's own words."""

    def __init__(self, *kinds: FileKind, max_bytes: int, too_large=None, wrong_kind=None):
        self.kinds = kinds
        self.max_bytes = max_bytes
        self.too_large = too_large
        self.wrong_kind = wrong_kind

    def __call__(self, upload) -> FileKind:
        if upload.size > self.max_bytes:
            message = self.too_large or _("The file is larger than %(size)s MB.") % {"size": self.max_bytes // MB}
            raise ValidationError(message, code="too_large")
        if upload.size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        for kind in self.kinds:
            if kind.matches(head):
                return kind
        names = ", ".join(kind.extension.upper() for kind in self.kinds)
        message = self.wrong_kind or _("This file is not of an accepted type (%(kinds)s).") % {"kinds": names}
        raise ValidationError(message, code="bad_type")

    def __eq__(self, other):
        return isinstance(other, UploadCheck) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


def upload_kind(upload, check: UploadCheck) -> FileKind:
    """What the file really is, or ValidationError (the same check as the field's, for services)."""
    return check(upload)


def anonymous_name(prefix: str, kind: FileKind) -> str:
    """A stored name that reveals nothing of the person nor of the name the file was uploaded with."""
    return f"{prefix}-{uuid.uuid4().hex}.{kind.extension}"


def readable_image(upload, message=None) -> None:
    """Refuse a file that Pillow cannot open as the image it claims to be (with the HEIF plug-in for phones):
    a truncated photo, or a polyglot (a JPEG header before an HTML page) that would break the renditions."""
    register_heif_opener()
    upload.seek(0)
    try:
        with PillowImage.open(upload) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(message or _("This file cannot be read as an image.")) from error
    finally:
        upload.seek(0)


def request_body_limit(get_response):
    """Middleware: a request whose declared body is larger than REQUEST_BODY_MAX_MB answers 413 before its body is
    read. Each upload field has its own limit, checked once the file is received; without this one, a body of
    any size was received and spooled to disk first. (The TLS proxy should refuse such bodies even earlier.)"""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_MB * MB:
            page = loader.get_template("413.html").render({"limit_mb": settings.REQUEST_BODY_MAX_MB})
            return HttpResponse(page, status=413, headers={"Connection": "close"})
        return get_response(request)

    return middleware
