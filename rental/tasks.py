"""The rental portal's daily and quarter-hourly jobs (Celery beat, `CELERY_BEAT_SCHEDULE`).

Each job only calls the service that does the work. The tasks that services queue after a commit live
with what they send: the e-mails in `rental.emails`, the stop of a subscription in `rental.stripe_billing`
(this module imports the services, so they could not import it back).
"""

from celery import shared_task

from rental import services, stripe_billing


@shared_task
def send_reminders():
    """Daily: due-date and overdue reminders, and subscriptions Stripe could not cancel at the return."""
    sent = services.reminders_send()
    sent["subscriptions_cancelled"] = stripe_billing.subscriptions_cancel_pending()
    return sent


@shared_task
def purge_applications():
    return services.applications_purge()


@shared_task
def allocate_waitlist():
    """Devices put in the rental pool from the workshop's own pages reach the waiting list here."""
    return len(services.waitlist_allocate())
