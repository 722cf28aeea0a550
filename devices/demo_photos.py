"""Demo photos of devices: drawings the project makes itself with Pillow (no downloaded picture), one look per
model, so the demo catalogue shows a gallery. Two views per device: open / front, and closed / side."""

import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from devices import services
from devices.models import Device

SIZE = (1200, 900)
BACKGROUND = (238, 244, 241)


def _colour(model: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(model.encode()).digest()
    return (40 + digest[0] % 60, 60 + digest[1] % 70, 80 + digest[2] % 70)


def _caption(draw, text: str) -> None:
    font = ImageFont.load_default(size=44)
    draw.text((SIZE[0] // 2, SIZE[1] - 70), text, fill=(31, 35, 40), font=font, anchor="mm")


def drawing(device: Device, view: int) -> bytes:
    """A JPEG drawing of `device` (view 0: open or front; 1: closed or side)."""
    picture = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(picture)
    body = _colour(f"{device.brand} {device.model}")
    screen = (159, 211, 199)
    if device.category == Device.Category.LAPTOP and view == 0:
        draw.rounded_rectangle((270, 130, 930, 560), radius=24, fill=body)
        draw.rounded_rectangle((300, 160, 900, 530), radius=8, fill=screen)
        draw.polygon([(160, 590), (1040, 590), (980, 690), (220, 690)], fill=tuple(c + 30 for c in body))
        for row in range(3):
            for key in range(12):
                x = 300 + key * 50 + row * 10
                draw.rounded_rectangle((x, 605 + row * 26, x + 38, 625 + row * 26), radius=4, fill=body)
    elif device.category == Device.Category.LAPTOP:
        draw.rounded_rectangle((200, 330, 1000, 560), radius=30, fill=body)
        draw.rounded_rectangle((200, 540, 1000, 600), radius=20, fill=tuple(c + 30 for c in body))
        draw.ellipse((570, 410, 630, 470), fill=screen)
    elif device.category == Device.Category.DESKTOP:
        draw.rounded_rectangle((430, 120, 770, 700), radius=24, fill=body)
        draw.rounded_rectangle((480, 170, 720, 200), radius=10, fill=screen)
        draw.ellipse((570, 580, 630, 640), fill=screen)
        if view == 1:
            for slot in range(6):
                draw.rectangle((480, 260 + slot * 40, 720, 275 + slot * 40), fill=tuple(c + 30 for c in body))
    else:  # a screen
        draw.rounded_rectangle((180, 110, 1020, 600), radius=20, fill=body)
        draw.rounded_rectangle((210, 140, 990, 570), radius=6, fill=screen if view == 0 else (60, 66, 72))
        draw.rectangle((560, 600, 640, 690), fill=tuple(c + 30 for c in body))
        draw.rounded_rectangle((430, 680, 770, 715), radius=14, fill=body)
    _caption(draw, f"{device.brand} {device.model}")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def photograph(devices) -> int:
    """Give each device of `devices` without a photo its two drawings; returns how many were photographed."""
    done = 0
    for device in devices:
        if device.photos.exists():
            continue
        uploads = [
            SimpleUploadedFile(f"vue-{view}.jpg", drawing(device, view), content_type="image/jpeg") for view in (0, 1)
        ]
        label = {
            Device.Category.LAPTOP: "Portable {model} ouvert puis fermé (dessin de démonstration)",
            Device.Category.DESKTOP: "Unité centrale {model} de face puis de côté (dessin de démonstration)",
        }.get(device.category, "Écran {model} allumé puis éteint (dessin de démonstration)")
        services.device_photos_add(
            device=device, actor=None, photos=uploads, alt=label.format(model=f"{device.brand} {device.model}")
        )
        done += 1
    return done
