from decimal import Decimal

import pytest

from devices import services as device_services
from devices.models import Association, Device, Donor, IntakeBatch
from shop.services import listings


@pytest.fixture
def batch(db):
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    return IntakeBatch.objects.create(donor=donor, association=association)


@pytest.fixture
def other_association(db):
    return Association.objects.create(name="Atelier du Léon", slug="leon", city="Brest", department="29")


@pytest.fixture
def ready_device(batch):
    """A factory of devices that went through the workshop: tested, erased and graded."""
    counter = iter(range(1, 10_000))

    def make(category=Device.Category.LAPTOP, association=None, erase=True):
        device = device_services.device_register(
            batch=batch,
            category=category,
            serial=f"SN-{next(counter):05d}",
            brand="Dell",
            model="Latitude 5490",
            association=association,
        )
        device_services.device_test(device=device, actor=None, checklist={"écran": True, "clavier": True})
        if erase:
            device_services.device_erase(device=device, actor=None, method="NIST SP 800-88 Purge")
        device_services.device_grade(device=device, actor=None, grade="A")
        device.refresh_from_db()
        return device

    return make


@pytest.fixture
def make_listing(db):
    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        facts = {
            "category": Device.Category.LAPTOP,
            "title": f"Portable reconditionné n°{n}",
            "price": Decimal("199.00"),
            "brand": "Dell",
            "model_name": "Latitude 5490",
            "cpu": "Intel Core i5-8350U",
            "ram_gb": 8,
            "storage_kind": "ssd",
            "storage_gb": 256,
            "screen_inches": Decimal("14.0"),
            "os": "Linux Mint 21",
            "grade": "A",
        }
        facts.update(overrides)
        return listings.listing_create(**facts)

    return make


@pytest.fixture
def workshop(batch):
    return batch.association


@pytest.fixture
def stocked_product(make_listing, ready_device, workshop):
    """A product with `units` erased devices listed at a workshop (the stock comes from the registry)."""

    def make(units=1, association=None, price=Decimal("199.00"), **facts):
        listing = make_listing(price=price, **facts)
        for _ in range(units):
            device = ready_device(association=association or workshop)
            listings.listing_add_device(product=listing.product, device=device, actor=None)
        return listing.product

    return make
