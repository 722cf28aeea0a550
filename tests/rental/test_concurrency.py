"""Two officers of two members of one département approving at the same moment, with one free laptop between
them: it goes to one application only, the other waits; a laptop added while another is approved goes once.

Real threads on PostgreSQL (`tests.concurrency.at_once`): the pools' lock orders the steps, without deadlock.
"""

import pytest

from devices.models import Association
from rental import services
from rental.models import Application
from tests.concurrency import at_once
from tests.rental.conftest import S, make_officer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data", "rental_group")]


@pytest.fixture
def rennes(db):
    return Association.objects.create(
        name="Rennes Réemploi", slug="rennes", city="Rennes", department="35", offers_rental=True
    )


def test_one_free_laptop_goes_to_one_of_two_approvals_across_members(submit, pooled, officer, association, rennes):
    device = pooled(association)
    here, there = submit(), submit(association_=rennes, email="rennes@exemple.bzh")
    rennes_officer = make_officer(rennes, email="location@rennes.example")
    at_once(
        lambda: services.application_approve(application=here, actor=officer),
        lambda: services.application_approve(application=there, actor=rennes_officer),
    )
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted([S.APPROVED, S.WAITLISTED])
    assert Application.objects.filter(device=device, status=S.APPROVED).count() == 1


def test_a_laptop_added_while_another_application_is_approved_is_assigned_once(
    submit, ready, pooled, officer, technician, association, rennes
):
    waiting = submit(association_=rennes, email="attente@exemple.bzh")
    services.application_waitlist(application=waiting, actor=officer)
    pooled(association)
    newcomer = submit()
    device = ready()
    at_once(
        lambda: services.rental_pool_add(device=device, actor=technician),
        lambda: services.application_approve(application=newcomer, actor=officer),
    )
    approved = Application.objects.filter(status=S.APPROVED)
    assert approved.count() == 2
    assert len(set(approved.values_list("device", flat=True))) == 2
