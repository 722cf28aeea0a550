"""The relay portal's home, the programme report and its downloads: the same number of queries whatever the
number of devices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes import services
from tests.programmes.conftest import hand_over


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200, path
    return len(captured)


@pytest.fixture
def grow(allocate, received, partner_staff):
    """Adds one device in each state: to receive, at the partner, handed over, returned."""

    def add():
        allocate()
        received()
        hand_over(received(), partner_staff)
        services.allocation_return(allocation=received(), actor=partner_staff, condition="unused")

    return add


# Not named `page`: that is Playwright's fixture, and a parameter of that name made these tests browser tests.
@pytest.mark.parametrize("which", ["home", "report", "report_csv", "donor_home"])
def test_query_counts_do_not_grow_with_the_devices(client, grow, partner_staff, donor, programme, which):
    programme.quota = None
    programme.save()
    if which == "home":
        client.force_login(partner_staff)
        path = reverse("programmes:home")
    else:
        client.force_login(donor.users.create(email="numerique@region.example"))
        path = (
            reverse("devices:donor_home")
            if which == "donor_home"
            else reverse(f"programmes:{which}", args=[programme.slug])
        )
    grow()
    for _warm in range(2):  # the site's settings and menus are cached after the first requests
        _queries(client, path)
    before = _queries(client, path)
    for _n in range(3):
        grow()
    _queries(client, path)
    assert _queries(client, path) == before
