"""What the workshop may upload: erasure and recycling certificates (PDF), inventory files (CSV text) and
photos of the devices (JPEG, PNG, WebP or a phone's HEIC)."""

from django.utils.translation import gettext_lazy as _

from reemploi.uploads import CSV, HEIC, JPEG, MB, PDF, PNG, WEBP, UploadCheck

CERTIFICATE_UPLOAD = UploadCheck(PDF, max_bytes=10 * MB, wrong_kind=_("The certificate must be a PDF file."))
CSV_UPLOAD = UploadCheck(CSV, max_bytes=5 * MB, wrong_kind=_("This is not a CSV text file."))
PHOTO_UPLOAD = UploadCheck(
    JPEG, PNG, WEBP, HEIC, max_bytes=15 * MB, wrong_kind=_("A photo must be a JPEG, PNG, WebP or HEIC image.")
)
PHOTOS_PER_UPLOAD = 10
