"""The relay partners' daily job (Celery beat, `CELERY_BEAT_SCHEDULE`)."""

from celery import shared_task

from programmes import services


@shared_task
def remind_partners():
    """Daily: each partner reminded of the devices it has not handed over after its programme's delay."""
    return services.allocations_remind()
