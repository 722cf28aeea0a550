"""The network's figures, per member association: what the coordinator's dashboard shows.

It reads the registry, the shop and the rental (this app stands above them, like `demo`; nothing imports it).
Each table is one grouped query, whatever the number of devices, orders or loans.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from oscar.core.loading import get_model

from devices.models import Association, Device, DeviceEvent, Donor
from rental import selectors as rental_selectors
from shop.models import OrderStatus

Line = get_model("order", "Line")
Status = Device.Status
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED, OrderStatus.HANDED_OVER)


@dataclass
class Period:
    start: date
    end: date  # included


def members_table(period: Period) -> list[dict]:
    """Per member: devices in each status, intake and outcomes in the period, overdue loans, revenue."""
    associations = list(Association.objects.order_by("name"))
    statuses = {
        (row["association"], row["status"]): row["n"]
        for row in Device.objects.values("association", "status").annotate(n=Count("pk"))
    }
    events = {
        (row["association"], row["kind"]): row["n"]
        for row in DeviceEvent.objects.filter(
            occurred_at__date__gte=period.start,
            occurred_at__date__lte=period.end,
            kind__in=[DeviceEvent.Kind.RECEIVED, *DeviceEvent.OUTCOMES],
        )
        .values("association", "kind")
        .annotate(n=Count("pk"))
    }
    overdue = dict(
        rental_selectors.overdue_loans()
        .values("pickup_association")
        .annotate(n=Count("pk"))
        .values_list("pickup_association", "n")
    )
    revenue = dict(
        Line.objects.filter(
            order__status__in=PAID_STATUSES,
            order__date_placed__date__gte=period.start,
            order__date_placed__date__lte=period.end,
            partner__workshop__isnull=False,
        )
        .values("partner__workshop__association")
        .annotate(total=Sum("line_price_incl_tax"))
        .values_list("partner__workshop__association", "total")
    )
    rows = []
    for association in associations:
        count = {status: statuses.get((association.pk, status), 0) for status in Status.values}
        rows.append(
            {
                "association": association,
                "by_status": count,
                "devices": sum(count.values()),
                "received": events.get((association.pk, DeviceEvent.Kind.RECEIVED), 0),
                "reused": sum(events.get((association.pk, kind), 0) for kind in DeviceEvent.OUTCOMES),
                "on_sale": count[Status.LISTED],
                "rental_pool": count[Status.RESERVED],
                "loans": count[Status.RENTED],
                "overdue": overdue.get(association.pk, 0),
                "revenue": revenue.get(association.pk) or 0,
            }
        )
    return rows


def months_table(period: Period) -> list[dict]:
    """Per member and month of the period: devices received and devices given a second life."""
    rows = (
        DeviceEvent.objects.filter(
            occurred_at__date__gte=period.start,
            occurred_at__date__lte=period.end,
            kind__in=[DeviceEvent.Kind.RECEIVED, *DeviceEvent.OUTCOMES],
        )
        .annotate(month=TruncMonth("occurred_at"))
        .values("association__name", "month", "kind")
        .annotate(n=Count("pk"))
        .order_by("association__name", "month")
    )
    table: dict[tuple, dict] = {}
    for row in rows:
        key = (row["association__name"], row["month"].date() if hasattr(row["month"], "date") else row["month"])
        entry = table.setdefault(key, {"member": key[0], "month": key[1], "received": 0, "reused": 0})
        entry["received" if row["kind"] == DeviceEvent.Kind.RECEIVED else "reused"] += row["n"]
    return list(table.values())


def donors_table() -> list[dict]:
    """Per donor: the members that handled its devices, and how many each."""
    rows = (
        Device.objects.values("batch__donor__name", "association__name")
        .annotate(n=Count("pk"))
        .order_by("batch__donor__name", "association__name")
    )
    table: dict[str, dict] = {
        name: {"donor": name, "members": []} for name in Donor.objects.order_by("name").values_list("name", flat=True)
    }
    for row in rows:
        table[row["batch__donor__name"]]["members"].append((row["association__name"], row["n"]))
    return list(table.values())
