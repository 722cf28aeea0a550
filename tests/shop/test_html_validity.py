"""The shop's public pages pass the Nu Html Checker (vnu.jar, the W3C validator's engine) with no error:
catalogue (filtered and searched), product page with its gallery, basket and checkout.

vnu.jar comes from the npm registry (`npm install --prefix var/tools vnu-jar`, which `.ci/run` does) and
runs on the machine's Java, offline. Without it the test is skipped, unless REQUIRE_BROWSER=1 (CI).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from devices import services as device_services
from tests.photos import photo_upload
from tests.shop.helpers import add_to_basket

pytestmark = pytest.mark.django_db
JAR = Path(__file__).resolve().parents[2] / "var/tools/node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture
def vnu():
    jar = Path(os.environ.get("VNU_JAR", JAR))
    if jar.exists() and shutil.which("java"):
        return jar
    message = f"the Nu Html Checker is not installed ({jar}; npm install --prefix var/tools vnu-jar; Java)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def test_the_shop_pages_have_no_html_error(client, vnu, stocked_product, tmp_path):
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
    java = shutil.which("java")
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
