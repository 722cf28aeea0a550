"""Programme fixtures: La Poste's programme for the young people the Mission locale du Pays de Redon
supports, refurbished by Déclic, with a second relay partner (a CCAS) for the isolation tests."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from devices.models import Donor, Membership, PartnerKind
from programmes import services
from programmes.models import Programme, RelayPartner
from tests.devices import conftest as registry

# The registry's fixtures, used here too.
association, other_association, donor, batch = (
    registry.association,
    registry.other_association,
    registry.donor,
    registry.batch,
)
technician, make_device, ready = registry.technician, registry.make_device, registry.ready

SITUATIONS = ["Demandeur d'emploi", "En formation", "Étudiant"]


def _user(email, **extra):
    return get_user_model().objects.create_user(email=email, password="x" * 12, **extra)


@pytest.fixture
def mission_locale(db):
    partner = RelayPartner.objects.create(
        name="Mission locale du Pays de Redon",
        slug="mission-locale-redon",
        kind=PartnerKind.MISSION_LOCALE,
        territory="35236",
        email="accueil@ml-redon.example",
    )
    partner.users.add(_user("conseillere@ml-redon.example", first_name="Soizic"))
    return partner


@pytest.fixture
def ccas(db):
    partner = RelayPartner.objects.create(name="CCAS de Vannes", slug="ccas-vannes", kind=PartnerKind.CCAS)
    partner.users.add(_user("agent@ccas-vannes.example"))
    return partner


@pytest.fixture
def partner_staff(mission_locale):
    return mission_locale.users.get()


@pytest.fixture
def other_partner_staff(ccas):
    return ccas.users.get()


@pytest.fixture
def laposte(db):
    return Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY, contact_email="dr@laposte.example")


@pytest.fixture
def programme(association, mission_locale, ccas, donor):
    programme = Programme.objects.create(
        name="La Poste → jeunes de la Mission locale du Pays de Redon",
        slug="laposte-mission-locale-redon",
        story="Des ordinateurs portables pour les jeunes accompagnés vers l'emploi.",
        categories=["youth_mission_locale"],
        situations="\n".join(SITUATIONS),
        territory="Pays de Redon",
        quota=10,
        starts_on=date(2026, 1, 1),
        receipt_terms="Je reçois cet ordinateur gratuitement et m'engage à ne pas le revendre.",
    )
    programme.donors.add(donor)
    programme.members.add(association)
    programme.partners.add(mission_locale, ccas)
    return programme


@pytest.fixture
def workshop_user(association):
    user = _user("atelier@declic.example", first_name="Alex")
    user.groups.add(Group.objects.get(name="Workshop"))
    Membership.objects.create(user=user, association=association, role=Membership.Role.TECHNICIAN)
    return user


@pytest.fixture
def allocate(ready, programme, mission_locale, technician):
    """A factory: a ready device allocated to `partner` (the Mission locale unless told)."""

    def make(partner=None, **specs):
        return services.allocation_create(
            device=ready(**specs), programme=programme, partner=partner or mission_locale, actor=technician
        )

    return make


@pytest.fixture
def received(allocate, partner_staff):
    def make(partner=None, **specs):
        allocation = allocate(partner, **specs)
        return services.allocation_receive(allocation=allocation, actor=partner_staff)

    return make


def hand_over(allocation, actor, **overrides):
    kwargs = {
        "beneficiary_category": "youth_mission_locale",
        "age_bracket": "16_25",
        "territory": "35236",
        "situation": SITUATIONS[0],
        "partner_reference": "DOSSIER-42",
    }
    return services.allocation_hand_over(allocation=allocation, actor=actor, **{**kwargs, **overrides})
