"""Registry fixtures: an association, a donor with a contact, a batch, a technician, and devices brought to
any status through the services (never by writing the status directly)."""

import itertools
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from devices import services
from devices.models import Association, BeneficiaryCategory, Device, DeviceEvent, Donor, IntakeBatch

S = Device.Status
CHECKLIST_OK = {"écran": True, "clavier": True, "batterie": True}
ERASURE_METHOD = "NIST SP 800-88 Purge"
_serials = itertools.count(1)


@pytest.fixture
def association(db):
    return Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")


@pytest.fixture
def other_association(db):
    return Association.objects.create(name="Atelier du Léon", slug="leon", city="Landerneau", department="29")


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
    # Received at the start of the year: the steps the tests date (an erasure on 31 March) come after it.
    return IntakeBatch.objects.create(
        donor=donor, association=association, reference="CONV-2022-01", received_on=date(2026, 1, 5)
    )


@pytest.fixture
def technician(db):
    return get_user_model().objects.create_user(email="yann.technicien@atelier.example", password="x" * 12)


@pytest.fixture
def make_device(batch):
    """Register a device in `batch` (status RECEIVED) with a unique serial."""

    def make(category=Device.Category.LAPTOP, **specs):
        specs.setdefault("serial", f"SN{next(_serials):07d}")
        return services.device_register(batch=batch, category=category, **specs)

    return make


def make_ready(device, actor, grade="B"):
    services.device_test(device=device, actor=actor, checklist=CHECKLIST_OK)
    services.device_erase(device=device, actor=actor, method=ERASURE_METHOD, tool="nwipe")
    services.device_grade(device=device, actor=actor, grade=grade, battery_health=85)
    device.refresh_from_db()
    assert device.status == S.READY
    return device


@pytest.fixture
def ready(make_device, technician):
    """A factory of devices tested, erased and graded: status READY."""

    def make(**specs):
        return make_ready(make_device(**specs), technician)

    return make


def bring_to(device: Device, status: str, actor) -> Device:
    """Walk a RECEIVED device to `status` through the services only."""
    if status == S.RECEIVED:
        pass
    elif status == S.IN_WORKSHOP:
        services.device_clean(device=device, actor=actor)
    elif status == S.RECYCLED:
        services.device_recycle(device=device, actor=actor, channel="Éco-organisme agréé DEEE")
    elif status == S.PARTS:
        services.device_harvest(device=device, actor=actor, parts="mémoire, disque")
    elif status == S.IN_TRANSIT:
        make_ready(device, actor)
        destination, _created = Association.objects.get_or_create(
            slug="atelier-destinataire", defaults={"name": "Atelier destinataire", "department": "56"}
        )
        services.device_transfer_send(device=device, actor=actor, to_association=destination)
    else:
        make_ready(device, actor)
        if status in (S.LISTED, S.SOLD):
            services.device_list_for_sale(device=device, actor=actor)
        if status in (S.ALLOCATED, S.AT_PARTNER):
            services.device_allocate(
                device=device,
                actor=actor,
                programme="La Poste → jeunes",
                partner="Mission locale",
                partner_kind="mission_locale",
            )
        if status == S.AT_PARTNER:
            services.device_partner_receive(device=device, actor=actor, partner="Mission locale")
        if status in (S.RESERVED, S.RENTED):
            services.device_reserve_for_rental(device=device, actor=actor)
        if status == S.SOLD:
            services.device_sell(
                device=device, actor=actor, beneficiary_category=BeneficiaryCategory.INDIVIDUAL, territory="35238"
            )
        if status == S.RENTED:
            services.device_rent(device=device, actor=actor, territory="29019")
        if status == S.DONATED:
            services.device_donate(
                device=device,
                actor=actor,
                programme="Mission locale du Pays de Redon",
                beneficiary_category=BeneficiaryCategory.YOUTH_MISSION_LOCALE,
                territory="35236",
            )
    device.refresh_from_db()
    assert device.status == status
    return device


@pytest.fixture
def device_in(make_device, technician):
    """A factory: `device_in("sold")` is a device brought to that status through the services."""

    def make(status, **specs):
        return bring_to(make_device(**specs), status, technician)

    return make


def device_row(device: Device) -> dict:
    """Every column of the device's row, to prove that a refused step changed nothing."""
    return Device.objects.filter(pk=device.pk).values().get()


def event_count(device: Device) -> int:
    return DeviceEvent.objects.filter(device_id=device.pk).count()
