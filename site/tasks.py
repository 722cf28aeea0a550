"""The toolkit's periodic tasks."""

from celery import shared_task
from django.conf import settings

from reemploi import backups


@shared_task(acks_late=False)  # not redelivered when a worker dies mid-backup: the next night makes a new one
def backup_nightly() -> str:
    summary = backups.backup_create()
    backups.backups_prune(keep_days=settings.BACKUP_RETENTION_DAYS)
    return summary.name
