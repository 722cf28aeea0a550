from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model

from devices import services as device_services
from devices.models import Device, DeviceEvent
from devices.services import TransitionRefused
from shop.models import ListedDevice
from shop.services import listings

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


@pytest.mark.parametrize("title", ["Portable comme neuf", "PC en ÉTAT NEUF", "Écran comme-neuf"])
def test_banned_wording_is_refused_when_creating_a_listing(db, make_listing, title):
    with pytest.raises(ValidationError, match="décret 2022-190"):
        make_listing(title=title)
    assert not Product.objects.exists()


def test_banned_wording_is_refused_on_any_product_save(make_listing):
    product = make_listing().product
    product.description = "Vendu en état neuf"
    with pytest.raises(ValidationError):
        product.save()
    product.refresh_from_db()
    assert product.description == ""


def test_ordinary_wording_is_accepted(make_listing):
    listing = make_listing(title="Portable reconditionné, très bon état", description="Neuf ans d'usage.")
    assert listing.product.title == "Portable reconditionné, très bon état"


def test_stock_is_the_number_of_listed_devices_per_workshop(make_listing, ready_device, other_association):
    product = make_listing().product
    here = [ready_device() for _ in range(2)]
    there = ready_device(association=other_association)
    for device in [*here, there]:
        listings.listing_add_device(product=product, device=device, actor=None)

    stock = {
        s.partner.name: s.num_in_stock for s in StockRecord.objects.filter(product=product).select_related("partner")
    }
    assert stock == {"Déclic": 2, "Atelier du Léon": 1}
    assert all(Device.objects.get(pk=d.pk).status == Device.Status.LISTED for d in [*here, there])
    assert StockRecord.objects.get(product=product, partner__name="Déclic").price == Decimal("199.00")

    listings.listing_remove_device(device=here[0], actor=None, reason="rayure découverte")
    assert StockRecord.objects.get(product=product, partner__name="Déclic").num_in_stock == 1
    assert Device.objects.get(pk=here[0].pk).status == Device.Status.READY
    assert not ListedDevice.objects.filter(device=here[0]).exists()
    assert DeviceEvent.objects.filter(device=here[0], kind=DeviceEvent.Kind.UNLISTED).count() == 1


def test_a_device_without_erasure_cannot_be_listed(make_listing, ready_device):
    product = make_listing().product
    device = ready_device(erase=False)
    with pytest.raises(TransitionRefused):
        listings.listing_add_device(product=product, device=device, actor=None)
    assert not ListedDevice.objects.exists()
    assert not StockRecord.objects.filter(product=product).exists()


def test_a_device_is_listed_only_under_a_product_of_its_category(make_listing, ready_device):
    screen_product = make_listing(category=Device.Category.SCREEN, title="Écran 24 pouces").product
    device = ready_device()
    with pytest.raises(ValidationError):
        listings.listing_add_device(product=screen_product, device=device, actor=None)
    device.refresh_from_db()
    assert device.status == Device.Status.READY


def test_stock_follows_a_device_leaving_through_the_registry(make_listing, ready_device):
    product = make_listing().product
    device = ready_device()
    listed = listings.listing_add_device(product=product, device=device, actor=None)
    device_services.device_sell(device=device, actor=None, beneficiary_category="individual", territory="35238")

    stock = listings.stock_sync(product=product, partner=listed.partner)
    assert stock.num_in_stock == 0
