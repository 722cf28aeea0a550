"""Proofs of enrolment: PDF, JPEG or PNG up to 5 MB, recognised by their first bytes, never by their name."""

from django.utils.translation import gettext_lazy as _

from reemploi.uploads import JPEG, MB, PDF, PNG, UploadCheck, anonymous_name

PROOF_UPLOAD = UploadCheck(
    PDF,
    JPEG,
    PNG,
    max_bytes=5 * MB,
    too_large=_("The file is larger than 5 MB: send a lighter scan or photo."),
    wrong_kind=_("This file is not a PDF, JPEG or PNG document (web pages, SVG images and programs are refused)."),
)


def proof_name(upload) -> str:
    """The checked proof's stored name: its real type, nothing of the person nor of the uploaded name."""
    return anonymous_name("justificatif", PROOF_UPLOAD(upload))
