"""The rental demo: applications in several states through the services, and idempotent."""

import pytest

from rental import demo
from rental.models import Application
from tests.rental.conftest import S

pytestmark = pytest.mark.django_db


def test_demo_loads_applications_in_several_states_and_is_idempotent(association, pooled, ready, rental_group):
    for _device in range(3):
        pooled(association)
    ready(association)
    demo.load("demo-reemploi-2026")
    states = set(Application.objects.values_list("status", flat=True))
    assert {S.SUBMITTED, S.INFO_REQUESTED, S.APPROVED, S.ACTIVE, S.CLOSED, S.REJECTED} <= states
    count = Application.objects.count()
    demo.load("demo-reemploi-2026")
    assert Application.objects.count() == count
