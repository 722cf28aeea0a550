"""Every status transition of an application, its e-mail, the device it moves in the registry, and the rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from devices import services as device_services
from devices.models import BeneficiaryCategory, Device, DeviceEvent
from rental import selectors, services
from rental.models import Agreement, Application, ApplicationEvent, Payment
from rental.services import RentalRefused
from tests.factories import UserFactory
from tests.rental.conftest import PNG_BYTES, S, application_fields, bring_to, proof_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the services queue for after the commit (the e-mails) at the end of the block."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


# --- Submission ----------------------------------------------------------------------------------


def test_submit_stores_the_proof_privately_and_mails_trainee_and_staff(
    trainee, association, programme, mailoutbox, commit, settings
):
    with commit():
        application = services.application_submit(
            applicant=trainee,
            proof=proof_pdf("mon attestation <script>.pdf"),
            **application_fields(association, programme),
        )
    assert application.status == S.SUBMITTED
    assert application.department == "35"
    assert application.training_title == programme.title and application.training_ends_on == programme.ends_on
    # Stored under a random name in the private storage, never under the uploaded name.
    assert application.proof.name.startswith("rental/proofs/") and application.proof.name.endswith(".pdf")
    assert "attestation" not in application.proof.name
    assert storages["private"].exists(application.proof.name)
    assert application.events.get().status_after == S.SUBMITTED
    assert [m.subject for m in to(mailoutbox, trainee.email)] and application.reference in to(
        mailoutbox, trainee.email
    )[0].subject
    staff = to(mailoutbox, settings.STAFF_NOTIFICATION_EMAILS[0])
    assert len(staff) == 1 and f"/admin/location/demandes/{application.pk}/" in staff[0].body


def test_submit_refuses_a_fake_proof_and_stores_nothing(trainee, association, programme, settings):
    html = SimpleUploadedFile(
        "attestation.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError):
        services.application_submit(applicant=trainee, proof=html, **application_fields(association, programme))
    assert not Application.objects.exists()
    assert not (settings.PRIVATE_ROOT / "rental").exists()


def test_declared_training_needs_a_title_and_dates_in_order(trainee, association):
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            applicant=trainee, proof=proof_pdf(), **application_fields(association, training_title="", training_body="")
        )
    assert "training_title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            applicant=trainee,
            proof=proof_pdf(),
            **application_fields(association, training_ends_on=datetime.date(2026, 1, 1)),
        )
    assert "training_ends_on" in refused.value.message_dict


@pytest.mark.parametrize(
    ("postcode", "department"),
    [("35000", "35"), ("29200", "29"), ("01000", "01"), ("20000", "2A"), ("20200", "2B"), ("97400", "974")],
)
def test_department_of_postcode(postcode, department):
    assert services.department_of_postcode(postcode) == department


@pytest.mark.parametrize("postcode", ["3500", "ABCDE", "98000", "00100", ""])
def test_department_of_postcode_refuses(postcode):
    with pytest.raises(ValidationError):
        services.department_of_postcode(postcode)


# --- Review --------------------------------------------------------------------------------------


def test_request_info_then_answer_with_a_new_proof(submit, officer, mailoutbox, commit, settings):
    application = submit()
    old_proof = application.proof.name
    mailoutbox.clear()
    with commit():
        services.application_request_info(application=application, actor=officer, message="Attestation illisible.")
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    mail = to(mailoutbox, application.email)
    assert len(mail) == 1 and "Attestation illisible." in mail[0].body

    mailoutbox.clear()
    with commit():
        services.application_answer(
            application=application,
            applicant=application.applicant,
            message="Voici une photo plus nette.",
            proof=SimpleUploadedFile("photo.png", PNG_BYTES),
        )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.proof.name.endswith(".png") and application.proof.name != old_proof
    assert not storages["private"].exists(old_proof)
    assert to(mailoutbox, settings.STAFF_NOTIFICATION_EMAILS[0])
    assert [e.status_after for e in application.events.all()] == [S.SUBMITTED, S.INFO_REQUESTED, S.SUBMITTED]


def test_someone_else_cannot_answer(submit, officer):
    application = bring_to(submit(), S.INFO_REQUESTED, officer)
    with pytest.raises(RentalRefused):
        services.application_answer(application=application, applicant=UserFactory(), message="Bonjour")


def test_approve_assigns_a_pool_device_and_draws_up_the_agreement(
    submit, pooled, officer, mailoutbox, commit, settings
):
    settings.RENTAL_MONTHLY_AMOUNT = "5"
    application = submit()
    device = pooled(application.pickup_association)
    mailoutbox.clear()
    with commit():
        services.application_approve(application=application, actor=officer)
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.device == device
    assert application.monthly_amount == Decimal("5.00") and application.due_on == application.training_ends_on
    agreement = Agreement.objects.get(application=application)
    assert (agreement.asset_tag, agreement.serial, agreement.monthly_amount) == (
        device.asset_tag,
        device.serial,
        Decimal("5.00"),
    )
    assert not agreement.is_signed
    mail = to(mailoutbox, application.email)
    assert len(mail) == 1 and device.asset_tag in mail[0].body
    device.refresh_from_db()
    assert device.status == Device.Status.RESERVED  # still in the pool's custody until pickup


def test_approve_without_a_free_device_puts_on_the_waiting_list(
    submit, pooled, other_association, officer, mailoutbox, commit
):
    application = submit()
    pooled(other_association)  # another association's pool does not serve this pickup
    with commit():
        services.application_approve(application=application, actor=officer)
    application.refresh_from_db()
    assert application.status == S.WAITLISTED and application.device is None and application.waitlisted_at
    assert [m for m in to(mailoutbox, application.email) if application.reference in m.subject][-1]


def test_reject_needs_a_reason_and_mails_it(submit, officer, mailoutbox, commit):
    application = submit()
    with pytest.raises(ValidationError):
        services.application_reject(application=application, actor=officer, reason=" ")
    mailoutbox.clear()
    with commit():
        services.application_reject(
            application=application, actor=officer, reason="Formation non financée par la Région."
        )
    application.refresh_from_db()
    assert application.status == S.REJECTED and application.decided_at
    assert "Formation non financée par la Région." in to(mailoutbox, application.email)[0].body


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.REJECTED, "approve"),
        (S.APPROVED, "reject"),
        (S.SUBMITTED, "pickup"),
        (S.APPROVED, "pickup"),
        (S.SIGNED, "return"),
        (S.CLOSED, "cancel"),
        (S.ACTIVE, "waitlist"),
    ],
)
def test_steps_refused_from_the_wrong_status_change_nothing(application_in, officer, status, step):
    application = application_in(status)
    before = Application.objects.filter(pk=application.pk).values().get()
    events = application.events.count()
    call = {
        "approve": lambda: services.application_approve(application=application, actor=officer),
        "reject": lambda: services.application_reject(application=application, actor=officer, reason="Non."),
        "pickup": lambda: services.loan_pickup(application=application, actor=officer),
        "return": lambda: services.loan_return(application=application, actor=officer, condition="Bon état"),
        "cancel": lambda: services.application_cancel(application=application, actor=officer, reason="Non."),
        "waitlist": lambda: services.application_waitlist(application=application, actor=officer),
    }[step]
    with pytest.raises(RentalRefused):
        call()
    assert Application.objects.filter(pk=application.pk).values().get() == before
    assert application.events.count() == events


# --- Waiting list --------------------------------------------------------------------------------


def test_the_oldest_waitlisted_application_gets_the_next_pool_device(
    submit, ready, officer, technician, association, other_association
):
    first, second, third = submit(), submit(), submit()
    elsewhere = submit(association_=other_association)
    # Waitlisted in this order: second, then first, then third (the list's order, not the submission's).
    for application in (second, first, third, elsewhere):
        services.application_approve(application=application, actor=officer)

    got = services.rental_pool_add(device=ready(), actor=technician)
    assert got.pk == second.pk
    got = services.rental_pool_add(device=ready(), actor=technician)
    assert got.pk == first.pk
    for application in (first, second, third, elsewhere):
        application.refresh_from_db()
    assert (first.status, second.status, third.status, elsewhere.status) == (
        S.APPROVED,
        S.APPROVED,
        S.WAITLISTED,
        S.WAITLISTED,
    )
    assert first.device != second.device


def test_periodic_allocation_serves_devices_reserved_from_the_workshop_pages(submit, ready, officer, technician):
    application = submit()
    services.application_waitlist(application=application, actor=officer)
    device = ready()
    device_services.device_reserve_for_rental(device=device, actor=technician)  # not through rental_pool_add
    from rental.tasks import allocate_waitlist

    assert allocate_waitlist() == 1
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.device == device


def test_cancelling_before_pickup_offers_the_device_to_the_waiting_list(
    application_in, submit, officer, mailoutbox, commit
):
    approved = application_in(S.SIGNED)
    waiting = submit(email="en.attente@exemple.bzh")
    services.application_approve(application=waiting, actor=officer)
    waiting.refresh_from_db()
    assert waiting.status == S.WAITLISTED
    with commit():
        services.application_cancel(application=approved, actor=officer, reason="Formation annulée.")
    waiting.refresh_from_db()
    approved.refresh_from_db()
    assert approved.status == S.CANCELLED and waiting.status == S.APPROVED and waiting.device == approved.device
    assert "Formation annulée." in to(mailoutbox, approved.email)[-1].body


# --- Signature, pickup, return -------------------------------------------------------------------


def test_signing_needs_the_applicants_name_and_the_box(application_in):
    application = application_in(S.APPROVED)
    with pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            application=application,
            applicant=application.applicant,
            typed_name="Jean Dupont",
            accepted=True,
            ip="192.0.2.1",
        )
    assert "typed_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.agreement_sign(
            application=application,
            applicant=application.applicant,
            typed_name=application.full_name,
            accepted=False,
            ip="192.0.2.1",
        )
    assert "accepted" in refused.value.message_dict
    with pytest.raises(RentalRefused):
        services.agreement_sign(
            application=application,
            applicant=UserFactory(),
            typed_name=application.full_name,
            accepted=True,
            ip="192.0.2.1",
        )
    assert not Agreement.objects.get(application=application).is_signed


def test_signing_records_name_time_address_and_stores_the_signed_pdf(application_in, mailoutbox, commit):
    application = application_in(S.APPROVED)
    with commit():
        agreement = services.agreement_sign(
            application=application,
            applicant=application.applicant,
            typed_name="  nolwenn LE-BIHAN ",
            accepted=True,
            ip="192.0.2.44",
        )
    application.refresh_from_db()
    assert application.status == S.SIGNED
    assert agreement.signed_name == "nolwenn LE-BIHAN" and agreement.signed_ip == "192.0.2.44" and agreement.signed_at
    assert agreement.signed_file.name.startswith("rental/agreements/")
    with storages["private"].open(agreement.signed_file.name, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-")
    assert to(mailoutbox, application.email)


def test_pickup_rents_the_device_as_region_trainee_with_the_departement_only(
    application_in, officer, mailoutbox, commit
):
    application = application_in(S.SIGNED, postcode="29200", commune="Brest")
    with commit():
        services.loan_pickup(application=application, actor=officer)
    application.refresh_from_db()
    device = application.device
    device.refresh_from_db()
    assert application.status == S.ACTIVE and application.picked_up_on
    assert application.payment_method == Application.PaymentMethod.COUNTER
    assert device.status == Device.Status.RENTED
    assert (device.outcome_category, device.outcome_territory, device.outcome_department) == (
        BeneficiaryCategory.REGION_TRAINEE,
        "29",
        "29",
    )
    event = device.events.get(kind=DeviceEvent.Kind.RENTED)
    assert event.data["reference"] == application.reference
    assert application.last_name not in str(event.data) and application.email not in str(event.data)
    assert device.asset_tag in to(mailoutbox, application.email)[-1].body


def test_return_sends_the_device_back_to_the_workshop_for_a_new_erasure(
    application_in, officer, technician, mailoutbox, commit
):
    application = application_in(S.ACTIVE)
    with commit():
        services.loan_return(
            application=application, actor=officer, condition="Rayure sur le capot", note="Sacoche rendue"
        )
    application.refresh_from_db()
    device = application.device
    device.refresh_from_db()
    assert application.status == S.CLOSED and application.returned_on and application.closed_at
    assert device.status == Device.Status.IN_WORKSHOP and device.needs_erasure and device.outcome_category == ""
    assert device.events.filter(kind=DeviceEvent.Kind.RETURNED).get().data["condition"] == "Rayure sur le capot"
    with pytest.raises(device_services.TransitionRefused):
        device_services.device_reserve_for_rental(device=device, actor=technician)
    assert to(mailoutbox, application.email)


def test_a_returned_device_can_only_be_lent_again_after_a_new_erasure(application_in, officer, technician, submit):
    first = application_in(S.CLOSED)
    device = first.device
    device_services.device_test(device=device, actor=technician, checklist={"écran": True})
    device_services.device_erase(device=device, actor=technician, method="NIST SP 800-88 Purge")
    device_services.device_grade(device=device, actor=technician, grade="B")
    assigned = services.rental_pool_add(device=device, actor=technician)
    assert assigned is None  # nobody waiting
    second = submit()
    services.application_approve(application=second, actor=officer)
    second.refresh_from_db()
    assert second.device == device


# --- Overdue block -------------------------------------------------------------------------------


def test_a_trainee_with_an_overdue_loan_cannot_apply_again(application_in, association, programme, officer):
    application = application_in(S.ACTIVE)
    user = application.applicant
    Application.objects.filter(pk=application.pk).update(due_on=datetime.date.today() - datetime.timedelta(days=1))
    with pytest.raises(RentalRefused) as refused:
        services.application_submit(applicant=user, proof=proof_pdf(), **application_fields(association, programme))
    assert "overdue" in str(refused.value) or "retard" in str(refused.value)
    assert Application.objects.filter(applicant=user).count() == 1
    services.loan_return(application=application, actor=officer, condition="Bon état")
    assert services.application_submit(applicant=user, proof=proof_pdf(), **application_fields(association, programme))


def test_one_application_in_progress_at_a_time(submit, association, programme):
    first = submit()
    with pytest.raises(RentalRefused):
        services.application_submit(
            applicant=first.applicant, proof=proof_pdf(), **application_fields(association, programme)
        )


# --- Payments and reminders ---------------------------------------------------------------------


def test_counter_payment_is_recorded_and_mailed(application_in, officer, mailoutbox, commit):
    application = application_in(S.ACTIVE)
    with commit():
        payment = services.payment_record_counter(application=application, actor=officer, amount=Decimal("10.00"))
    assert payment.method == Application.PaymentMethod.COUNTER and payment.recorded_by == officer
    assert selectors.paid_total(application) == Decimal("10.00")
    assert "10,00" in to(mailoutbox, application.email)[-1].body
    with pytest.raises(ValidationError):
        services.payment_record_counter(application=application, actor=officer, amount=Decimal("0"))


def test_due_and_overdue_reminders_are_sent_once_each(application_in, mailoutbox, commit, settings):
    settings.RENTAL_DUE_REMINDER_DAYS = [14, 3]
    settings.RENTAL_OVERDUE_REMINDER_DAYS = 7
    application = application_in(S.ACTIVE)
    due = application.due_on
    mailoutbox.clear()
    with commit():
        assert services.reminders_send(today=due - datetime.timedelta(days=20)) == {"due": 0, "overdue": 0}
        assert services.reminders_send(today=due - datetime.timedelta(days=10)) == {"due": 1, "overdue": 0}
        assert services.reminders_send(today=due - datetime.timedelta(days=9)) == {"due": 0, "overdue": 0}
        assert services.reminders_send(today=due - datetime.timedelta(days=2)) == {"due": 1, "overdue": 0}
        assert services.reminders_send(today=due + datetime.timedelta(days=1)) == {"due": 0, "overdue": 1}
        assert services.reminders_send(today=due + datetime.timedelta(days=3)) == {"due": 0, "overdue": 0}
        assert services.reminders_send(today=due + datetime.timedelta(days=8)) == {"due": 0, "overdue": 1}
    assert len(to(mailoutbox, application.email)) == 4
    assert len(to(mailoutbox, settings.STAFF_NOTIFICATION_EMAILS[0])) == 2
    assert list(selectors.overdue_loans(due + datetime.timedelta(days=1))) == [application]


def test_history_is_kept_step_by_step(application_in):
    application = application_in(S.CLOSED)
    assert list(ApplicationEvent.objects.filter(application=application).values_list("status_after", flat=True)) == [
        S.SUBMITTED,
        S.APPROVED,
        S.SIGNED,
        S.ACTIVE,
        S.CLOSED,
    ]
    assert not Payment.objects.exists()
