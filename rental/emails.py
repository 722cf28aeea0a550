"""The rental portal's e-mails, in French: subjects, templates, recipients, and when they leave.

A service calls `notify_trainee` or `notify_staff` inside its transaction; once it has committed, a Celery
task (inline without a broker) loads the application by id and `trainee_email_send` / `staff_email_send`
build and send the message. Values travel as arguments: the officer's `message`, a payment's `amount`.

Staff e-mails go to STAFF_NOTIFICATION_EMAILS and to the rental officers of the member(s) concerned (the
pickup member unless told: both members when an application moves).
"""

from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from devices.models import Membership
from reemploi.money import euros
from reemploi.queue import enqueue
from rental.models import Application

TRAINEE_TEMPLATE = "rental/email/trainee.txt"
STAFF_TEMPLATE = "rental/email/staff.txt"

# kind: (subject, first paragraph). Placeholders: %(reference)s, %(date)s, %(amount)s, %(tag)s,
# %(association)s (the pickup member), %(target)s (the member a move is proposed to).
TRAINEE_EMAILS = {
    "submitted": (
        _("Rental application %(reference)s received"),
        _("We have received your application for a computer loan. A rental officer will review it shortly."),
    ),
    "info_requested": (
        _("Rental application %(reference)s: more information needed"),
        _("The rental officer needs more information before deciding. Answer from your applications page."),
    ),
    "waitlisted": (
        _("Rental application %(reference)s: approved, waiting for a device"),
        _(
            "Your application is approved, but no computer is available yet at your pickup association nor at "
            "the other members in your département. You are on the waiting list: we will write to you as soon "
            "as a device is assigned to you. Until then you can change your pickup association or cancel your "
            "application from your applications page."
        ),
    ),
    "approved": (
        _("Rental application %(reference)s approved: sign your agreement"),
        _(
            "Your application is approved and the computer %(tag)s is set aside for you. Read and sign the loan "
            "agreement online, then choose how you will pay the %(amount)s per month."
        ),
    ),
    "approved_elsewhere": (
        _("Rental application %(reference)s approved: a computer for you at %(association)s"),
        _(
            "Your application is approved and the computer %(tag)s is set aside for you at %(association)s, a "
            "member of the network in your département: it is now your pickup association. Read and sign the "
            "loan agreement online, then choose how you will pay the %(amount)s per month. If this place does "
            "not suit you, contact the association before signing."
        ),
    ),
    "transfer_proposed": (
        _("Rental application %(reference)s: a move to %(target)s is proposed"),
        _(
            "The rental officer proposes that you pick up your computer at %(target)s, another member of the "
            "network, instead of %(association)s. Accept or decline from your applications page; until you "
            "accept, your application stays at %(association)s and keeps its place."
        ),
    ),
    "pickup_changed": (
        _("Rental application %(reference)s: pickup at %(association)s"),
        _(
            "Your application now picks up at %(association)s. It keeps its place: if you are on the waiting "
            "list, your date on it is unchanged."
        ),
    ),
    "withdrawn": (
        _("Rental application %(reference)s cancelled"),
        _("As you asked, your application has been cancelled. You can apply again whenever you need to."),
    ),
    "rejected": (
        _("Rental application %(reference)s rejected"),
        _("We are sorry: your application could not be accepted. The reason is given below."),
    ),
    "cancelled": (
        _("Rental application %(reference)s cancelled"),
        _("Your loan has been cancelled before the device was picked up. The reason is given below."),
    ),
    "signed": (
        _("Agreement %(reference)s signed"),
        _(
            "Your loan agreement is signed; you can download it from your applications page. Come and pick up "
            "your computer at your association."
        ),
    ),
    "picked_up": (
        _("Loan %(reference)s: computer picked up"),
        _("You have picked up the computer %(tag)s. It is to be returned on %(date)s at the latest."),
    ),
    "returned": (
        _("Loan %(reference)s: computer returned"),
        _("The return of the computer %(tag)s is recorded. Payments stop; thank you, and good luck!"),
    ),
    "payment_recorded": (
        _("Loan %(reference)s: payment received"),
        _("We have received your payment of %(amount)s. Thank you."),
    ),
    "payment_failed": (
        _("Loan %(reference)s: a payment failed"),
        _(
            "Your monthly payment of %(amount)s could not be taken. Check your card or account, or pay at your "
            "association's counter."
        ),
    ),
    "due_reminder": (
        _("Loan %(reference)s: return due on %(date)s"),
        _("Your loan ends on %(date)s. Please bring the computer, its charger and its bag back to your association."),
    ),
    "overdue_reminder": (
        _("Loan %(reference)s: return overdue"),
        _(
            "The computer was to be returned on %(date)s. Please bring it back to your association as soon as "
            "possible, or contact it if your training has been extended."
        ),
    ),
}

STAFF_EMAILS = {
    "submitted": _("New rental application %(reference)s"),
    "answered": _("Rental application %(reference)s: the trainee has answered"),
    "payment_failed": _("Loan %(reference)s: a payment failed"),
    "overdue": _("Loan %(reference)s: return overdue since %(date)s"),
    "charged_after_return": _("Loan %(reference)s: payment taken after the return, to refund"),
    "assigned_from_elsewhere": _("Rental application %(reference)s: a computer of %(association)s assigned"),
    "pickup_changed": _("Rental application %(reference)s: pickup association now %(association)s"),
    "transfer_declined": _("Rental application %(reference)s: the trainee declined the move to another member"),
    "withdrawn": _("Rental application %(reference)s cancelled by the trainee"),
}


# --- Scheduling (inside the services' transactions) ----------------------------------------------


def notify_trainee(application: Application, kind: str, *, message: str = "", amount: Decimal | None = None) -> None:
    """Send the trainee the e-mail of `kind` once the current transaction commits.

    `message`: the officer's words, quoted in the e-mail; `amount`: a payment's amount (the loan's monthly
    amount otherwise).
    """
    pk, amount_text = application.pk, "" if amount is None else str(amount)
    transaction.on_commit(
        lambda: enqueue(send_trainee_email, application_id=pk, kind=kind, message=message, amount=amount_text)
    )


def notify_staff(application: Application, kind: str, *, association_ids: list[int] | None = None) -> None:
    """Send the rental staff the e-mail of `kind` once the current transaction commits: the network's list
    and the rental officers of `association_ids` (the pickup member by default)."""
    pk = application.pk
    ids = list(dict.fromkeys(association_ids or [application.pickup_association_id]))
    transaction.on_commit(lambda: enqueue(send_staff_email, application_id=pk, kind=kind, association_ids=ids))


# --- Building and sending ------------------------------------------------------------------------


def _placeholders(application: Application, amount: str = "") -> dict:
    return {
        "reference": application.reference,
        "date": date_format(application.due_on, "j F Y") if application.due_on else "",
        "amount": euros(amount or application.monthly_amount),
        "tag": application.device.asset_tag if application.device_id else "",
        "association": application.pickup_association.name,
        "target": application.transfer_to.name if application.transfer_to_id else "",
    }


def trainee_email_send(*, application: Application, kind: str, message: str = "", amount: str = "") -> None:
    """The trainee's e-mail of `kind` (none once the application is purged). `amount`: a Decimal string."""
    if application.purged_at or not application.email:
        return
    subject, intro = TRAINEE_EMAILS[kind]
    values = _placeholders(application, amount)
    with translation.override("fr"):
        body = render_to_string(
            TRAINEE_TEMPLATE,
            {
                "application": application,
                "intro": str(intro) % values,
                "message": message,
                "site_url": settings.SITE_BASE_URL,
            },
        )
        EmailMessage(
            subject=str(subject) % values, body=body, to=[application.email], from_email=settings.DEFAULT_FROM_EMAIL
        ).send()


def staff_recipients(association_ids) -> list[str]:
    """STAFF_NOTIFICATION_EMAILS and the active rental officers of the members `association_ids`."""
    officers = Membership.objects.filter(
        association_id__in=association_ids, role=Membership.Role.RENTAL_OFFICER, user__is_active=True
    ).values_list("user__email", flat=True)
    return list(dict.fromkeys([*settings.STAFF_NOTIFICATION_EMAILS, *(email for email in officers if email)]))


def staff_email_send(*, application: Application, kind: str, association_ids=None) -> None:
    """The rental staff's e-mail of `kind` (none when there is nobody to send it to)."""
    recipients = staff_recipients(association_ids or [application.pickup_association_id])
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(
            STAFF_TEMPLATE, {"application": application, "kind": kind, "site_url": settings.SITE_BASE_URL}
        )
        EmailMessage(
            subject=str(STAFF_EMAILS[kind]) % _placeholders(application),
            body=body,
            to=recipients,
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send()


# --- Celery tasks: load the application, send -------------------------------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_trainee_email(*, application_id: int, kind: str, message: str = "", amount: str = ""):
    application = Application.objects.select_related("device", "pickup_association", "transfer_to").get(
        pk=application_id
    )
    trainee_email_send(application=application, kind=kind, message=message, amount=amount)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_staff_email(*, application_id: int, kind: str, association_ids=None):
    application = Application.objects.select_related("pickup_association", "programme", "device").get(pk=application_id)
    staff_email_send(application=application, kind=kind, association_ids=association_ids)
