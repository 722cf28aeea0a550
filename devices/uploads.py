"""Checks of uploaded evidence files: by content, not by name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
MAX_CSV_BYTES = 5 * 1024 * 1024


def validate_pdf(upload) -> None:
    if upload.size > MAX_CERTIFICATE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The certificate must be a PDF file."))


def validate_csv(upload) -> None:
    if upload.size > MAX_CSV_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    head = upload.read(2048)
    upload.seek(0)
    if b"\x00" in head:
        raise ValidationError(_("This is not a CSV text file."))
