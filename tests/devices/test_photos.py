"""Technicians photograph a device from the workshop back office: several photos at once, described, one main;
files checked by their content (type, size, readable); renditions made by Wagtail once; the shop hears of it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images.models import Image

from devices import services
from devices.models import Association, Device, DevicePhoto, Donor, IntakeBatch, Membership
from tests.photos import fake_jpeg, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(db):
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    donor = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    batch = IntakeBatch.objects.create(donor=donor, association=association)
    return services.device_register(batch=batch, category=Device.Category.LAPTOP, serial="PF-1", brand="Lenovo")


@pytest.fixture
def technician(client, device):
    user = get_user_model().objects.create_user(email="atelier@example.org", password="x")
    user.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=user, association=device.association, role=Membership.Role.TECHNICIAN)
    client.force_login(user)
    return user


def _post(client, device, files, alt="Portable ouvert, clavier AZERTY", main=False):
    data = {"photos-photos": files, "photos-alt": alt}
    if main:
        data["photos-main"] = "on"
    return client.post(reverse("workshop_devices:photos", args=[device.pk]), data)


def test_several_photos_at_once_the_first_one_main(client, technician, device):
    response = _post(client, device, [photo_upload("dessus.jpg"), photo_upload("clavier.png", kind="PNG")])
    assert response.status_code == 302
    photos = list(device.photos.order_by("pk"))
    assert len(photos) == 2 and [p.is_main for p in photos] == [True, False]
    assert all(p.alt == "Portable ouvert, clavier AZERTY" and p.taken_by == technician for p in photos)
    image = photos[0].image
    assert (image.width, image.height) == (1200, 900) and image.collection.name == "Appareils"
    assert "dessus" not in image.file.name and device.asset_tag in image.file.name  # the upload's name is not kept
    page = client.get(reverse("workshop_devices:detail", args=[device.pk])).content.decode()
    assert 'id="photos-title"' in page and 'capture="environment"' in page and "multiple" in page


def test_a_later_photo_marked_main_takes_the_place(client, technician, device):
    _post(client, device, [photo_upload()])
    _post(client, device, [photo_upload("autre.webp", kind="WEBP")], alt="Vue de dos", main=True)
    main = device.photos.get(is_main=True)
    assert main.alt == "Vue de dos" and device.photos.count() == 2


@pytest.mark.parametrize(
    "upload, message",
    [
        (fake_jpeg(), "ne peut pas être lue comme une image"),
        (SimpleUploadedFile("page.jpg", b"<!DOCTYPE html><html></html>", "image/jpeg"), "JPEG, PNG, WebP ou HEIC"),
        (SimpleUploadedFile("vide.jpg", b"", "image/jpeg"), "vide"),
    ],
    ids=["jpeg-head-html-body", "html-named-jpg", "empty"],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_kept(client, technician, device, upload, message):
    response = _post(client, device, [upload])
    assert response.status_code == 200 and message in response.content.decode()
    assert "Portable ouvert, clavier AZERTY" in response.content.decode()  # the description typed is kept
    assert not DevicePhoto.objects.exists() and not Image.objects.exists()


def test_a_photo_needs_its_description(client, technician, device):
    response = _post(client, device, [photo_upload()], alt="   ")
    assert response.status_code == 200 and not DevicePhoto.objects.exists()


def test_choose_the_main_photo_and_remove_one(client, technician, device):
    first, second = services.device_photos_add(
        device=device, actor=technician, photos=[photo_upload(), photo_upload()], alt="Face avant"
    )
    url = reverse("workshop_devices:photos-arrange", args=[device.pk])
    response = client.post(url, {"photos-arrange-main": second.pk, "photos-arrange-remove": [first.pk]})
    assert response.status_code == 302
    assert list(device.photos.values_list("pk", "is_main")) == [(second.pk, True)]
    assert Image.objects.count() == 1


def test_photos_of_another_members_device_are_out_of_reach(client, technician, device):
    other = Association.objects.create(name="Atelier du Léon", slug="leon", department="29")
    batch = IntakeBatch.objects.create(donor=device.batch.donor, association=other)
    theirs = services.device_register(batch=batch, category=Device.Category.LAPTOP)
    response = _post(client, theirs, [photo_upload()])
    assert response.status_code == 404 and not DevicePhoto.objects.exists()
