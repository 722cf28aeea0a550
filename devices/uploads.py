"""What the workshop may upload: erasure and recycling certificates (PDF) and inventory files (CSV text)."""

from django.utils.translation import gettext_lazy as _

from reemploi.uploads import CSV, MB, PDF, UploadCheck

CERTIFICATE_UPLOAD = UploadCheck(PDF, max_bytes=10 * MB, wrong_kind=_("The certificate must be a PDF file."))
CSV_UPLOAD = UploadCheck(CSV, max_bytes=5 * MB, wrong_kind=_("This is not a CSV text file."))
