"""Rental fixtures: two member associations that lend laptops, a trainee, a rental officer of the first
member (their role there gives the back office), a network coordinator, a programme, and applications
brought to any status through the services (never by writing the status)."""

import datetime
import importlib
import itertools

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from devices import services as device_services
from devices.models import Association, Device, Donor, IntakeBatch, Membership
from rental import services
from rental.models import Application, TrainingProgramme
from tests.factories import UserFactory

S = Application.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_serials = itertools.count(1)


def ensure_rental_group():
    """The group of the data migration (a transactional test's flush removes it)."""
    group, _created = Group.objects.get_or_create(name="Rental")
    for app_label, codename in importlib.import_module("rental.migrations.0002_rental_group").PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def proof_pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def rental_group(db):
    return ensure_rental_group()


@pytest.fixture
def association(db):
    return Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35", offers_rental=True)


@pytest.fixture
def other_association(db):
    return Association.objects.create(
        name="Atelier du Léon", slug="leon", city="Landerneau", department="29", offers_rental=True
    )


@pytest.fixture
def batch(association):
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    return IntakeBatch.objects.create(donor=donor, association=association, reference="CONV-RB-TEST")


@pytest.fixture
def technician(db):
    return UserFactory(email="yann.atelier@exemple.bzh")


def ready_device(batch, actor, association=None) -> Device:
    device = device_services.device_register(
        batch=batch,
        category=Device.Category.LAPTOP,
        association=association,
        serial=f"RT{next(_serials):06d}",
        brand="Lenovo",
        model="ThinkPad T480",
    )
    device_services.device_test(device=device, actor=actor, checklist={"écran": True, "webcam": True})
    device_services.device_erase(device=device, actor=actor, method="NIST SP 800-88 Purge", tool="nwipe")
    device_services.device_grade(device=device, actor=actor, grade="B", battery_health=80)
    device.refresh_from_db()
    return device


@pytest.fixture
def ready(batch, technician):
    """A factory of READY laptops (erased, tested, graded) held by the batch's association unless told."""

    def make(association=None):
        return ready_device(batch, technician, association)

    return make


@pytest.fixture
def pooled(ready, technician):
    """A factory of laptops in the rental pool (RESERVED through the registry)."""

    def make(association=None):
        device = ready(association)
        device_services.device_reserve_for_rental(device=device, actor=technician)
        device.refresh_from_db()
        return device

    return make


def make_officer(*associations, **fields):
    """A rental officer of `associations` (their membership's role gives the back office's permissions)."""
    user = UserFactory(is_staff=True, **fields)
    for association in associations:
        Membership.objects.create(user=user, association=association, role=Membership.Role.RENTAL_OFFICER)
    return user


@pytest.fixture
def officer(rental_group, association):
    """The rental officer of the pickup association of the fixtures' applications (`association`)."""
    user = make_officer(association, email="officier.location@exemple.bzh", first_name="Maël", last_name="Officier")
    user.groups.add(rental_group)
    return user


@pytest.fixture
def coordinator(db):
    """A network coordinator: every member's rental back office."""
    group, _created = Group.objects.get_or_create(name="Network coordinators")
    for app_label, codename in (
        *importlib.import_module("devices.migrations.0005_network_coordinators_group").PERMISSIONS,
        *importlib.import_module("rental.migrations.0003_coordinators_rental_permissions").PERMISSIONS,
    ):
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return UserFactory(email="coordination@ogo.example", is_staff=True, groups=["Network coordinators"])


@pytest.fixture
def trainee(db):
    return UserFactory(email="stagiaire@exemple.bzh", first_name="Nolwenn", last_name="Le Bihan")


@pytest.fixture
def programme(db):
    return TrainingProgramme.objects.create(
        title="Développeur web et web mobile",
        training_body="AFPA Rennes",
        funder="Région Bretagne",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 3, 31),
    )


def application_fields(association, programme=None, **overrides):
    fields = {
        "first_name": "Nolwenn",
        "last_name": "Le Bihan",
        "email": "stagiaire@exemple.bzh",
        "phone": "06 12 34 56 78",
        "address": "3 rue des Lilas",
        "postcode": "35600",
        "commune": "Redon",
        "pickup_association": association,
        "needs_webcam": True,
        "accessibility_needs": "",
    }
    if programme is not None:
        fields["programme"] = programme
    else:
        fields.update(
            training_body="GRETA Bretagne Sud",
            training_title="Assistant de vie aux familles",
            training_funder="Région Bretagne",
            training_starts_on=datetime.date(2026, 9, 1),
            training_ends_on=datetime.date(2027, 3, 31),
        )
    fields.update(overrides)
    return fields


@pytest.fixture
def submit(association, programme):
    """Submit an application for `user` (new trainee by default) through the service."""

    def make(user=None, association_=None, **overrides):
        user = user or UserFactory()
        fields = application_fields(association_ or association, programme, **overrides)
        fields.setdefault("first_name", user.first_name)
        return services.application_submit(applicant=user, proof=proof_pdf(), **fields)

    return make


def bring_to(application: Application, status: str, officer) -> Application:
    """Walk a submitted application to `status` through the services (a device must be free for approved+)."""
    if status == S.SUBMITTED:
        pass
    elif status == S.INFO_REQUESTED:
        services.application_request_info(application=application, actor=officer, message="Attestation illisible.")
    elif status == S.REJECTED:
        services.application_reject(application=application, actor=officer, reason="Formation non financée.")
    elif status == S.WAITLISTED:
        services.application_waitlist(application=application, actor=officer)
    else:
        services.application_approve(application=application, actor=officer)
        application.refresh_from_db()
        assert application.status == S.APPROVED, "no free device in the pool"
        if status in (S.SIGNED, S.ACTIVE, S.CLOSED):
            services.agreement_sign(
                application=application,
                applicant=application.applicant,
                typed_name=application.full_name,
                accepted=True,
                ip="192.0.2.10",
            )
        if status in (S.ACTIVE, S.CLOSED):
            services.loan_pickup(application=application, actor=officer)
        if status == S.CLOSED:
            services.loan_return(application=application, actor=officer, condition="Bon état, chargeur et sacoche.")
        if status == S.CANCELLED:
            services.application_cancel(application=application, actor=officer, reason="Formation reportée.")
    application.refresh_from_db()
    assert application.status == status
    return application


@pytest.fixture
def application_in(submit, pooled, officer):
    """`application_in("active")`: an application walked to that status (adds a pool device when needed)."""

    def make(status, user=None, **overrides):
        application = submit(user=user, **overrides)
        if status in (S.APPROVED, S.SIGNED, S.ACTIVE, S.CLOSED, S.CANCELLED):
            pooled(application.pickup_association)
        return bring_to(application, status, officer)

    return make


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
