"""The shop's public pages pass the Nu Html Checker with no error: catalogue (filtered and searched), product
page with its gallery, basket and checkout (`tests.html_checks`; every public page of the demo is checked by
`tests/test_public_pages.py`)."""

import pytest

from devices import services as device_services
from tests.html_checks import html_errors, vnu_jar
from tests.photos import photo_upload
from tests.shop.helpers import add_to_basket

pytestmark = pytest.mark.django_db


def test_the_shop_pages_have_no_html_error(client, stocked_product, tmp_path):
    jar = vnu_jar()
    product = stocked_product(units=2)
    device = product.listed_devices.first().device
    device_services.device_photos_add(
        device=device, actor=None, photos=[photo_upload(), photo_upload()], alt="Vue de face"
    )
    pages = {
        "catalogue": "/boutique/catalogue/",
        "catalogue-filtered": "/boutique/catalogue/?categorie=laptop&etat=A&tri=-prix",
        "catalogue-search": "/boutique/catalogue/?q=ordinateur+portable",
        "product": product.get_absolute_url(),
    }
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    add_to_basket(client, product)
    for name, path in {"basket": "/boutique/basket/", "checkout": "/boutique/checkout/"}.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(client.get(path).content)
    errors = html_errors(jar, files)
    assert not errors, errors
