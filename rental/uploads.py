"""Proofs of enrolment: PDF, JPEG or PNG up to 5 MB, recognised by their first bytes, never by their name."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PROOF_BYTES = 5 * 1024 * 1024
# (magic bytes, extension): what the file really is, whatever it is called.
SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def proof_kind(upload) -> str | None:
    """The extension matching the file's first bytes, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, extension in SIGNATURES:
        if head.startswith(magic):
            return extension
    return None


def validate_proof(upload) -> str:
    """Refuse anything but a PDF, JPEG or PNG of 5 MB or less (HTML, SVG, programs…); return its extension."""
    if upload.size > MAX_PROOF_BYTES:
        raise ValidationError(_("The file is larger than 5 MB: send a lighter scan or photo."), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = proof_kind(upload)
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG document (web pages, SVG images and programs are refused)."),
            code="bad_type",
        )
    return kind


def proof_name(kind: str) -> str:
    """A stored name that reveals nothing of the person nor of the uploaded name."""
    return f"justificatif-{uuid.uuid4().hex}.{kind}"
