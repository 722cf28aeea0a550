"""Demo rental data for `manage.py demo`: two programmes, a rental officer, trainees whose applications are in
several states, and laptops of Déclic's rental pool (reserved by the registry's demo).

Everything goes through the services. Idempotent: a trainee who already has an application is left alone.
E-mails of the demo are not sent.
"""

from datetime import date, timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from devices import services as device_services
from devices.models import Association, Device
from rental import selectors, services
from rental.models import Application, TrainingProgramme

OFFICER_EMAIL = "location@reemploi.example"
# e-mail, first name, last name, postcode, commune, target status
TRAINEES = [
    ("stagiaire@reemploi.example", "Nolwenn", "Le Bihan", "35600", "Redon", Application.Status.APPROVED),
    ("gwenael.stagiaire@reemploi.example", "Gwenaël", "Riou", "35000", "Rennes", Application.Status.SUBMITTED),
    ("soizic.stagiaire@reemploi.example", "Soizic", "Guégan", "56000", "Vannes", Application.Status.INFO_REQUESTED),
    ("ronan.stagiaire@reemploi.example", "Ronan", "Le Gall", "29200", "Brest", Application.Status.ACTIVE),
    ("maiwenn.stagiaire@reemploi.example", "Maïwenn", "Tanguy", "22000", "Saint-Brieuc", Application.Status.CLOSED),
    ("yannick.stagiaire@reemploi.example", "Yannick", "Morvan", "35400", "Saint-Malo", Application.Status.REJECTED),
]
PROOF = b"%PDF-1.4\n% Attestation d'inscription (demo)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rental_group() -> Group:
    """The group of the data migration, recreated with its permissions if a flush removed it (tests)."""
    group, _created = Group.objects.get_or_create(name="Rental")
    for app_label, codename in import_module("rental.migrations.0002_rental_group").PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def _user(email, first_name, last_name, password, groups=()):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.is_active = True
    user.is_staff = user.is_staff or bool(groups)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def _programmes():
    today = date.today()
    web, _ = TrainingProgramme.objects.get_or_create(
        title="Développeur web et web mobile",
        training_body="AFPA Rennes",
        defaults={
            "funder": "Région Bretagne",
            "starts_on": today - timedelta(days=60),
            "ends_on": today + timedelta(days=150),
        },
    )
    care, _ = TrainingProgramme.objects.get_or_create(
        title="Assistant de vie aux familles",
        training_body="GRETA Bretagne Sud",
        defaults={
            "funder": "Région Bretagne",
            "starts_on": today - timedelta(days=20),
            "ends_on": today + timedelta(days=240),
        },
    )
    return web, care


def _pool(association, actor, wanted: int):
    """Make sure Déclic's rental pool has `wanted` free laptops (ready ones are added if needed)."""
    free = selectors.free_pool_devices(association).count()
    ready = Device.objects.filter(association=association, status=Device.Status.READY, category=selectors.POOL_CATEGORY)
    for device in ready[: max(0, wanted - free)]:
        device_services.device_reserve_for_rental(device=device, actor=actor)


def load(password: str) -> dict:
    """Create the demo rental data; returns the logins to print."""
    association = Association.objects.filter(slug="declic").first() or Association.objects.first()
    if association is None:
        return {}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        _rental_group()
        officer = _user(OFFICER_EMAIL, "Maëlle", "Officière", password, groups=["Rental"])
        web, care = _programmes()
        _pool(association, officer, wanted=4)
        today = date.today()
        for number, (email, first_name, last_name, postcode, commune, status) in enumerate(TRAINEES):
            user = _user(email, first_name, last_name, password)
            if Application.objects.filter(applicant=user).exists():
                continue
            programme = web if number % 2 == 0 else care
            application = services.application_submit(
                applicant=user,
                proof=ContentFile(PROOF, name="attestation.pdf"),
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=f"06 00 00 00 0{number}",
                address=f"{number + 1} rue de la Gare",
                postcode=postcode,
                commune=commune,
                programme=programme,
                needs_webcam=True,
                pickup_association=association,
            )
            if status == Application.Status.INFO_REQUESTED:
                services.application_request_info(
                    application=application,
                    actor=officer,
                    message="Votre attestation n'est pas signée : pouvez-vous en envoyer une signée ?",
                )
            elif status == Application.Status.REJECTED:
                services.application_reject(
                    application=application,
                    actor=officer,
                    reason="Cette formation n'est pas financée par la Région : rapprochez-vous de votre organisme.",
                )
            elif status in (Application.Status.APPROVED, Application.Status.ACTIVE, Application.Status.CLOSED):
                services.application_approve(application=application, actor=officer)
                application.refresh_from_db()
                if application.status != Application.Status.APPROVED or status == Application.Status.APPROVED:
                    continue
                services.agreement_sign(
                    application=application,
                    applicant=user,
                    typed_name=application.full_name,
                    accepted=True,
                    ip="127.0.0.1",
                    now=timezone.now() - timedelta(days=42),
                )
                services.loan_pickup(application=application, actor=officer, picked_up_on=today - timedelta(days=40))
                services.payment_record_counter(
                    application=application, actor=officer, amount=application.monthly_amount
                )
                if status == Application.Status.CLOSED:
                    services.loan_return(
                        application=application,
                        actor=officer,
                        condition="Bon état ; chargeur et sacoche rendus.",
                        returned_on=today - timedelta(days=3),
                    )
        # One more laptop waits in the pool, and a waitlisted application would take the next one.
        _pool(association, officer, wanted=1)
    return {"officer": OFFICER_EMAIL, "trainee": TRAINEES[0][0]}
