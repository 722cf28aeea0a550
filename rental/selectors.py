"""Reads of the rental portal and its back office."""

from devices.models import Association, Device
from rental.models import Application
from rental.services import POOL_CATEGORY, overdue_loans


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


def pool_by_association() -> list[dict]:
    """Per association: devices in the rental pool, those free, waiting applications, ready devices to add."""
    rows = []
    for association in Association.objects.order_by("name"):
        pool = Device.objects.filter(association=association, status=Device.Status.RESERVED, category=POOL_CATEGORY)
        rows.append(
            {
                "association": association,
                "pooled": pool.count(),
                "free": pool.exclude(rental_applications__status__in=Application.HOLDING_DEVICE).count(),
                "waiting": association.rental_applications.filter(status=Application.Status.WAITLISTED).count(),
                "ready": list(ready_for_pool(association)[:50]),
            }
        )
    return rows


def ready_for_pool(association):
    return Device.objects.filter(association=association, status=Device.Status.READY, category=POOL_CATEGORY).order_by(
        "asset_tag"
    )
