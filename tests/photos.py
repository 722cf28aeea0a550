"""Photos made here for the tests (Pillow draws them): a real JPEG or PNG of a given size, and files that
only pretend to be images."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def photo_upload(name="photo.jpg", *, size=(1200, 900), kind="JPEG", colour=(47, 72, 88)) -> SimpleUploadedFile:
    picture = Image.new("RGB", size, (238, 244, 241))
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rounded_rectangle((width // 5, height // 5, 4 * width // 5, 3 * height // 5), radius=20, fill=colour)
    draw.polygon([(width // 8, 2 * height // 3), (7 * width // 8, 2 * height // 3), (width // 2, 4 * height // 5)])
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def fake_jpeg(name="photo.jpg") -> SimpleUploadedFile:
    """JPEG's first bytes, then an HTML page: not an image."""
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>" * 20, "image/jpeg")
