"""The network coordinator's dashboard: every member's figures for a period, as CSV too, for coordinators only,
in a number of queries that does not grow with the number of devices."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices import services
from devices.models import Association, Device, Donor, IntakeBatch, Membership

pytestmark = pytest.mark.django_db
URL = "/admin/reseau/"


@pytest.fixture
def coordinator(client):
    user = get_user_model().objects.create_user(email="coordination@ogo.example", password="x")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Network coordinators"))
    client.force_login(user)
    return client


def _member(name, slug, devices, donor):
    association = Association.objects.create(name=name, slug=slug)
    batch = IntakeBatch.objects.create(donor=donor, association=association, received_on=date(2026, 3, 2))
    for n in range(devices):
        services.device_register(batch=batch, category=Device.Category.LAPTOP, serial=f"{slug}-{n}")
    return association


@pytest.fixture
def members():
    region = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    laposte = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    declic = _member("Déclic", "declic", 3, region)
    rennes = _member("Rennes Ordi Partage", "rennes", 2, region)
    IntakeBatch.objects.create(donor=laposte, association=declic)
    return {"declic": declic, "rennes": rennes}


def test_the_dashboard_shows_each_members_figures(coordinator, members):
    response = coordinator.get(URL, {"start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 200
    rows = {row["association"].slug: row for row in response.context["members"]}
    assert (rows["declic"]["devices"], rows["declic"]["by_status"][Device.Status.RECEIVED]) == (3, 3)
    assert rows["rennes"]["devices"] == 2
    donors = {d["donor"]: d["members"] for d in response.context["donors"]}
    assert donors["Région Bretagne"] == [("Déclic", 3), ("Rennes Ordi Partage", 2)] and donors["La Poste"] == []
    content = response.content.decode()
    assert "Déclic" in content and "Rennes Ordi Partage" in content


def test_each_table_downloads_as_csv(coordinator, members):
    response = coordinator.get(URL, {"csv": "membres"})
    assert response["Content-Disposition"].startswith("attachment;")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Association membre;") and any(line.startswith("Déclic;") for line in lines)
    response = coordinator.get(URL, {"csv": "donateurs"})
    assert "Région Bretagne;Rennes Ordi Partage;2" in response.content.decode("utf-8-sig")


def test_a_period_that_ends_before_it_starts_is_refused_with_the_input_kept(coordinator, members):
    response = coordinator.get(URL, {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["end"] and 'value="2026-06-01"' in response.content.decode()


def test_only_coordinators_see_it(client, members):
    technician = get_user_model().objects.create_user(email="atelier@declic.example", password="x")
    Membership.objects.create(user=technician, association=members["declic"], role=Membership.Role.TECHNICIAN)
    client.force_login(technician)
    assert client.get(URL).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_devices(coordinator, members):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(URL).status_code == 200
        return len(queries)

    count()  # the first request of the session warms what later ones reuse (site, locale…)
    before = count()
    batch = IntakeBatch.objects.get(association=members["rennes"])
    Device.objects.bulk_create(
        Device(asset_tag=f"Z{n:05d}", category=Device.Category.LAPTOP, batch=batch, association=members["rennes"])
        for n in range(10_000)
    )
    assert count() == before
    assert reverse("network_dashboard") == URL
