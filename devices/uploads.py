"""What the workshop may upload: erasure and recycling certificates (PDF), inventory files (CSV text or a
spreadsheet) and photos of the devices (JPEG, PNG, WebP or a phone's HEIC)."""

from django.utils.translation import gettext_lazy as _

from reemploi.uploads import CSV, CSV_UTF16, HEIC, JPEG, JSON, MB, PDF, PNG, SPREADSHEET, WEBP, UploadCheck

CERTIFICATE_UPLOAD = UploadCheck(PDF, max_bytes=10 * MB, wrong_kind=_("The certificate must be a PDF file."))
TABLE_UPLOAD = UploadCheck(
    CSV_UTF16,
    SPREADSHEET,
    CSV,
    max_bytes=20 * MB,
    wrong_kind=_("This is neither a CSV table nor a spreadsheet (XLSX, ODS)."),
)
PHOTO_UPLOAD = UploadCheck(
    JPEG, PNG, WEBP, HEIC, max_bytes=15 * MB, wrong_kind=_("A photo must be a JPEG, PNG, WebP or HEIC image.")
)
PHOTOS_PER_UPLOAD = 10
REPORT_UPLOAD = UploadCheck(
    CSV_UTF16,
    SPREADSHEET,
    CSV,
    max_bytes=10 * MB,
    wrong_kind=_("An erasure report is a text file (nwipe log, CSV, JSON) or a spreadsheet (XLSX, ODS)."),
)
HARDWARE_REPORT_UPLOAD = UploadCheck(
    JSON, max_bytes=2 * MB, wrong_kind=_("A report of the probe is a JSON file written by reemploi-probe.")
)
