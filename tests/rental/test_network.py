"""Rental across the network: an officer proposes a move to another member and the trainee accepts or declines;
the trainee changes the pickup member or cancels while no device is assigned; the waiting list offers a laptop
of any member in the trainee's département; card or direct debit and counter payments exclude each other;
the officer's message on approval reaches the trainee."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from devices import services as device_services
from devices.models import Association, Donor, IntakeBatch
from rental import selectors, services
from rental.models import Application, Payment
from rental.services import RentalRefused
from tests.factories import UserFactory
from tests.rental.conftest import S, bring_to, make_officer, ready_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def rennes(db):
    """A third member, in the same département as `association` (35), with no laptop in its pool yet."""
    return Association.objects.create(
        name="Rennes Réemploi", slug="rennes", city="Rennes", department="35", offers_rental=True
    )


def ready_device_of(association, technician):
    donor, _created = Donor.objects.get_or_create(name="Don local", kind=Donor.Kind.COMPANY)
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{association.slug}")
    return ready_device(batch, technician)


def to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


def waiting_at(submit, officer, association, **overrides):
    """An application waitlisted at `association` (which has no free laptop)."""
    application = submit(association_=association, **overrides)
    services.application_waitlist(application=application, actor=officer)
    application.refresh_from_db()
    assert application.status == S.WAITLISTED
    return application


# --- Transfer to another member: proposed by an officer, accepted or declined by the trainee -----


def test_a_proposed_move_changes_nothing_until_the_trainee_accepts(submit, officer, rennes, pooled, mailoutbox, commit):
    application = waiting_at(submit, officer, rennes)
    place = application.waitlisted_at
    rennes_officer = make_officer(rennes, email="location@rennes.example")
    leon = Association.objects.create(name="Atelier du Léon", slug="leon", department="29", offers_rental=True)
    leon_officer = make_officer(leon, email="location@leon.example")
    pooled(leon)
    mailoutbox.clear()
    with commit():
        services.application_transfer_propose(
            application=application, actor=rennes_officer, to_association=leon, message="Un ordinateur est libre."
        )
    application.refresh_from_db()
    assert (application.status, application.pickup_association, application.transfer_to) == (
        S.WAITLISTED,
        rennes,
        leon,
    )
    assert application.waitlisted_at == place
    assert application in selectors.officer_applications(rennes_officer)
    assert application not in selectors.officer_applications(leon_officer)
    mail = to(mailoutbox, application.email)
    assert len(mail) == 1 and "Atelier du Léon" in mail[0].subject
    assert "Un ordinateur est libre." in mail[0].body and "Rennes Réemploi" in mail[0].body

    mailoutbox.clear()
    with commit():
        services.application_transfer_accept(application=application, applicant=application.applicant)
    application.refresh_from_db()
    # Accepted: Léon is the pickup member, and its free laptop is offered at once.
    assert application.pickup_association == leon and application.transfer_to is None
    assert application.status == S.APPROVED and application.device.association == leon
    assert application in selectors.officer_applications(leon_officer)
    assert application not in selectors.officer_applications(rennes_officer)
    titles = list(application.events.values_list("title", flat=True))
    assert any("Atelier du Léon" in title and "accept" in title.lower() for title in titles)
    staff = to(mailoutbox, "location@leon.example")
    assert staff and to(mailoutbox, "location@rennes.example")


def test_a_declined_move_leaves_the_application_in_its_place(submit, officer, association, rennes, mailoutbox, commit):
    application = waiting_at(submit, officer, association)
    services.application_transfer_propose(application=application, actor=officer, to_association=rennes)
    mailoutbox.clear()
    with commit():
        services.application_transfer_decline(application=application, applicant=application.applicant)
    application.refresh_from_db()
    assert (application.pickup_association, application.transfer_to, application.status) == (
        association,
        None,
        S.WAITLISTED,
    )
    assert to(mailoutbox, officer.email)  # the officer learns the answer
    with pytest.raises(RentalRefused):
        services.application_transfer_accept(application=application, applicant=application.applicant)


def test_a_move_is_refused_where_the_rules_say_so(submit, officer, association, rennes, application_in):
    application = submit()
    with pytest.raises(ValidationError) as refused:
        services.application_transfer_propose(application=application, actor=officer, to_association=association)
    assert "to_association" in refused.value.message_dict
    no_rental = Association.objects.create(name="Ti Numérique", slug="ti", department="35")
    with pytest.raises(ValidationError) as refused:
        services.application_transfer_propose(application=application, actor=officer, to_association=no_rental)
    assert "rental" in str(refused.value) or "prête" in str(refused.value) or "lends" in str(refused.value)
    approved = application_in(S.APPROVED)
    with pytest.raises(RentalRefused):
        services.application_transfer_propose(application=approved, actor=officer, to_association=rennes)
    services.application_transfer_propose(application=application, actor=officer, to_association=rennes)
    with pytest.raises(RentalRefused):
        services.application_transfer_accept(application=application, applicant=UserFactory())
    application.refresh_from_db()
    assert application.pickup_association == association and application.transfer_to == rennes


def test_a_proposed_move_lapses_when_a_laptop_is_assigned_where_the_application_is(
    submit, officer, association, rennes, ready, technician
):
    application = waiting_at(submit, officer, association)
    services.application_transfer_propose(application=application, actor=officer, to_association=rennes)
    assert services.rental_pool_add(device=ready(), actor=technician) == application
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.transfer_to is None
    assert application.pickup_association == association
    with pytest.raises(RentalRefused):
        services.application_transfer_accept(application=application, applicant=application.applicant)


# --- The trainee's own changes -------------------------------------------------------------------


def test_the_trainee_cancels_while_no_device_is_assigned(submit, officer, association, programme, mailoutbox, commit):
    application = waiting_at(submit, officer, association)
    mailoutbox.clear()
    with commit():
        services.application_withdraw(
            application=application, applicant=application.applicant, reason="J'ai trouvé un ordinateur."
        )
    application.refresh_from_db()
    assert application.status == S.CANCELLED and application.closed_at
    assert application.events.last().message == "J'ai trouvé un ordinateur."
    assert to(mailoutbox, application.email) and to(mailoutbox, officer.email)
    # Nothing in progress any more: they may apply again.
    assert selectors.user_open_application(application.applicant) is None


def test_the_trainee_cannot_cancel_once_a_device_is_assigned_nor_someone_else(application_in, submit):
    approved = application_in(S.APPROVED)
    with pytest.raises(RentalRefused):
        services.application_withdraw(application=approved, applicant=approved.applicant)
    waiting = submit()
    with pytest.raises(RentalRefused):
        services.application_withdraw(application=waiting, applicant=UserFactory())
    approved.refresh_from_db()
    waiting.refresh_from_db()
    assert (approved.status, waiting.status) == (S.APPROVED, S.SUBMITTED)


def test_changing_the_pickup_member_keeps_the_place_on_the_waiting_list(
    submit, officer, association, rennes, pooled, mailoutbox, commit
):
    # Waitlisted at Rennes (no laptop) first, then another trainee at Déclic.
    stuck = waiting_at(submit, officer, rennes, postcode="56000", commune="Vannes")
    later = waiting_at(submit, officer, association, postcode="56000", commune="Vannes")
    mailoutbox.clear()
    with commit():
        services.application_pickup_change(application=stuck, applicant=stuck.applicant, pickup_association=association)
    stuck.refresh_from_db()
    assert stuck.pickup_association == association and stuck.status == S.WAITLISTED
    assert to(mailoutbox, stuck.email) and to(mailoutbox, officer.email)
    pooled(association)
    services.waitlist_allocate()
    stuck.refresh_from_db()
    later.refresh_from_db()
    assert (stuck.status, later.status) == (S.APPROVED, S.WAITLISTED)  # its earlier date on the list counts


def test_changing_to_a_member_with_a_free_laptop_gets_it_at_once(
    submit, officer, association, other_association, pooled
):
    application = waiting_at(submit, officer, association)
    device = pooled(other_association)
    services.application_pickup_change(
        application=application, applicant=application.applicant, pickup_association=other_association
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.device == device


def test_the_pickup_member_cannot_change_once_a_device_is_assigned(application_in, rennes, association):
    application = application_in(S.APPROVED)
    with pytest.raises(RentalRefused):
        services.application_pickup_change(
            application=application, applicant=application.applicant, pickup_association=rennes
        )
    waiting = application_in(S.SUBMITTED, email="autre@exemple.bzh")
    with pytest.raises(ValidationError) as refused:
        services.application_pickup_change(
            application=waiting, applicant=waiting.applicant, pickup_association=association
        )
    assert "pickup_association" in refused.value.message_dict


# --- The waiting list across the members of the département ---------------------------------------


def test_the_waiting_list_offers_a_laptop_of_any_member_in_the_trainees_departement(
    submit, officer, association, rennes, other_association, ready, technician, mailoutbox, commit
):
    """Déclic (35) gets laptops; Rennes (35) has none; Léon is in the 29."""
    at_rennes = waiting_at(submit, officer, rennes, postcode="35000", commune="Rennes")  # lives in the 35
    at_declic = waiting_at(submit, officer, association)
    from_finistere = waiting_at(submit, officer, rennes, postcode="29200", commune="Brest")  # lives in the 29
    at_leon = waiting_at(submit, officer, other_association, postcode="29200", commune="Brest")

    mailoutbox.clear()
    with commit():
        first = services.rental_pool_add(device=ready(), actor=technician)
    # The oldest on the list, living in Déclic's département: offered Déclic's laptop, pickup moved there.
    assert first == at_rennes
    at_rennes.refresh_from_db()
    assert at_rennes.status == S.APPROVED and at_rennes.pickup_association == association
    mail = to(mailoutbox, at_rennes.email)[-1]
    assert "Déclic" in mail.subject and "Déclic" in mail.body
    assert "Rennes Réemploi" in at_rennes.events.last().message

    second = services.rental_pool_add(device=ready(), actor=technician)
    assert second == at_declic
    # Neither picking up at Déclic nor living in its département: not offered Déclic's laptop.
    third_device = ready()
    assert services.rental_pool_add(device=third_device, actor=technician) is None
    for application in (from_finistere, at_leon):
        application.refresh_from_db()
        assert application.status == S.WAITLISTED
    assert third_device in selectors.free_pool_devices(association)


def test_the_pickup_members_own_laptop_comes_first(submit, officer, association, rennes, pooled):
    theirs = pooled(rennes)
    ours = pooled(association)
    application = submit()
    services.application_approve(application=application, actor=officer)
    application.refresh_from_db()
    assert application.device == ours and application.pickup_association == association
    other = submit(association_=rennes, email="autre@exemple.bzh")
    services.application_approve(application=other, actor=officer)
    other.refresh_from_db()
    assert other.device == theirs


def test_approval_offers_a_laptop_of_the_departement_once_those_waiting_longer_are_served(
    submit, officer, association, rennes, pooled, technician
):
    device = pooled(association)
    newcomer = submit(association_=rennes)
    services.application_approve(application=newcomer, actor=officer)
    newcomer.refresh_from_db()
    # Nobody waiting: Déclic's laptop, in the trainee's département, is offered and the pickup moves there.
    assert (newcomer.status, newcomer.device, newcomer.pickup_association) == (S.APPROVED, device, association)

    # A laptop reserved from the workshop's pages waits for the periodic allocation; meanwhile an approval
    # serves the trainee waiting longer first.
    device_services.device_reserve_for_rental(device=ready_device_of(association, technician), actor=technician)
    waiting = waiting_at(submit, officer, rennes, email="attente@exemple.bzh")
    latest = submit(association_=rennes, email="dernier@exemple.bzh")
    services.application_approve(application=latest, actor=officer)
    waiting.refresh_from_db()
    latest.refresh_from_db()
    assert (waiting.status, latest.status) == (S.APPROVED, S.WAITLISTED)
    assert waiting.pickup_association == association and latest.pickup_association == rennes


# --- Payments: a subscription and counter payments exclude each other ------------------------------


def test_no_counter_payment_beside_a_running_subscription(application_in, officer):
    application = application_in(S.ACTIVE)
    services.payment_method_set(
        application=application, method="card", customer_id="cus_test", subscription_id="sub_test"
    )
    with pytest.raises(RentalRefused) as refused:
        services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    assert "abonnement" in str(refused.value) or "subscription" in str(refused.value)
    assert not Payment.objects.exists()
    assert selectors.balance(application) >= 0
    # Once the subscription is stopped, the counter takes over.
    Application.objects.filter(pk=application.pk).update(subscription_cancelled_at=timezone.now())
    application.refresh_from_db()
    services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    assert Payment.objects.get().method == Application.PaymentMethod.COUNTER


def test_no_subscription_once_paid_at_the_counter(application_in, officer):
    application = application_in(S.ACTIVE)
    services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    with pytest.raises(RentalRefused):
        services.payment_method_set(
            application=application, method="sepa_debit", customer_id="cus_test", subscription_id="sub_test"
        )
    application.refresh_from_db()
    assert application.stripe_subscription_id == "" and application.payment_method == "counter"


def test_the_counter_step_is_refused_beside_a_subscription_with_a_french_message(client, application_in, officer):
    application = application_in(S.ACTIVE)
    services.payment_method_set(
        application=application, method="card", customer_id="cus_test", subscription_id="sub_test"
    )
    client.force_login(officer)
    page = client.get(f"/admin/location/demandes/{application.pk}/").content.decode()
    assert 'id="step-payment"' not in page
    response = client.post(f"/admin/location/demandes/{application.pk}/payment/", {"payment-amount": "5"})
    assert response.status_code == 400
    assert "abonnement" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_payment_page_is_not_offered_after_counter_payments(client, application_in, officer, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    application = application_in(S.ACTIVE)
    client.force_login(application.applicant)
    assert (
        f"/location/mes-demandes/{application.pk}/paiement/"
        in client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    )
    services.payment_record_counter(application=application, actor=officer, amount=Decimal("5.00"))
    page = client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    assert f"/location/mes-demandes/{application.pk}/paiement/" not in page
    response = client.get(f"/location/mes-demandes/{application.pk}/paiement/")
    assert response.status_code == 302 and response.url == f"/location/mes-demandes/{application.pk}/"


# --- The officer's message on approval -------------------------------------------------------------


def test_the_officers_message_on_approval_reaches_the_trainee(client, submit, pooled, officer, mailoutbox, commit):
    application = submit()
    pooled(application.pickup_association)
    mailoutbox.clear()
    with commit():
        services.application_approve(
            application=application, actor=officer, message="Venez le chercher mardi après 14 h."
        )
    mail = to(mailoutbox, application.email)
    assert len(mail) == 1 and "Venez le chercher mardi après 14 h." in mail[0].body
    client.force_login(application.applicant)
    assert (
        "Venez le chercher mardi après 14 h."
        in client.get(f"/location/mes-demandes/{application.pk}/").content.decode()
    )


def test_the_officers_message_reaches_a_waitlisted_trainee_approved_again(submit, officer, pooled, mailoutbox, commit):
    application = bring_to(submit(), S.WAITLISTED, officer)
    pooled(application.pickup_association)
    mailoutbox.clear()
    with commit():
        services.application_approve(application=application, actor=officer, message="Un portable est arrivé.")
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert "Un portable est arrivé." in to(mailoutbox, application.email)[-1].body


def test_staff_emails_reach_the_pickup_members_officers_only(submit, officer, other_association, mailoutbox, commit):
    elsewhere_officer = make_officer(other_association, email="location@leon.example")
    with commit():
        submit()
    assert to(mailoutbox, officer.email) and not to(mailoutbox, elsewhere_officer.email)
