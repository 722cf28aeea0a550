"""Reads of the registry: reports, figures, passports. Query counts never grow with the data size."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.fields.json import KT

from devices import environment
from devices.models import (
    BeneficiaryCategory,
    Device,
    DeviceEvent,
    Donor,
    IntakeBatch,
    PartnerKind,
    department_of,
)

IMPACT_CACHE_KEY = "devices:impact-figures"
Status = Device.Status


@dataclass
class BatchReport:
    batch: IntakeBatch
    total: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, count)
    reused: int = 0
    processed: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)  # beneficiary category label, count
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_device_category: list[tuple[str, int]] = field(default_factory=list)
    # The members that refurbished the batch's devices (the holder, after any transfer): name, devices, reused.
    by_member: list[tuple[str, int, int]] = field(default_factory=list)
    # The chain to the beneficiaries: (member, relay partner kind or "", beneficiary category label, devices).
    by_chain: list[tuple[str, str, str, int]] = field(default_factory=list)
    environment: dict = field(default_factory=dict)

    @property
    def reuse_rate(self) -> float | None:
        """Reused ÷ processed, where processed = reused + recycled + harvested for parts."""
        return self.reused / self.processed if self.processed else None


def batch_report(batch: IntakeBatch) -> BatchReport:
    """Counts of a batch, from the devices' current state: five aggregate queries whatever its size."""
    devices = Device.objects.filter(batch=batch)
    report = BatchReport(batch=batch)
    status_counts = dict(devices.values_list("status").annotate(n=Count("pk")).order_by())
    report.by_status = [(s.value, s.label, status_counts.get(s.value, 0)) for s in Status]
    report.total = sum(status_counts.values())
    report.reused = sum(status_counts.get(s, 0) for s in Device.REUSED)
    report.processed = report.reused + sum(status_counts.get(s, 0) for s in Device.ENDED)
    reused = devices.filter(status__in=Device.REUSED)
    labels = dict(BeneficiaryCategory.choices)
    report.by_category = [
        (labels.get(cat, cat), n)
        for cat, n in reused.values_list("outcome_category").annotate(n=Count("pk")).order_by("-n", "outcome_category")
    ]
    report.by_department = list(
        reused.values_list("outcome_department").annotate(n=Count("pk")).order_by("-n", "outcome_department")
    )
    reused_by_kind = dict(reused.values_list("category").annotate(n=Count("pk")).order_by())
    device_labels = dict(Device.Category.choices)
    report.by_device_category = [(device_labels[c], n) for c, n in sorted(reused_by_kind.items())]
    report.environment = environment.avoided(reused_by_kind)
    partner_kinds = dict(PartnerKind.choices)
    report.by_chain = [
        (member, str(partner_kinds.get(kind, kind)), str(labels.get(cat, cat)), n)
        for member, kind, cat, n in reused.values_list("association__name", "outcome_partner_kind", "outcome_category")
        .annotate(n=Count("pk"))
        .order_by("association__name", "-n", "outcome_partner_kind", "outcome_category")
    ]
    report.by_member = list(
        devices.values_list("association__name")
        .annotate(n=Count("pk"), reused=Count("pk", filter=Q(status__in=Device.REUSED)))
        .order_by("-n", "association__name")
    )
    return report


def donor_batches_with_members(donor: Donor) -> list[IntakeBatch]:
    """A donor's batches (as `donor_batches`), each with `members`: the names of the members holding its
    devices, who refurbished them (two queries)."""
    members: dict[int, list[str]] = {}
    rows = (
        Device.objects.filter(batch__donor=donor)
        .values_list("batch_id", "association__name")
        .distinct()
        .order_by("batch_id", "association__name")
    )
    for batch_id, name in rows:
        members.setdefault(batch_id, []).append(name)
    batches = list(donor_batches(donor))
    for batch in batches:
        batch.members = members.get(batch.pk, [])
    return batches


def donor_batches(donor: Donor):
    """A donor's batches with their device counts (one query)."""
    return donor.batches.select_related("association").annotate(
        device_count=Count("devices"),
        reused_count=Count("devices", filter=Q(devices__status__in=Device.REUSED)),
        ended_count=Count("devices", filter=Q(devices__status__in=Device.ENDED)),
    )


def donor_devices(batch: IntakeBatch):
    """A batch's devices with their last successful erasure (`erasure_pk`, `erased_at`, `erasure_method`,
    `erasure_certificate`) annotated: one query however many devices."""
    last_erasure = DeviceEvent.objects.filter(
        device=OuterRef("pk"), kind=DeviceEvent.Kind.ERASED, data__result="success"
    ).order_by("-pk")
    return (
        batch.devices.select_related("association")
        .order_by("asset_tag")
        .annotate(
            erasure_pk=Subquery(last_erasure.values("pk")[:1]),
            erased_at=Subquery(last_erasure.values("occurred_at")[:1]),
            erasure_method=Subquery(last_erasure.annotate(method=KT("data__method")).values("method")[:1]),
            erasure_certificate=Subquery(last_erasure.values("evidence")[:1]),
        )
    )


def device_for_passport(asset_tag: str) -> Device | None:
    return Device.objects.select_related("batch__donor", "association").filter(asset_tag=asset_tag).first()


# The passport's "second lives": outcomes and returns, told by category and territory only.
LIFE_KINDS = (*DeviceEvent.OUTCOMES, DeviceEvent.Kind.RETURNED, DeviceEvent.Kind.RECYCLED, DeviceEvent.Kind.HARVESTED)


def passport_events(device: Device) -> dict:
    """What the passport shows of the log: the last successful erasure, the last test and the second lives."""
    kinds = [DeviceEvent.Kind.ERASED, DeviceEvent.Kind.TESTED, *LIFE_KINDS]
    events = list(device.events.filter(kind__in=kinds).select_related("association").order_by("occurred_at", "pk"))
    erasure = next((e for e in reversed(events) if e.kind == DeviceEvent.Kind.ERASED and e.erasure_succeeded), None)
    test = next((e for e in reversed(events) if e.kind == DeviceEvent.Kind.TESTED), None)
    categories = dict(BeneficiaryCategory.choices)
    partner_kinds = dict(PartnerKind.choices)
    lives = [
        {
            "kind": event.get_kind_display(),
            "month": event.occurred_at,
            "member": event.association.name,
            # A relay partner by its kind only (a Mission locale, a CCAS), as the donor report tells it.
            "partner": partner_kinds.get((event.data or {}).get("partner_kind", ""), ""),
            "beneficiary": categories.get((event.data or {}).get("beneficiary_category", ""), ""),
            # A commune (INSEE code) is too precise for a public page: its département only.
            "territory": department_of((event.data or {}).get("territory", "")),
        }
        for event in events
        if event.kind in LIFE_KINDS
    ]
    return {"erasure": erasure, "test": test, "lives": lives}


def impact_figures() -> dict:
    """Network-wide figures for the home page, cached until the next recorded event."""
    figures = cache.get(IMPACT_CACHE_KEY)
    if figures is None:
        reused_by_kind = dict(
            Device.objects.filter(status__in=Device.REUSED).values_list("category").annotate(n=Count("pk")).order_by()
        )
        reused = sum(reused_by_kind.values())
        avoided = environment.avoided(reused_by_kind)
        figures = {
            "devices_registered": Device.objects.count(),
            "devices_reused": reused,
            "kg_co2e_avoided": avoided["kg_co2e"],
            "kg_waste_avoided": avoided["kg_waste"],
        }
        cache.set(IMPACT_CACHE_KEY, figures, 3600)
    return figures


def impact_figures_forget() -> None:
    cache.delete(IMPACT_CACHE_KEY)


def member_live_figures(association) -> dict:
    """What is live at a member association: devices on sale and laptops in its rental pool (one query)."""
    counts = dict(
        Device.objects.filter(association=association, status__in=[Device.Status.LISTED, Device.Status.RESERVED])
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"on_sale": counts.get(Device.Status.LISTED, 0), "rental_pool": counts.get(Device.Status.RESERVED, 0)}


def workshop_today(devices) -> dict:
    """What waits in a workshop (`devices`: the technician's scoped queryset): devices per status, those whose
    data is still to erase, those on their way in and out. One grouped query and two counts."""
    by_status = dict(devices.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    workshop = (Device.Status.RECEIVED, Device.Status.IN_WORKSHOP, Device.Status.READY)
    return {
        "by_status": by_status,
        "to_erase": devices.filter(status__in=workshop, needs_erasure=True).count(),
        "in_transit": devices.filter(status=Device.Status.IN_TRANSIT).count(),
    }
