"""Reads of the rental portal and its back office: what the pages show and what the rules of
`rental.services` check. Nothing here writes; nothing here imports the services."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from devices.models import Association, Device
from devices.scoping import Role, associations_of, scoped
from rental import billing
from rental.models import Application, ApplicationEvent, Payment

Status = Application.Status
# Applications in progress: a trainee has at most one.
OPEN = tuple(s for s in Status.values if s not in Application.FINISHED)
# The devices a rental pool lends.
POOL_CATEGORY = Device.Category.LAPTOP


# "Returns due this week": within this many days from today.
RETURNS_SOON_DAYS = 7


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- Who sees what: the officer's members ---------------------------------------------------------


def officer_associations(user):
    """The members whose rental `user` runs (every member for a network coordinator)."""
    return associations_of(user, Role.RENTAL_OFFICER).order_by("name")


def officer_applications(user):
    """Applications whose pickup member is one of the officer's (all of them for a coordinator); another
    member's application is answered with 404 by the back office."""
    return scoped(Application.objects.all(), user, Role.RENTAL_OFFICER, through="pickup_association")


def rental_members():
    """Members that lend laptops: they offer rental, or hold laptops in a rental pool."""
    pooled = Device.objects.filter(status=Device.Status.RESERVED, category=POOL_CATEGORY).values("association")
    return Association.objects.filter(Q(offers_rental=True) | Q(pk__in=pooled)).order_by("name")


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
    """Where a trainee may pick up a laptop: the members that lend them."""
    return rental_members()


def _asked_for_information():
    return Exists(ApplicationEvent.objects.filter(application=OuterRef("pk"), status_after=Status.INFO_REQUESTED))


def _todo_filters(today: date) -> dict[str, Q]:
    """What waits for an officer, as filters on applications. A submitted application is new until the
    officer has asked for information; after that, its return to "submitted" is the trainee's answer."""
    return {
        "new": Q(status=Status.SUBMITTED) & ~_asked_for_information(),
        "answered": Q(status=Status.SUBMITTED) & _asked_for_information(),
        "to_sign": Q(status=Status.APPROVED),
        "pickup": Q(status=Status.SIGNED),
        "returns_soon": Q(
            status=Status.ACTIVE, due_on__gte=today, due_on__lt=today + timedelta(days=RETURNS_SOON_DAYS)
        ),
        "overdue": Q(status=Status.ACTIVE, due_on__lt=today),
        "waitlisted": Q(status=Status.WAITLISTED),
        "transfer": Q(transfer_to__isnull=False, status__in=OPEN),
    }


TODO_KINDS = ("new", "answered", "to_sign", "pickup", "returns_soon", "overdue", "waitlisted", "transfer")


def application_queue(
    applications,
    *,
    status="",
    todo="",
    programme=None,
    association=None,
    submitted_from=None,
    submitted_to=None,
    today: date | None = None,
):
    """`applications` (the officer's, `officer_applications`) filtered as the queue's form says."""
    queryset = applications.filter(purged_at__isnull=True).select_related(
        "programme", "pickup_association", "device", "transfer_to"
    )
    if status:
        queryset = queryset.filter(status=status)
    if todo:
        queryset = queryset.filter(_todo_filters(_today(today))[todo])
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if association is not None:
        queryset = queryset.filter(pickup_association=association)
    if submitted_from:
        queryset = queryset.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        queryset = queryset.filter(submitted_at__date__lte=submitted_to)
    return queryset.order_by("submitted_at", "pk")


def overdue_list(applications, today=None):
    """The overdue loans among `applications` (the officer's)."""
    return (
        overdue_loans(today)
        .filter(pk__in=applications.values("pk"))
        .select_related("pickup_association", "device")
        .order_by("due_on", "pk")
    )


def officer_today(associations, today: date | None = None) -> dict:
    """What waits for the officers of `associations` today: per member and in total, the number of
    applications of each kind of `TODO_KINDS`, and `free` laptops in the pool."""
    today = _today(today)
    filters = _todo_filters(today)
    counted = (
        Application.objects.filter(pickup_association__in=associations, purged_at__isnull=True)
        .order_by()
        .values("pickup_association")
        .annotate(**{kind: Count("pk", filter=filters[kind]) for kind in TODO_KINDS})
    )
    by_member = {row.pop("pickup_association"): row for row in counted}
    free = dict(
        free_pool_devices_anywhere()
        .filter(association__in=associations)
        .order_by()
        .values("association")
        .annotate(count=Count("pk"))
        .values_list("association", "count")
    )
    empty = dict.fromkeys((*TODO_KINDS, "free"), 0)
    rows = []
    for association in associations:
        counts = {**empty, **by_member.get(association.pk, {}), "free": free.get(association.pk, 0)}
        rows.append({"association": association, "counts": counts})
    total = {kind: sum(row["counts"][kind] for row in rows) for kind in empty}
    return {"rows": rows, "total": total}


# --- Rental pool ---------------------------------------------------------------------------------


def pool_devices(association: Association):
    """The association's rental pool: its laptops the registry has reserved for rental."""
    return Device.objects.filter(association=association, status=Device.Status.RESERVED, category=POOL_CATEGORY)


def _free(devices):
    return devices.exclude(rental_applications__status__in=Application.HOLDING_DEVICE).order_by("updated_at", "pk")


def free_pool_devices(association: Association):
    """Devices of the association's rental pool that no application holds, oldest in the pool first."""
    return _free(pool_devices(association))


def free_pool_devices_anywhere():
    """Free laptops of every member's rental pool."""
    return _free(Device.objects.filter(status=Device.Status.RESERVED, category=POOL_CATEGORY))


def free_pool_devices_in_department(department: str):
    """Free laptops of the pools of the members in `department`, oldest in the pool first."""
    return free_pool_devices_anywhere().filter(association__department=department)


def ready_for_pool(association):
    return Device.objects.filter(association=association, status=Device.Status.READY, category=POOL_CATEGORY).order_by(
        "asset_tag"
    )


def pool_by_association(associations) -> list[dict]:
    """Per member of `associations` (the officer's): devices in the rental pool, those free, waiting
    applications, ready devices to add."""
    rows = []
    for association in associations.order_by("name"):
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


def counter_payments(application: Application):
    """Payments recorded at the counter for the loan (they exclude a card or direct-debit subscription)."""
    return application.payments.filter(method=Application.PaymentMethod.COUNTER)


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
