"""Background work of the rental portal: e-mails, Stripe cancellations, and the daily jobs (Celery beat)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from reemploi.money import euros


def _placeholders(application, message: str = "") -> dict:
    amount = application.monthly_amount
    if message:
        try:
            amount = type(amount)(message) if amount is not None else message
        except (ArithmeticError, ValueError, TypeError):
            pass
    return {
        "reference": application.reference,
        "date": date_format(application.due_on, "j F Y") if application.due_on else "",
        "amount": euros(amount),
        "tag": application.device.asset_tag if application.device_id else "",
    }


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_trainee_email(*, application_id: int, kind: str, message: str = ""):
    from rental.models import Application
    from rental.notifications import TRAINEE_EMAILS

    application = Application.objects.select_related("device").get(pk=application_id)
    if application.purged_at or not application.email:
        return
    subject, intro = TRAINEE_EMAILS[kind]
    # Amounts travel as the message of payment e-mails; other kinds carry the officer's words.
    is_amount = kind in ("payment_recorded", "payment_failed")
    values = _placeholders(application, message if is_amount else "")
    with translation.override("fr"):
        body = render_to_string(
            "rental/email/trainee.txt",
            {
                "application": application,
                "intro": str(intro) % values,
                "message": "" if is_amount else message,
                "site_url": settings.SITE_BASE_URL,
            },
        )
        EmailMessage(
            subject=str(subject) % values, body=body, to=[application.email], from_email=settings.DEFAULT_FROM_EMAIL
        ).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_staff_email(*, application_id: int, kind: str):
    from rental.models import Application
    from rental.notifications import STAFF_EMAILS

    application = Application.objects.select_related("pickup_association", "programme").get(pk=application_id)
    recipients = list(settings.STAFF_NOTIFICATION_EMAILS)
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(
            "rental/email/staff.txt",
            {"application": application, "kind": kind, "site_url": settings.SITE_BASE_URL},
        )
        EmailMessage(
            subject=str(STAFF_EMAILS[kind]) % _placeholders(application),
            body=body,
            to=recipients,
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def cancel_subscription(*, application_id: int):
    """Stop a loan's Stripe subscription (after the return or a cancellation); retried while Stripe fails."""
    from rental import stripe_billing
    from rental.models import Application

    stripe_billing.subscription_cancel(Application.objects.get(pk=application_id))


@shared_task
def send_reminders():
    """Daily: due-date and overdue reminders, and subscriptions Stripe could not cancel at the return."""
    from rental.services import reminders_send
    from rental.stripe_billing import subscriptions_cancel_pending

    sent = reminders_send()
    sent["subscriptions_cancelled"] = subscriptions_cancel_pending()
    return sent


@shared_task
def purge_applications():
    from rental.services import applications_purge

    return applications_purge()


@shared_task
def allocate_waitlist():
    """Devices put in the rental pool from the workshop's own pages reach the waiting list here."""
    from rental.services import waitlist_allocate

    return len(waitlist_allocate())
