"""E-mails of the rental portal, in French, sent once the transaction that caused them has committed."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

# kind: (subject, first paragraph). Placeholders: %(reference)s, %(date)s, %(amount)s, %(tag)s.
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
            "Your application is approved, but no computer is available yet at your pickup association. "
            "You are on the waiting list: we will write to you as soon as a device is assigned to you."
        ),
    ),
    "approved": (
        _("Rental application %(reference)s approved: sign your agreement"),
        _(
            "Your application is approved and the computer %(tag)s is set aside for you. Read and sign the loan "
            "agreement online, then choose how you will pay the %(amount)s per month."
        ),
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
}


def notify_trainee(application, kind: str, message: str = "") -> None:
    from rental.tasks import send_trainee_email

    pk = application.pk
    transaction.on_commit(lambda: send_trainee_email.delay(application_id=pk, kind=kind, message=message))


def notify_staff(application, kind: str) -> None:
    from rental.tasks import send_staff_email

    pk = application.pk
    transaction.on_commit(lambda: send_staff_email.delay(application_id=pk, kind=kind))
