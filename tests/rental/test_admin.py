"""The rental officer's back office: who gets in, the queue and its filters, each step from the page,
overdue loans, the rental pool, training programmes, and the "Rental" group of the data migration."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext

from devices.models import Device, Membership
from rental.models import Application, TrainingProgramme
from tests.factories import UserFactory
from tests.rental.conftest import S

pytestmark = pytest.mark.django_db
URLS = [
    "/admin/location/",
    "/admin/location/demandes/",
    "/admin/location/retards/",
    "/admin/location/parc/",
    "/admin/location/formations/",
]


def test_the_rental_group_holds_the_officer_permissions(rental_group):
    group = Group.objects.get(name="Rental")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"manage_rentals", "add_trainingprogramme", "change_trainingprogramme", "access_admin"} <= codenames
    assert "operate_device" not in codenames  # officers do not run the workshop


@pytest.mark.parametrize("url", URLS)
def test_pages_refuse_users_without_the_rental_role(client, url, rental_group):
    client.force_login(UserFactory(is_staff=True, groups=["Workshop"]))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_pages_open_to_rental_officers(client, officer, url):
    client.force_login(officer)
    assert client.get(url).status_code == 200


def test_queue_filters_by_status_programme_association_and_date(
    client, officer, submit, application_in, other_association, programme
):
    waiting = submit()
    elsewhere = submit(association_=other_association)
    rejected = application_in(S.REJECTED)
    # An officer of both members: the queue shows both, and filters by member.
    Membership.objects.create(user=officer, association=other_association, role=Membership.Role.RENTAL_OFFICER)
    client.force_login(officer)
    page = client.get("/admin/location/demandes/?status=submitted").content.decode()
    assert waiting.reference in page and elsewhere.reference in page and rejected.reference not in page
    page = client.get(f"/admin/location/demandes/?association={other_association.pk}").content.decode()
    assert elsewhere.reference in page and waiting.reference not in page
    page = client.get(f"/admin/location/demandes/?programme={programme.pk}").content.decode()
    assert waiting.reference in page
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    page = client.get(f"/admin/location/demandes/?submitted_from={tomorrow}").content.decode()
    assert waiting.reference not in page


def test_the_officer_runs_a_loan_from_the_application_page(client, officer, submit, pooled, technician):
    application = submit()
    device = pooled(application.pickup_association)
    client.force_login(officer)
    page = client.get(f"/admin/location/demandes/{application.pk}/").content.decode()
    assert application.full_name in page and f"/location/mes-demandes/{application.pk}/justificatif/" in page
    response = client.post(f"/admin/location/demandes/{application.pk}/approve/", {"approve-message": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.device == device

    refused = client.post(f"/admin/location/demandes/{application.pk}/pickup/", {})
    assert refused.status_code == 400  # not signed yet: the service refuses, the page says why
    application.refresh_from_db()
    assert application.status == S.APPROVED

    from rental import services

    services.agreement_sign(
        application=application,
        applicant=application.applicant,
        typed_name=application.full_name,
        accepted=True,
        ip=None,
    )
    assert (
        client.post(f"/admin/location/demandes/{application.pk}/pickup/", {"pickup-picked_up_on": ""}).status_code
        == 302
    )
    assert (
        client.post(f"/admin/location/demandes/{application.pk}/payment/", {"payment-amount": "5"}).status_code == 302
    )
    missing = client.post(f"/admin/location/demandes/{application.pk}/return/", {"return-condition": ""})
    assert missing.status_code == 400
    assert (
        client.post(
            f"/admin/location/demandes/{application.pk}/return/", {"return-condition": "Bon état, chargeur rendu"}
        ).status_code
        == 302
    )
    application.refresh_from_db()
    device.refresh_from_db()
    assert application.status == S.CLOSED and device.status == Device.Status.IN_WORKSHOP
    assert application.payments.get().amount == 5


def test_reject_and_request_info_from_the_page(client, officer, submit):
    first, second = submit(), submit()
    client.force_login(officer)
    client.post(f"/admin/location/demandes/{first.pk}/reject/", {"reject-reason": "Formation non éligible."})
    client.post(f"/admin/location/demandes/{second.pk}/request-info/", {"request-info-message": "Dates ?"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.rejection_reason, second.status) == (
        S.REJECTED,
        "Formation non éligible.",
        S.INFO_REQUESTED,
    )


def test_overdue_list(client, officer, application_in):
    late = application_in(S.ACTIVE)
    on_time = application_in(S.ACTIVE, email="autre@exemple.bzh")
    Application.objects.filter(pk=late.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=3))
    client.force_login(officer)
    page = client.get("/admin/location/retards/").content.decode()
    assert late.reference in page and on_time.reference not in page


def test_adding_a_ready_laptop_to_the_pool_serves_the_waiting_list(client, officer, submit, ready):
    application = submit()
    client.force_login(officer)
    client.post(f"/admin/location/demandes/{application.pk}/waitlist/", {"waitlist-message": ""})
    device = ready()
    page = client.get("/admin/location/parc/").content.decode()
    assert device.asset_tag in page
    assert client.post("/admin/location/parc/", {"device": device.pk}).status_code == 302
    application.refresh_from_db()
    device.refresh_from_db()
    assert device.status == Device.Status.RESERVED and application.device == device and application.status == S.APPROVED


def test_officers_maintain_training_programmes(client, officer):
    client.force_login(officer)
    response = client.post(
        "/admin/location/formations/new/",
        {
            "title": "CAP Cuisine",
            "training_body": "GRETA",
            "funder": "Région Bretagne",
            "starts_on": "2026-09-01",
            "ends_on": "2027-06-30",
            "is_open": "on",
        },
    )
    assert response.status_code == 302
    assert TrainingProgramme.objects.get().title == "CAP Cuisine"


# --- /admin/location/: what waits today -----------------------------------------------------------


def test_today_counts_what_waits_for_the_officers_members_and_links_to_it(
    client, officer, submit, application_in, other_association, pooled
):
    from rental import services

    new = submit()
    answered = application_in(S.INFO_REQUESTED)
    services.application_answer(application=answered, applicant=answered.applicant, message="Voici le document.")
    to_sign = application_in(S.APPROVED)
    pickup = application_in(S.SIGNED)
    soon = application_in(S.ACTIVE)
    Application.objects.filter(pk=soon.pk).update(due_on=datetime.date.today() + datetime.timedelta(days=3))
    late = application_in(S.ACTIVE)
    Application.objects.filter(pk=late.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=3))
    waiting = application_in(S.WAITLISTED)
    services.application_transfer_propose(application=waiting, actor=officer, to_association=other_association)
    pooled(officer.memberships.get().association)
    submit(association_=other_association)  # another member's: not counted
    pooled(other_association)

    client.force_login(officer)
    response = client.get("/admin/location/")
    assert response.status_code == 200
    counts = {link["kind"]: link["count"] for link in response.context["links"]}
    assert counts == {
        "new": 1,
        "answered": 1,
        "to_sign": 1,
        "pickup": 1,
        "returns_soon": 1,
        "overdue": 1,
        "waitlisted": 1,
        "transfer": 1,
        "free": 1,
    }
    page = response.content.decode()
    assert "Déclic" in page and "Atelier du Léon" not in page
    links = {link["kind"]: link["url"] for link in response.context["links"]}
    for kind, application, others in (
        ("new", new, [answered]),
        ("answered", answered, [new]),
        ("to_sign", to_sign, [pickup]),
        ("pickup", pickup, [to_sign]),
        ("returns_soon", soon, [late]),
        ("waitlisted", waiting, [new]),
        ("transfer", waiting, [new]),
    ):
        listing = client.get(links[kind]).content.decode()
        assert application.reference in listing, kind
        assert all(other.reference not in listing for other in others), kind
    assert late.reference in client.get(links["overdue"]).content.decode()


def test_the_coordinator_sees_every_member_today_member_by_member(client, coordinator, submit, other_association):
    submit()
    submit(association_=other_association)
    client.force_login(coordinator)
    response = client.get("/admin/location/")
    assert {link["kind"]: link["count"] for link in response.context["links"]}["new"] == 2
    page = response.content.decode()
    assert "Déclic" in page and "Atelier du Léon" in page
    rows = {row["association"].name: row["links"] for row in response.context["rows"]}
    assert {"Atelier du Léon", "Déclic"} <= set(rows)
    assert [link["count"] for link in rows["Déclic"] if link["kind"] == "new"] == [1]
    new_at_leon = next(link for link in rows["Atelier du Léon"] if link["kind"] == "new")
    assert new_at_leon["url"] == f"/admin/location/demandes/?todo=new&association={other_association.pk}"


def test_an_officer_without_a_member_sees_an_explanation(client, rental_group):
    client.force_login(UserFactory(is_staff=True, groups=["Rental"]))
    response = client.get("/admin/location/")
    with translation.override("fr"):
        explanation = gettext(
            "You are not a rental officer of any member association yet: a member administrator or the network "
            "coordination gives you the role."
        )
    assert response.status_code == 200 and explanation in response.content.decode()
    assert "data-kind" not in response.content.decode()


def test_the_officer_proposes_a_move_from_the_application_page(client, officer, submit, other_association):
    from devices.models import Association

    Association.objects.create(name="Sans prêt", slug="sans-pret", department="35")  # lends nothing
    application = submit()
    client.force_login(officer)
    page = client.get(f"/admin/location/demandes/{application.pk}/").content.decode()
    assert 'id="step-transfer"' in page and other_association.name in page and "Sans prêt" not in page
    response = client.post(
        f"/admin/location/demandes/{application.pk}/transfer/",
        {"transfer-to_association": other_association.pk, "transfer-message": "Plus près de chez vous."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.transfer_to == other_association and application.pickup_association != other_association
    page = client.get(f"/admin/location/demandes/{application.pk}/").content.decode()
    assert (
        other_association.name in page
        and application.reference in client.get("/admin/location/demandes/?todo=transfer").content.decode()
    )
