"""The basket in the site's identity and words: photo or drawing (never "Image Not Available"), quantity and
removal without a script, the delivery cost said as at checkout, no promo-code box without an offer asking
for one; Oscar's leftover pages lead to ours."""

import pytest

from tests.photos import photo_upload
from tests.shop.helpers import add_to_basket

pytestmark = pytest.mark.django_db


def test_the_basket_page_speaks_french_and_says_what_delivery_costs(client, stocked_product, settings):
    settings.SHOP_DELIVERY_FLAT_RATE = "12.00"
    product = stocked_product(units=2)
    add_to_basket(client, product)
    html = client.get("/boutique/basket/").content.decode()
    assert "Votre panier" in html and product.title in html
    assert "12,00" in html and "retrait" in html and "TTC" in html
    assert "Image Not Available" not in html and "Livraison gratuite" not in html
    assert "code promo" not in html.lower() and "voucher" not in html.lower()
    assert "/static/img/categories/laptop" in html  # no photo yet: the drawing of its category
    for english in ("Basket", "Items to buy now", "Save for later", "Update"):
        assert f">{english}<" not in html


def test_the_basket_shows_the_devices_photo(client, stocked_product):
    from devices import services

    product = stocked_product(units=1)
    device = product.listed_devices.get().device
    services.device_photos_add(device=device, actor=None, photos=[photo_upload()], alt="Capot fermé")
    add_to_basket(client, product)
    html = client.get("/boutique/basket/").content.decode()
    assert "/media/images/" in html


def test_quantity_and_removal_work_without_a_script(client, stocked_product):
    product = stocked_product(units=2)
    add_to_basket(client, product)
    page = client.get("/boutique/basket/")
    form = page.context["formset"].forms[0]
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(form.instance.pk),
        "form-0-quantity": "2",
    }
    assert client.post("/boutique/basket/", data).status_code == 302
    assert client.get("/boutique/basket/").context["basket"].num_items == 2
    client.post("/boutique/basket/", {**data, "form-0-DELETE": "on"})
    assert client.get("/boutique/basket/").context["basket"].is_empty


@pytest.mark.parametrize(
    "old, new",
    [
        ("/boutique/search/?q=lenovo", "/boutique/catalogue/?q=lenovo"),
        ("/boutique/offers/", "/boutique/catalogue/"),
        ("/boutique/catalogue/category/portables_2/", "/boutique/catalogue/"),
        ("/boutique/accounts/", "/boutique/commandes/"),
        ("/boutique/accounts/orders/100042/", "/boutique/commandes/100042/"),
        ("/boutique/accounts/wishlists/", "/compte/email/"),
        ("/boutique/basket/saved/", "/boutique/basket/"),
    ],
)
def test_oscars_leftover_pages_lead_to_ours(client, old, new):
    response = client.get(old)
    assert response.status_code in (301, 302) and response["Location"] == new
