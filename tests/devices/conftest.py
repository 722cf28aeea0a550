import pytest
from django.contrib.auth import get_user_model

from devices import services
from devices.models import Association, Device, Donor, IntakeBatch


@pytest.fixture
def association(db):
    return Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")


@pytest.fixture
def donor(db):
    return Donor.objects.create(
        name="Région Bretagne",
        kind=Donor.Kind.LOCAL_AUTHORITY,
        contact_name="Gwenaëlle Le Contact",
        contact_email="gwenaelle.contact@region.example",
    )


@pytest.fixture
def batch(donor, association):
    return IntakeBatch.objects.create(donor=donor, association=association, reference="CONV-2022-01")


@pytest.fixture
def technician(db):
    return get_user_model().objects.create_user(email="yann.technicien@atelier.example", password="x" * 12)


@pytest.fixture
def make_device(batch):
    counter = iter(range(1, 100_000))

    def make(category=Device.Category.LAPTOP, **specs):
        return services.device_register(batch=batch, category=category, serial=f"SN{next(counter):06d}", **specs)

    return make


@pytest.fixture
def ready(make_device, technician):
    """A factory of devices tested, erased and graded: status READY."""

    def make(**specs):
        device = make_device(**specs)
        services.device_test(device=device, actor=technician, checklist={"écran": True, "clavier": True})
        services.device_erase(device=device, actor=technician, method="NIST SP 800-88 Purge", tool="nwipe")
        services.device_grade(device=device, actor=technician, grade="B", battery_health=85)
        device.refresh_from_db()
        assert device.status == Device.Status.READY
        return device

    return make
