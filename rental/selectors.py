"""Reads of the rental portal and its back office: what the pages show and what the rules of
`rental.services` check. Nothing here writes; nothing here imports the services."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from devices.models import Association, Device
from rental import billing
from rental.models import Application, Payment

Status = Application.Status
# Applications in progress: a trainee has at most one.
OPEN = tuple(s for s in Status.values if s not in Application.FINISHED)
# The devices a rental pool lends.
POOL_CATEGORY = Device.Category.LAPTOP


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def monthly_amount() -> Decimal:
    """The monthly amount of a new loan (RENTAL_MONTHLY_AMOUNT)."""
    return Decimal(str(settings.RENTAL_MONTHLY_AMOUNT)).quantize(Decimal("0.01"))


# --- Applications --------------------------------------------------------------------------------


def overdue_loans(today: date | None = None):
    return Application.objects.filter(status=Status.ACTIVE, due_on__lt=_today(today))


def user_has_overdue_loan(user, today: date | None = None) -> bool:
    return overdue_loans(today).filter(applicant=user).exists()


def user_open_application(user) -> Application | None:
    return Application.objects.filter(applicant=user, status__in=OPEN).first()


def pickup_associations():
    return Association.objects.order_by("name")


def application_queue(*, status="", programme=None, association=None, submitted_from=None, submitted_to=None):
    queryset = Application.objects.filter(purged_at__isnull=True).select_related(
        "programme", "pickup_association", "device"
    )
    if status:
        queryset = queryset.filter(status=status)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if association is not None:
        queryset = queryset.filter(pickup_association=association)
    if submitted_from:
        queryset = queryset.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        queryset = queryset.filter(submitted_at__date__lte=submitted_to)
    return queryset.order_by("submitted_at", "pk")


def overdue_list(today=None):
    return overdue_loans(today).select_related("pickup_association", "device").order_by("due_on", "pk")


# --- Rental pool ---------------------------------------------------------------------------------


def pool_devices(association: Association):
    """The association's rental pool: its laptops the registry has reserved for rental."""
    return Device.objects.filter(association=association, status=Device.Status.RESERVED, category=POOL_CATEGORY)


def free_pool_devices(association: Association):
    """Devices of the association's rental pool that no application holds, oldest in the pool first."""
    return (
        pool_devices(association)
        .exclude(rental_applications__status__in=Application.HOLDING_DEVICE)
        .order_by("updated_at", "pk")
    )


def ready_for_pool(association):
    return Device.objects.filter(association=association, status=Device.Status.READY, category=POOL_CATEGORY).order_by(
        "asset_tag"
    )


def pool_by_association() -> list[dict]:
    """Per association: devices in the rental pool, those free, waiting applications, ready devices to add."""
    rows = []
    for association in Association.objects.order_by("name"):
        pool = pool_devices(association)
        rows.append(
            {
                "association": association,
                "pooled": pool.count(),
                "free": pool.exclude(rental_applications__status__in=Application.HOLDING_DEVICE).count(),
                "waiting": association.rental_applications.filter(status=Status.WAITLISTED).count(),
                "ready": list(ready_for_pool(association)[:50]),
            }
        )
    return rows


# --- Billing -------------------------------------------------------------------------------------


def billing_start(application: Application) -> date | None:
    agreement = getattr(application, "agreement", None)
    if agreement is None or not agreement.is_signed:
        return None
    return agreement.starts_on


def paid_total(application: Application) -> Decimal:
    return sum((p.amount for p in application.payments.all() if p.status == Payment.Status.PAID), start=Decimal("0.00"))


def loan_schedule(application: Application, today: date | None = None):
    start = billing_start(application)
    if start is None or application.monthly_amount is None:
        return []
    return billing.schedule(
        start=start,
        planned_end=application.due_on or start,
        returned_on=application.returned_on,
        amount=application.monthly_amount,
        paid=paid_total(application),
        today=_today(today),
    )


def balance(application: Application, today: date | None = None) -> Decimal:
    """What the trainee owes for the months begun so far (negative: paid in advance or to refund)."""
    start = billing_start(application)
    if start is None or application.monthly_amount is None:
        return Decimal("0.00")
    owed = billing.amount_owed(
        start=start, today=_today(today), returned_on=application.returned_on, amount=application.monthly_amount
    )
    return owed - paid_total(application)


def subscriptions_to_cancel():
    """Closed or cancelled loans whose Stripe subscription is still running (Stripe was down at the return)."""
    return Application.objects.filter(
        status__in=[Status.CLOSED, Status.CANCELLED],
        subscription_cancelled_at__isnull=True,
    ).exclude(stripe_subscription_id="")


# --- Retention -----------------------------------------------------------------------------------


def purge_due(now: datetime | None = None):
    """Finished applications whose retention period is over and whose personal data is still there."""
    now = now or timezone.now()
    rejected_before = now - timedelta(days=settings.RENTAL_RETENTION_DAYS)
    closed_before = now - timedelta(days=settings.RENTAL_CLOSED_RETENTION_DAYS)
    return Application.objects.filter(purged_at__isnull=True).filter(_finished_q(rejected_before, closed_before))


def _finished_q(rejected_before, closed_before) -> Q:
    return Q(status=Status.REJECTED, decided_at__lt=rejected_before) | Q(
        status__in=[Status.CLOSED, Status.CANCELLED], closed_at__lt=closed_before
    )
