from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_plain_email(*, subject: str, body: str, to: list[str], from_email: str, headers: dict | None = None):
    """Send one plain-text e-mail (inline without a broker, on a Celery worker with one)."""
    EmailMessage(subject=subject, body=body, to=to, from_email=from_email, headers=headers or {}).send()


@shared_task
def publish_scheduled_pages():
    """Publish (and unpublish) the pages whose scheduled time has come: Wagtail's `publish_scheduled`."""
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
