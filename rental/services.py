"""Every change of a rental application goes through one of these functions.

Each checks the transition on the locked row, writes the application and its history event in one
transaction, and queues its e-mail for after the commit (`rental.emails`). A refused step raises
`RentalRefused` (a ValidationError with a French message). Devices change only through `devices.services`.
Reads live in `rental.selectors`.

No function here calls Stripe: `rental.stripe_billing` does, outside any transaction; a loan that ends only
schedules the stop of its subscription for after the commit. Imports go one way: services import
selectors, emails and stripe_billing; none of them imports services.

Across the network (README, "Rental portal"):
- The waiting list is the network's, oldest first. Each waiting application is offered a free laptop of its
  pickup member's pool, else of the pool of any member in the trainee's département (from their postcode),
  oldest in the pool first; such a laptop moves the pickup there, and the trainee is told. Nothing is offered
  outside the département automatically: that is a transfer, which the trainee accepts.
- While no device is assigned, an officer may propose to move an application to another member that lends
  laptops; the application keeps its pickup member and its place until the trainee accepts (its date on the
  waiting list goes with it). The trainee may also change the pickup member themselves, or cancel.
- A step offers only the laptops it concerns (the one added to a pool or freed by a cancellation; for an
  approval, those the application may be offered), so an officer's step hands out no other member's laptop
  beyond the rule; what the waiting list assigns is recorded without an actor (the rule, not a person).
- Every change that hands out laptops first locks the members' rows, in one order (`_lock_pools`), then the
  applications, then the devices: two allocations never cross.
"""

import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from devices import services as device_services
from devices.models import Association, BeneficiaryCategory, Device, department_of_postcode
from reemploi.money import euros
from rental import selectors
from rental.emails import notify_staff, notify_trainee
from rental.models import Agreement, Application, ApplicationEvent, Payment
from rental.pdf import agreement_pdf
from rental.stripe_billing import subscription_cancel_after_commit
from rental.uploads import PROOF_UPLOAD, proof_name

Status = Application.Status
# The statuses each step starts from (the back office offers a step only then).
REVIEWABLE = (Status.SUBMITTED, Status.INFO_REQUESTED)
APPROVABLE = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.WAITLISTED)
WAITLISTABLE = REVIEWABLE
REJECTABLE = APPROVABLE
INFO_REQUESTABLE = (Status.SUBMITTED, Status.WAITLISTED)
ANSWERABLE = (Status.INFO_REQUESTED,)
SIGNABLE = (Status.APPROVED,)
CANCELLABLE = (Status.APPROVED, Status.SIGNED)
PICKABLE = (Status.SIGNED,)
RETURNABLE = (Status.ACTIVE,)
PAYABLE = (Status.SIGNED, Status.ACTIVE, Status.CLOSED)
# While no device is assigned: the application may move to another member, or the trainee cancel it.
UNASSIGNED = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.WAITLISTED)
TRANSFERABLE = UNASSIGNED
PICKUP_CHANGEABLE = UNASSIGNED
WITHDRAWABLE = UNASSIGNED
SUBSCRIPTION_METHODS = (Application.PaymentMethod.CARD, Application.PaymentMethod.SEPA)

APPLICATION_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "postcode",
    "commune",
    "programme",
    "training_body",
    "training_title",
    "training_funder",
    "training_starts_on",
    "training_ends_on",
    "needs_webcam",
    "accessibility_needs",
    "pickup_association",
)


class RentalRefused(ValidationError):
    """A step that the application's current state does not allow."""


# --- Helpers -------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name compared without case, accents, hyphens or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[-‐–'’.]", " ", plain).casefold().split())


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _lock_pools() -> None:
    """The rental pools' lock: every step that hands out laptops takes it first, before any application or
    device. The members' rows, always in the same order (FOR NO KEY UPDATE: rows that merely point at a
    member, such as a new device, are not held up)."""
    for _association in Association.objects.select_for_update(no_key=True).order_by("pk").only("pk"):
        pass


def _require_rental_member(association: Association, field: str) -> None:
    if not selectors.rental_members().filter(pk=association.pk).exists():
        raise ValidationError(
            {
                field: _("%(association)s lends no computers: choose a member association that offers rental.")
                % {"association": association.name}
            }
        )


def _require(application: Application, allowed, refusal: str) -> None:
    if application.status not in allowed:
        raise RentalRefused(refusal % {"reference": application.reference, "status": application.get_status_display()})


def _event(application: Application, *, actor, title: str, message: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor if getattr(actor, "pk", None) else None,
        status_after=application.status,
        title=title,
        message=message,
    )


def _save(application: Application, *fields: str) -> None:
    application.full_clean(exclude=["proof"])
    application.save(update_fields=[*fields, "updated_at"] if fields else None)


# --- Application ---------------------------------------------------------------------------------


def _store_proof(application: Application, proof: File) -> None:
    application.proof.save(proof_name(proof), proof, save=False)


@transaction.atomic
def application_submit(*, applicant, proof: File, today: date | None = None, **fields) -> Application:
    """A trainee applies. Refused while they have an overdue loan or another application in progress."""
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown application fields: {', '.join(sorted(unknown))}")
    if selectors.user_has_overdue_loan(applicant, today):
        raise RentalRefused(
            _(
                "You cannot apply again while a computer lent to you is overdue: bring it back to your "
                "association first."
            )
        )
    if selectors.user_open_application(applicant) is not None:
        raise RentalRefused(_("You already have an application in progress: follow it from your applications page."))
    application = Application(applicant=applicant, privacy_accepted_at=timezone.now(), **fields)
    application.department = department_of_postcode(application.postcode)
    if application.pickup_association_id:
        _require_rental_member(application.pickup_association, "pickup_association")
    if application.programme_id:
        programme = application.programme
        application.training_body = programme.training_body
        application.training_title = programme.title
        application.training_funder = programme.funder
        application.training_starts_on = programme.starts_on
        application.training_ends_on = programme.ends_on
    elif not (application.training_body.strip() and application.training_title.strip()):
        raise ValidationError({"training_title": _("Choose a training programme or describe your training.")})
    if application.training_ends_on and application.training_starts_on:
        if application.training_ends_on < application.training_starts_on:
            raise ValidationError({"training_ends_on": _("The training cannot end before it starts.")})
    PROOF_UPLOAD(proof)
    application.full_clean(exclude=["proof"])
    _store_proof(application, proof)  # after every check: no orphan file
    application.save()
    _event(application, actor=applicant, title=_("Application submitted"))
    notify_trainee(application, "submitted")
    notify_staff(application, "submitted")
    return application


@transaction.atomic
def application_request_info(*, application: Application, actor, message: str) -> Application:
    if not message.strip():
        raise ValidationError({"message": _("Say what information is missing.")})
    application = _locked(application)
    _require(application, INFO_REQUESTABLE, _("No information can be requested for %(reference)s: it is “%(status)s”."))
    application.status = Status.INFO_REQUESTED
    _save(application, "status")
    _event(application, actor=actor, title=_("More information requested"), message=message.strip())
    notify_trainee(application, "info_requested", message=message.strip())
    return application


@transaction.atomic
def application_answer(*, application: Application, applicant, message: str, proof: File | None = None):
    """The trainee answers a request for information (a message, and a new proof if asked)."""
    if not message.strip() and not proof:
        raise ValidationError({"message": _("Write your answer or attach a document.")})
    application = _locked(application)
    if application.applicant_id != getattr(applicant, "pk", None):
        raise RentalRefused(_("This application is not yours."))
    _require(application, ANSWERABLE, _("Application %(reference)s is not waiting for an answer: it is “%(status)s”."))
    if proof:
        PROOF_UPLOAD(proof)
        old = application.proof.name
        _store_proof(application, proof)
        if old:
            transaction.on_commit(lambda: application.proof.storage.delete(old))
    application.status = Status.SUBMITTED
    application.save(update_fields=["status", "proof", "updated_at"])
    _event(application, actor=applicant, title=_("Information sent by the trainee"), message=message.strip())
    notify_staff(application, "answered")
    return application


def _assign(application: Application, device: Device, actor, message: str = "") -> None:
    """Bind the device to the (locked) application and draw up its agreement; a laptop of another member
    (in the trainee's département) moves the pickup there. `message`: the officer's, sent to the trainee."""
    amount = selectors.monthly_amount()
    previous = application.pickup_association
    moved = device.association_id != application.pickup_association_id
    application.device = device
    application.monthly_amount = amount
    application.status = Status.APPROVED
    application.due_on = application.training_ends_on
    application.pickup_association = device.association
    application.transfer_to, application.transfer_proposed_at = None, None  # a proposed move lapses
    _save(
        application,
        "device",
        "monthly_amount",
        "status",
        "due_on",
        "decided_at",
        "waitlisted_at",
        "pickup_association",
        "transfer_to",
        "transfer_proposed_at",
    )
    label = " ".join(part for part in (device.brand, device.model) if part) or device.get_category_display()
    Agreement.objects.update_or_create(
        application=application,
        defaults={
            "asset_tag": device.asset_tag,
            "serial": device.serial,
            "device_label": label,
            "starts_on": timezone.localdate(),
            "ends_on": application.due_on,
            "monthly_amount": amount,
        },
    )
    message = message.strip()
    if moved:
        values = {"tag": device.asset_tag, "association": device.association.name, "previous": previous.name}
        moved_note = (
            _(
                "No computer was free at %(previous)s: this one is at %(association)s, a member of the network in "
                "your département, which is now your pickup association."
            )
            % values
        )
        _event(
            application,
            actor=actor,
            title=_("Approved: device %(tag)s assigned at %(association)s") % values,
            message="\n\n".join(part for part in (moved_note, message) if part),
        )
        notify_trainee(application, "approved_elsewhere", message=message)
        notify_staff(application, "assigned_from_elsewhere", association_ids=[previous.pk, device.association_id])
        return
    _event(
        application,
        actor=actor,
        title=_("Approved: device %(tag)s assigned") % {"tag": device.asset_tag},
        message=message,
    )
    notify_trainee(application, "approved", message=message)


def _free_device_for(application: Application, pools=None) -> Device | None:
    """The laptop the waiting list offers `application` (locked): its pickup member's, else one of a member
    in the trainee's département, oldest in the pool first; only from the members `pools` when given."""
    device = None
    if pools is None or application.pickup_association_id in pools:
        device = selectors.free_pool_devices(application.pickup_association).select_for_update(of=("self",)).first()
    if device is None and application.department:
        nearby = selectors.free_pool_devices_in_department(application.department).exclude(
            association=application.pickup_association_id
        )
        if pools is not None:
            nearby = nearby.filter(association__in=pools)
        device = nearby.select_for_update(of=("self",)).first()
    return device


def _pools_for(application: Application) -> list[int]:
    """The members whose laptops the waiting list may offer `application`."""
    nearby = Association.objects.filter(department=application.department) if application.department else []
    return [application.pickup_association_id, *(association.pk for association in nearby)]


def _allocate(*, pools=None, acting: Application | None = None, actor=None, message: str = "") -> list[Application]:
    """Offer free laptops to the waiting list, oldest on the list first (under `_lock_pools`).

    `pools`: the members whose laptops are offered (the one a laptop was added to or freed at; every member
    when None). Assignments are the waiting list's, recorded without an actor, except for `acting`, the
    application a step is recorded on (by `actor`, with the officer's `message`)."""
    assigned = []
    free = selectors.free_pool_devices_anywhere()
    waiting = Application.objects.select_for_update(of=("self",)).filter(status=Status.WAITLISTED)
    if pools is not None:
        pools = list(pools)
        free = free.filter(association__in=pools)
        departments = Association.objects.filter(pk__in=pools).exclude(department="").values("department")
        waiting = waiting.filter(Q(pickup_association__in=pools) | Q(department__in=departments))
    if not free.exists():
        return assigned
    for application in waiting.order_by("waitlisted_at", "pk"):
        device = _free_device_for(application, pools)
        if device is None:
            continue
        mine = acting is not None and application.pk == acting.pk
        _assign(application, device, actor if mine else None, message if mine else "")
        assigned.append(application)
        if not free.exists():
            break
    return assigned


@transaction.atomic
def application_approve(*, application: Application, actor, message: str = "") -> Application:
    """Approve and assign a free laptop (the pickup member's, else one of a member in the trainee's
    département); none free: the waiting list. Applications waiting longer are served first."""
    _lock_pools()
    application = _locked(application)
    _require(application, APPROVABLE, _("Application %(reference)s cannot be approved: it is “%(status)s”."))
    pools = _pools_for(application)
    if application.status == Status.WAITLISTED:  # it takes its turn on the list
        _allocate(pools=pools, acting=application, actor=actor, message=message)
        application.refresh_from_db()
        return application
    _allocate(pools=pools)  # who has waited longer for these laptops is served first
    application.decided_at = application.decided_at or timezone.now()
    device = _free_device_for(application)
    if device is None:
        _waitlist(
            application,
            actor,
            message.strip()
            or _("No computer is free at the pickup association nor at the other members in your département yet."),
        )
        return application
    _assign(application, device, actor, message)
    return application


def _waitlist(application: Application, actor, message: str) -> None:
    application.status = Status.WAITLISTED
    application.waitlisted_at = timezone.now()
    application.decided_at = application.decided_at or application.waitlisted_at
    _save(application, "status", "waitlisted_at", "decided_at")
    _event(application, actor=actor, title=_("Approved, on the waiting list"), message=message)
    notify_trainee(application, "waitlisted", message=message)


@transaction.atomic
def application_waitlist(*, application: Application, actor, message: str = "") -> Application:
    """Approve without assigning a device now: the application waits its turn for the next one."""
    application = _locked(application)
    _require(application, WAITLISTABLE, _("Application %(reference)s cannot be waitlisted: it is “%(status)s”."))
    _waitlist(application, actor, message.strip())
    return application


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str) -> Application:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection: it is sent to the trainee.")})
    application = _locked(application)
    _require(application, REJECTABLE, _("Application %(reference)s cannot be rejected: it is “%(status)s”."))
    application.status = Status.REJECTED
    application.rejection_reason = reason.strip()
    application.decided_at = timezone.now()
    application.transfer_to, application.transfer_proposed_at = None, None
    _save(application, "status", "rejection_reason", "decided_at", "transfer_to", "transfer_proposed_at")
    _event(application, actor=actor, title=_("Rejected"), message=reason.strip())
    notify_trainee(application, "rejected", message=reason.strip())
    return application


@transaction.atomic
def application_cancel(*, application: Application, actor, reason: str) -> Application:
    """Cancel an approved loan before pickup: its device goes to the next application on the waiting list."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the cancellation: it is sent to the trainee.")})
    _lock_pools()
    application = _locked(application)
    _require(application, CANCELLABLE, _("Application %(reference)s cannot be cancelled: it is “%(status)s”."))
    application.status = Status.CANCELLED
    application.closed_at = timezone.now()
    _save(application, "status", "closed_at")
    _event(application, actor=actor, title=_("Cancelled before pickup"), message=reason.strip())
    notify_trainee(application, "cancelled", message=reason.strip())
    subscription_cancel_after_commit(application)
    _allocate(pools=[application.device.association_id])
    return application


# --- Across the network: transfer, change of pickup member, cancellation by the trainee ----------


def _require_own(application: Application, applicant) -> None:
    if application.applicant_id != getattr(applicant, "pk", None):
        raise RentalRefused(_("This application is not yours."))


def _require_other_member(application: Application, association: Association, field: str, refusal: str) -> None:
    if association.pk == application.pickup_association_id:
        raise ValidationError({field: refusal % {"reference": application.reference, "association": association.name}})
    _require_rental_member(association, field)


@transaction.atomic
def application_transfer_propose(
    *, application: Application, actor, to_association: Association, message: str = ""
) -> Application:
    """An officer proposes to move the application to another member that lends laptops. Nothing moves
    until the trainee accepts: the application keeps its pickup member and its place meanwhile."""
    application = _locked(application)
    _require(
        application,
        TRANSFERABLE,
        _(
            "Application %(reference)s cannot move to another member: it is “%(status)s” (only while no device "
            "is assigned)."
        ),
    )
    _require_other_member(
        application,
        to_association,
        "to_association",
        _("Application %(reference)s already picks up at %(association)s: choose another member."),
    )
    application.transfer_to = to_association
    application.transfer_proposed_at = timezone.now()
    _save(application, "transfer_to", "transfer_proposed_at")
    _event(
        application,
        actor=actor,
        title=_("Move to %(association)s proposed: waiting for the trainee's answer")
        % {"association": to_association.name},
        message=message.strip(),
    )
    notify_trainee(application, "transfer_proposed", message=message.strip())
    return application


def _move_pickup(application: Application, association: Association, actor, title: str) -> None:
    """Move the (locked) application to `association`, keeping its place on the waiting list."""
    previous = application.pickup_association_id
    application.pickup_association = association
    application.transfer_to, application.transfer_proposed_at = None, None
    _save(application, "pickup_association", "transfer_to", "transfer_proposed_at")
    _event(application, actor=actor, title=title)
    notify_trainee(application, "pickup_changed")
    notify_staff(application, "pickup_changed", association_ids=[previous, association.pk])
    if application.status == Status.WAITLISTED:
        _allocate(pools=[association.pk])
        application.refresh_from_db()


@transaction.atomic
def application_transfer_accept(*, application: Application, applicant) -> Application:
    """The trainee accepts the proposed move: the new member becomes the pickup member (the date on the
    waiting list is kept, so a laptop free there is offered at once in the list's order)."""
    _lock_pools()
    application = _locked(application)
    _require_own(application, applicant)
    if application.transfer_to_id is None or application.status not in TRANSFERABLE:
        raise RentalRefused(
            _("No move to another member is proposed for application %(reference)s.")
            % {"reference": application.reference}
        )
    target = application.transfer_to
    _require_rental_member(target, "transfer_to")
    _move_pickup(
        application,
        target,
        applicant,
        _("Move to %(association)s accepted by the trainee") % {"association": target.name},
    )
    return application


@transaction.atomic
def application_transfer_decline(*, application: Application, applicant) -> Application:
    """The trainee declines the proposed move: the application stays where it is, in its place."""
    application = _locked(application)
    _require_own(application, applicant)
    if application.transfer_to_id is None:
        raise RentalRefused(
            _("No move to another member is proposed for application %(reference)s.")
            % {"reference": application.reference}
        )
    target = application.transfer_to
    application.transfer_to, application.transfer_proposed_at = None, None
    _save(application, "transfer_to", "transfer_proposed_at")
    _event(
        application,
        actor=applicant,
        title=_("Move to %(association)s declined by the trainee") % {"association": target.name},
    )
    notify_staff(application, "transfer_declined")
    return application


@transaction.atomic
def application_pickup_change(*, application: Application, applicant, pickup_association: Association):
    """The trainee chooses another pickup member while no device is assigned (the date on the waiting list
    is kept); a move proposed by an officer lapses."""
    _lock_pools()
    application = _locked(application)
    _require_own(application, applicant)
    _require(
        application,
        PICKUP_CHANGEABLE,
        _(
            "The pickup association of %(reference)s cannot be changed: it is “%(status)s” (only while no "
            "computer is assigned; after that, contact the association)."
        ),
    )
    _require_other_member(
        application,
        pickup_association,
        "pickup_association",
        _("Application %(reference)s already picks up at %(association)s."),
    )
    _move_pickup(
        application,
        pickup_association,
        applicant,
        _("Pickup association changed to %(association)s by the trainee") % {"association": pickup_association.name},
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, applicant, reason: str = "") -> Application:
    """The trainee cancels their application while no device is assigned (after that, the association
    cancels it)."""
    application = _locked(application)
    _require_own(application, applicant)
    _require(
        application,
        WITHDRAWABLE,
        _(
            "Application %(reference)s cannot be cancelled from your page: it is “%(status)s” (only while no "
            "computer is assigned; after that, contact the association)."
        ),
    )
    application.status = Status.CANCELLED
    application.closed_at = timezone.now()
    application.transfer_to, application.transfer_proposed_at = None, None
    _save(application, "status", "closed_at", "transfer_to", "transfer_proposed_at")
    _event(application, actor=applicant, title=_("Cancelled by the trainee"), message=reason.strip())
    notify_trainee(application, "withdrawn")
    notify_staff(application, "withdrawn")
    return application


# --- Device pool and waiting list --------------------------------------------------------------


@transaction.atomic
def waitlist_allocate() -> list[Application]:
    """Offer every member's free pool laptops to the waiting list, oldest on the list first: each application
    gets its pickup member's laptop, else one of a member in the trainee's département (the periodic job, for
    laptops put in the pool from the workshop's own pages)."""
    _lock_pools()
    return _allocate()


@transaction.atomic
def rental_pool_add(*, device: Device, actor) -> Application | None:
    """Put a ready device in its association's rental pool; the waiting list is served at once. Returns the
    application that got this device, if any."""
    _lock_pools()
    device_services.device_reserve_for_rental(device=device, actor=actor)
    device.refresh_from_db()
    assigned = _allocate(pools=[device.association_id])
    return next((application for application in assigned if application.device_id == device.pk), None)


# --- Agreement -----------------------------------------------------------------------------------


@transaction.atomic
def agreement_sign(
    *, application: Application, applicant, typed_name: str, accepted: bool, ip: str | None, now: datetime | None = None
) -> Agreement:
    """The trainee signs online: their typed full name, an explicit acceptance, the time and address."""
    application = _locked(application)
    if application.applicant_id != getattr(applicant, "pk", None):
        raise RentalRefused(_("This application is not yours."))
    _require(application, SIGNABLE, _("The agreement of %(reference)s cannot be signed: it is “%(status)s”."))
    if not accepted:
        raise ValidationError({"accepted": _("Tick the box to accept the agreement.")})
    if _name_key(typed_name) != _name_key(application.full_name) or not _name_key(typed_name):
        raise ValidationError(
            {
                "typed_name": _("Type your full name exactly as in your application: %(name)s.")
                % {"name": application.full_name}
            }
        )
    agreement = Agreement.objects.select_for_update().get(application=application)
    now = now or timezone.now()
    agreement.signed_name = typed_name.strip()
    agreement.signed_at = now
    agreement.signed_ip = ip or None
    agreement.starts_on = timezone.localdate(now)
    agreement.full_clean(exclude=["signed_file"])
    pdf = agreement_pdf(agreement)
    agreement.signed_file.save(
        f"contrat-{application.reference}-{uuid.uuid4().hex[:12]}.pdf", ContentFile(pdf), save=False
    )
    agreement.save()
    application.status = Status.SIGNED
    _save(application, "status")
    _event(application, actor=applicant, title=_("Agreement signed online"))
    notify_trainee(application, "signed")
    return agreement


@transaction.atomic
def payment_method_set(
    *,
    application: Application,
    method: str,
    customer_id: str = "",
    subscription_id: str = "",
    mandate_id: str = "",
    mandate_reference: str = "",
    mandate_accepted_at=None,
    actor=None,
) -> Application:
    """Record how the trainee pays: at the counter, or the Stripe subscription just created (for direct
    debit, with the SEPA mandate it debits under)."""
    if method not in Application.PaymentMethod.values:
        raise ValidationError({"method": _("Choose a payment method from the list.")})
    application = _locked(application)
    _require(
        application,
        (Status.SIGNED, Status.ACTIVE),
        _("No payment can be set up for %(reference)s: it is “%(status)s”."),
    )
    if method in SUBSCRIPTION_METHODS and selectors.counter_payments(application).exists():
        raise RentalRefused(
            _(
                "Loan %(reference)s is already paid at the counter: no card or direct-debit subscription can be "
                "added (counter payments and a subscription exclude each other for one loan)."
            )
            % {"reference": application.reference}
        )
    if method == Application.PaymentMethod.COUNTER and application.has_running_subscription:
        raise RentalRefused(
            _(
                "Loan %(reference)s is paid by a monthly subscription: it cannot move to the counter while the "
                "subscription runs (counter payments and a subscription exclude each other for one loan)."
            )
            % {"reference": application.reference}
        )
    application.payment_method = method
    if subscription_id:
        application.stripe_customer_id = customer_id
        application.stripe_subscription_id = subscription_id
        application.subscription_cancelled_at = None
    if mandate_id:
        application.sepa_mandate_id = mandate_id
        application.sepa_mandate_reference = mandate_reference
        application.sepa_mandate_accepted_at = mandate_accepted_at
    _save(
        application,
        "payment_method",
        "stripe_customer_id",
        "stripe_subscription_id",
        "subscription_cancelled_at",
        "sepa_mandate_id",
        "sepa_mandate_reference",
        "sepa_mandate_accepted_at",
    )
    _event(
        application,
        actor=actor or application.applicant,
        title=_("Payment method: %(method)s") % {"method": application.get_payment_method_display()},
    )
    return application


# --- Loan ----------------------------------------------------------------------------------------


@transaction.atomic
def loan_pickup(*, application: Application, actor, picked_up_on: date | None = None) -> Application:
    """The trainee collects the device: the registry records it rented (Région trainee, département only)."""
    application = _locked(application)
    _require(application, PICKABLE, _("The pickup of %(reference)s cannot be recorded: it is “%(status)s”."))
    device_services.device_rent(
        device=application.device,
        actor=actor,
        territory=application.department,
        reference=application.reference,
        beneficiary_category=BeneficiaryCategory.REGION_TRAINEE,
        occurred_at=picked_up_on,
    )
    application.status = Status.ACTIVE
    application.picked_up_on = picked_up_on or timezone.localdate()
    if not application.payment_method:
        application.payment_method = Application.PaymentMethod.COUNTER
    _save(application, "status", "picked_up_on", "payment_method")
    _event(application, actor=actor, title=_("Device picked up"))
    notify_trainee(application, "picked_up")
    return application


@transaction.atomic
def loan_return(
    *, application: Application, actor, condition: str, note: str = "", returned_on: date | None = None
) -> Application:
    """The device comes back: the registry sends it to the workshop (a new erasure is required), charges stop."""
    if not condition.strip():
        raise ValidationError({"condition": _("Describe the condition of the device, charger and bag.")})
    application = _locked(application)
    _require(application, RETURNABLE, _("The return of %(reference)s cannot be recorded: it is “%(status)s”."))
    device_services.device_return(
        device=application.device, actor=actor, condition=condition, note=note, occurred_at=returned_on
    )
    application.status = Status.CLOSED
    application.returned_on = returned_on or timezone.localdate()
    application.return_condition = condition.strip()
    application.closed_at = timezone.now()
    _save(application, "status", "returned_on", "return_condition", "closed_at")
    _event(application, actor=actor, title=_("Device returned"), message=note.strip())
    notify_trainee(application, "returned")
    subscription_cancel_after_commit(application)
    return application


# --- Payments ------------------------------------------------------------------------------------


@transaction.atomic
def payment_record_counter(
    *, application: Application, actor, amount: Decimal, paid_on: date | None = None, note: str = ""
) -> Payment:
    """A payment made at the association's counter."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    application = _locked(application)
    _require(application, PAYABLE, _("No payment can be recorded for %(reference)s: it is “%(status)s”."))
    if application.has_running_subscription:
        raise RentalRefused(
            _(
                "No counter payment can be recorded for %(reference)s: it is paid by a monthly subscription "
                "(%(method)s), which already takes every month (counter payments and a subscription exclude each "
                "other for one loan)."
            )
            % {"reference": application.reference, "method": application.get_payment_method_display()}
        )
    occurred = timezone.make_aware(datetime.combine(paid_on, datetime.min.time())) if paid_on else timezone.now()
    payment = Payment(
        application=application,
        amount=amount,
        method=Application.PaymentMethod.COUNTER,
        occurred_at=occurred,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        note=note.strip(),
    )
    payment.full_clean()
    payment.save()
    title = _("Payment of %(amount)s received at the counter") % {"amount": euros(amount)}
    _event(application, actor=actor, title=title)
    notify_trainee(application, "payment_recorded", amount=amount)
    return payment


def payment_record_invoice(*, invoice: dict, paid: bool) -> Payment | None:
    """A Stripe invoice of a loan's subscription, paid or failed (called by the webhook, in its transaction).

    Forward-only: a failed invoice later paid becomes paid; a paid one never goes back to failed.
    """
    subscription_id = invoice.get("subscription") or ""
    if isinstance(subscription_id, dict):
        subscription_id = subscription_id.get("id", "")
    if not subscription_id:
        return None
    application = Application.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    if application is None:
        return None
    cents = invoice.get("amount_paid") if paid else invoice.get("amount_due")
    amount = (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))
    created = invoice.get("created")
    occurred = datetime.fromtimestamp(created, tz=timezone.get_current_timezone()) if created else timezone.now()
    payment = Payment.objects.select_for_update().filter(stripe_invoice_id=invoice["id"]).first()
    new_status = Payment.Status.PAID if paid else Payment.Status.FAILED
    if payment is not None:
        if payment.status == Payment.Status.PAID or payment.status == new_status:
            return payment
        payment.status = new_status
        payment.amount = amount
        payment.save(update_fields=["status", "amount"])
    else:
        payment = Payment.objects.create(
            application=application,
            amount=amount,
            method=application.payment_method or Application.PaymentMethod.CARD,
            status=new_status,
            occurred_at=occurred,
            stripe_invoice_id=invoice["id"],
        )
    if paid:
        _event(application, actor=None, title=_("Monthly payment of %(amount)s received") % {"amount": euros(amount)})
        if application.returned_on and timezone.localdate(occurred) > application.returned_on:
            notify_staff(application, "charged_after_return")
    else:
        _event(application, actor=None, title=_("Monthly payment of %(amount)s failed") % {"amount": euros(amount)})
        notify_trainee(application, "payment_failed", amount=amount)
        notify_staff(application, "payment_failed")
    return payment


# --- Reminders and purge -------------------------------------------------------------------------


def reminders_send(today: date | None = None) -> dict:
    """Due-date reminders (RENTAL_DUE_REMINDER_DAYS before the end) and overdue reminders (every
    RENTAL_OVERDUE_REMINDER_DAYS days after it). Each reminder is recorded, so a second run sends nothing."""
    today = today or timezone.localdate()
    sent = {"due": 0, "overdue": 0}
    for days in sorted(settings.RENTAL_DUE_REMINDER_DAYS, reverse=True):
        target = today + timedelta(days=days)
        for application in Application.objects.filter(status=Status.ACTIVE, due_on__gt=today, due_on__lte=target):
            with transaction.atomic():
                application = _locked(application)
                if days in application.due_reminders_sent:
                    continue
                application.due_reminders_sent = [*application.due_reminders_sent, days]
                application.save(update_fields=["due_reminders_sent", "updated_at"])
                notify_trainee(application, "due_reminder")
                sent["due"] += 1
    interval = timedelta(days=settings.RENTAL_OVERDUE_REMINDER_DAYS)
    for application in selectors.overdue_loans(today):
        with transaction.atomic():
            application = _locked(application)
            last = application.overdue_reminded_on
            if last is not None and today - last < interval:
                continue
            application.overdue_reminded_on = today
            application.save(update_fields=["overdue_reminded_on", "updated_at"])
            _event(application, actor=None, title=_("Overdue reminder sent"))
            notify_trainee(application, "overdue_reminder")
            notify_staff(application, "overdue")
            sent["overdue"] += 1
    return sent


PERSONAL_FIELDS = {
    "first_name": "",
    "last_name": "",
    "email": "anonyme@purge.invalid",
    "phone": "",
    "address": "",
    "postcode": "",
    "commune": "",
    "accessibility_needs": "",
    "rejection_reason": "",
    "return_condition": "",
    "stripe_customer_id": "",
    "stripe_subscription_id": "",
    "applicant": None,
}


def applications_purge(now: datetime | None = None) -> int:
    """Delete the personal data and files of finished applications after the retention period.

    What stays, anonymised: status, programme, pickup association, département, dates, amounts and payments
    (without Stripe identifiers). The registry's events never held a person's identity and are left alone.
    """
    count = 0
    for pk in selectors.purge_due(now).values_list("pk", flat=True):
        files = []
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            if application.purged_at is not None:
                continue
            if application.proof:
                files.append((application.proof.storage, application.proof.name))
            agreement = Agreement.objects.filter(application=application).first()
            if agreement is not None:
                if agreement.signed_file:
                    files.append((agreement.signed_file.storage, agreement.signed_file.name))
                Agreement.objects.filter(pk=agreement.pk).update(
                    signed_name="", signed_ip=None, signed_file="", serial=""
                )
            for name, value in PERSONAL_FIELDS.items():
                setattr(application, name, value)
            application.proof = ""
            application.purged_at = now or timezone.now()
            application.save()
            application.events.update(message="", actor=None)
            application.payments.update(stripe_invoice_id="", note="", recorded_by=None)
        for storage, name in files:  # once the rows no longer point at them
            storage.delete(name)
        count += 1
    return count
