"""Wagtail's image form (every upload of the back office: one image, several, from a chooser) refusing what
Pillow cannot read (`WAGTAILIMAGES_IMAGE_FORM_BASE`).

Wagtail's image field recognises an image by its first bytes, then asks Pillow for its size without catching
what Pillow raises: a JPEG header in front of an HTML page (a polyglot) or a truncated photo gave a 500.
"""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from reemploi.uploads import readable_image


class ReadableImageField(WagtailImageField):
    def to_python(self, data):
        if isinstance(data, UploadedFile):  # a new file (editing only the title keeps the stored one)
            readable_image(data, _("This file cannot be read as an image: save it again as JPEG or PNG."))
        return super().to_python(data)


class ReadableImageForm(BaseImageForm):
    file = ReadableImageField(label=_("File"))
