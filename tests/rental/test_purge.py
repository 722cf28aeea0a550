"""The scheduled purge: personal data and files of finished applications go after the retention period;
anonymised figures and the registry's events stay."""

import datetime

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from devices.models import DeviceEvent
from rental import services
from rental.models import Agreement, Application, ApplicationEvent
from rental.tasks import purge_applications
from tests.rental.conftest import S

pytestmark = pytest.mark.django_db


def registry_snapshot(device):
    device.refresh_from_db()
    events = list(DeviceEvent.objects.filter(device=device).order_by("pk").values("kind", "data", "status_after"))
    return (device.status, device.outcome_category, device.outcome_department, events)


def test_purge_after_the_retention_period_removes_data_and_files_and_keeps_aggregates(
    application_in, officer, settings
):
    settings.RENTAL_RETENTION_DAYS = 183
    settings.RENTAL_CLOSED_RETENTION_DAYS = 183
    closed = application_in(S.CLOSED)
    rejected = application_in(S.REJECTED)
    active = application_in(S.ACTIVE)
    services.payment_record_counter(application=closed, actor=officer, amount=closed.monthly_amount)
    files = [closed.proof.name, closed.agreement.signed_file.name, rejected.proof.name]
    private = storages["private"]
    assert all(private.exists(name) for name in files)
    registry_before = registry_snapshot(closed.device)

    # The day before the end of the retention period: nothing is purged.
    almost = timezone.now() + datetime.timedelta(days=182)
    assert services.applications_purge(now=almost) == 0
    assert all(private.exists(name) for name in files)

    later = timezone.now() + datetime.timedelta(days=184)
    assert services.applications_purge(now=later) == 2
    assert not any(private.exists(name) for name in files)
    for application in (closed, rejected):
        application.refresh_from_db()
        assert application.purged_at == later
        assert (application.first_name, application.last_name, application.phone, application.address) == (
            "",
            "",
            "",
            "",
        )
        assert application.applicant is None and not application.proof
        assert not ApplicationEvent.objects.filter(application=application).exclude(message="").exists()
    agreement = Agreement.objects.get(application=closed)
    assert (agreement.signed_name, agreement.signed_ip, agreement.signed_file.name) == ("", None, "")
    # What stays for the figures: status, association, département, dates, device tag, amounts paid.
    assert (closed.status, closed.department, closed.pickup_association_id) == (
        S.CLOSED,
        "35",
        active.pickup_association_id,
    )
    assert closed.payments.get().amount == closed.monthly_amount
    assert rejected.status == S.REJECTED
    # The registry is not touched: categories and territory only, as before.
    assert registry_snapshot(closed.device) == registry_before
    # An ongoing loan keeps everything; a second run finds nothing more.
    active.refresh_from_db()
    assert active.purged_at is None and private.exists(active.proof.name)
    assert services.applications_purge(now=later) == 0


def test_default_retention_matches_the_privacy_policy():
    from django.conf import settings

    assert settings.RENTAL_RETENTION_DAYS == 183  # "six months after the decision"


def test_purge_command_and_task_use_the_same_service(application_in, settings):
    settings.RENTAL_RETENTION_DAYS = 0
    application = application_in(S.REJECTED)
    Application.objects.filter(pk=application.pk).update(decided_at=timezone.now() - datetime.timedelta(days=1))
    call_command("rental_purge", verbosity=0)
    application.refresh_from_db()
    assert application.purged_at is not None
    assert purge_applications() == 0


def test_purged_application_is_no_longer_visible_to_anyone(application_in, client, settings):
    settings.RENTAL_RETENTION_DAYS = 0
    application = application_in(S.REJECTED)
    user = application.applicant
    Application.objects.filter(pk=application.pk).update(decided_at=timezone.now() - datetime.timedelta(days=1))
    services.applications_purge()
    client.force_login(user)
    assert client.get(f"/location/mes-demandes/{application.pk}/").status_code == 404
