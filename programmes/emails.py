"""The relay partners' e-mails, in French: the reminder of devices not handed over yet.

`reminder_queue` is called by the daily job (`programmes.tasks.remind_partners`); the Celery task loads the
allocations by id and `reminder_send` builds and sends the message to the partner's address and its staff.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes.models import Allocation, RelayPartner
from reemploi.queue import enqueue

REMINDER_TEMPLATE = "programmes/email/reminder.txt"


def recipients(partner: RelayPartner) -> list[str]:
    addresses = [partner.email] if partner.email else []
    addresses += [user.email for user in partner.users.filter(is_active=True) if user.email]
    return sorted(set(addresses))


def reminder_queue(partner: RelayPartner, allocations: list[Allocation]) -> bool:
    if not recipients(partner):
        return False
    enqueue(send_reminder, partner_id=partner.pk, allocation_ids=[a.pk for a in allocations])
    return True


def reminder_send(*, partner: RelayPartner, allocations: list[Allocation]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        today = timezone.localdate()
        rows = [
            (a.device.asset_tag, a.device.model, a.programme.name, (today - timezone.localdate(a.allocated_at)).days)
            for a in allocations
        ]
        body = render_to_string(
            REMINDER_TEMPLATE,
            {"partner": partner, "rows": rows, "portal_url": f"{settings.SITE_BASE_URL}{reverse('programmes:home')}"},
        )
        subject = _("%(count)s device(s) to hand over to beneficiaries") % {"count": len(rows)}
        EmailMessage(subject=subject, body=body, to=recipients(partner)).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminder(*, partner_id: int, allocation_ids: list[int]):
    partner = RelayPartner.objects.get(pk=partner_id)
    allocations = list(
        Allocation.objects.filter(pk__in=allocation_ids, status__in=Allocation.OPEN)
        .select_related("device", "programme")
        .order_by("allocated_at")
    )
    if allocations:
        reminder_send(partner=partner, allocations=allocations)
