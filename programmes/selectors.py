"""Reads of the programmes: the relay partner's lists, the programme report, the coordinator's quotas.
Query counts never grow with the number of devices."""

from dataclasses import dataclass, field
from statistics import median

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from devices import environment
from devices.models import AgeBracket, BeneficiaryCategory, Device, DeviceEvent, PartnerKind
from programmes.models import Allocation, AllocationRule, Programme, RelayPartner

Status = Allocation.Status


def partner_allocations(user):
    """The allocations of the relay partners `user` works for: the only ones the portal ever shows."""
    return Allocation.objects.filter(partner__users=user).select_related(
        "device", "programme", "partner", "association"
    )


def donor_programmes(user):
    """The programmes the user's donors gave to or fund."""
    donors = user.donors.all()
    return Programme.objects.filter(Q(donors__in=donors) | Q(funder__in=donors)).distinct()


@dataclass
class ProgrammeReport:
    programme: Programme
    allocated: int = 0
    to_receive: int = 0
    at_partner: int = 0
    handed_over: int = 0
    returned: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_situation: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[object, int]] = field(default_factory=list)  # (first day of the month, hand-overs)
    # name, kind label, allocated, handed over, returned
    partners: list[tuple[str, str, int, int, int]] = field(default_factory=list)
    members: list[tuple[str, int]] = field(default_factory=list)
    delay_median_days: float | None = None
    delay_max_days: int | None = None
    environment: dict = field(default_factory=dict)

    @property
    def pending(self) -> int:
        return self.to_receive + self.at_partner

    @property
    def fill_percent(self) -> int | None:
        rate = self.fill_rate
        return None if rate is None else round(rate * 100)

    @property
    def delay_median_rounded(self) -> int | None:
        return None if self.delay_median_days is None else round(self.delay_median_days)

    @property
    def fill_rate(self) -> float | None:
        quota = self.programme.quota
        return (self.allocated - self.returned) / quota if quota else None


def _labelled(rows, labels) -> list[tuple[str, int]]:
    return [(str(labels.get(value, value or "—")), n) for value, n in rows]


def programme_report(programme: Programme) -> ProgrammeReport:
    """A programme's figures from its allocations: a fixed number of aggregate queries whatever its size."""
    allocations = programme.allocations.all()
    report = ProgrammeReport(programme=programme)
    counts = dict(allocations.values_list("status").annotate(n=Count("pk")).order_by())
    report.to_receive = counts.get(Status.ALLOCATED, 0)
    report.at_partner = counts.get(Status.RECEIVED, 0)
    report.handed_over = counts.get(Status.HANDED_OVER, 0)
    report.returned = counts.get(Status.RETURNED, 0)
    report.allocated = sum(counts.values())
    handed = allocations.filter(status=Status.HANDED_OVER)

    def grouped(column):
        return handed.values_list(column).annotate(n=Count("pk")).order_by("-n", column)

    report.by_category = _labelled(grouped("beneficiary_category"), dict(BeneficiaryCategory.choices))
    report.by_age = _labelled(
        sorted(grouped("age_bracket"), key=lambda row: AgeBracket.values.index(row[0])), dict(AgeBracket.choices)
    )
    report.by_department = list(grouped("department"))
    report.by_situation = [(s or "—", n) for s, n in grouped("situation")]
    report.by_month = list(
        handed.annotate(month=TruncMonth("handed_over_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    kinds = dict(PartnerKind.choices)
    report.partners = [
        (name, str(kinds.get(kind, kind)), n, given, back)
        for name, kind, n, given, back in allocations.values_list("partner__name", "partner__kind")
        .annotate(
            n=Count("pk"),
            given=Count("pk", filter=Q(status=Status.HANDED_OVER)),
            back=Count("pk", filter=Q(status=Status.RETURNED)),
        )
        .order_by("-n", "partner__name")
    ]
    report.members = list(allocations.values_list("association__name").annotate(n=Count("pk")).order_by("-n"))
    delays = [
        (handed_on - received_on).days
        for handed_on, received_on in handed.values_list("handed_over_on", "device__batch__received_on")
    ]
    if delays:
        report.delay_median_days = median(delays)
        report.delay_max_days = max(delays)
    report.environment = environment.avoided(dict(grouped("device__category")))
    return report


def programme_event_counts(programme: Programme) -> dict[str, int]:
    """The programme's steps counted in the registry's event log (what the report must agree with)."""
    kinds = (DeviceEvent.Kind.ALLOCATED, DeviceEvent.Kind.HANDED_OVER, DeviceEvent.Kind.PARTNER_RETURNED)
    by_programme = dict(
        DeviceEvent.objects.filter(kind__in=kinds, data__programme=programme.name)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "allocated": by_programme.get(DeviceEvent.Kind.ALLOCATED, 0),
        "handed_over": by_programme.get(DeviceEvent.Kind.HANDED_OVER, 0),
        "returned": by_programme.get(DeviceEvent.Kind.PARTNER_RETURNED, 0),
    }


def programmes_with_fill(queryset=None):
    """Programmes with their quota's use (`in_quota`: allocated and not returned) and hand-overs: one query."""
    queryset = Programme.objects.all() if queryset is None else queryset
    return queryset.annotate(
        in_quota=Count("allocations", filter=~Q(allocations__status=Status.RETURNED)),
        handed_over=Count("allocations", filter=Q(allocations__status=Status.HANDED_OVER)),
        pending=Count("allocations", filter=Q(allocations__status__in=Allocation.OPEN)),
    ).order_by("-starts_on", "name")


def partner_summary(partner: RelayPartner) -> dict[str, int]:
    return dict(partner.allocations.values_list("status").annotate(n=Count("pk")).order_by())


@dataclass
class ChannelProposal:
    channel: str  # an AllocationRule.Channel value
    label: str
    rule: AllocationRule
    programme: Programme | None = None


def programme_has_room(programme: Programme) -> bool:
    """Whether the quota admits one more device: it counts those allocated, at a partner or handed over (a
    returned device frees its place). No quota, always."""
    if programme.quota is None:
        return True
    return programme.allocations.exclude(status=Status.RETURNED).count() < programme.quota


def channel_proposed(device) -> ChannelProposal | None:
    """The channel the device's member's rules propose for it (None without rules, or when no line fits):
    the first line, in order, that matches the device and whose channel has room — a running programme
    under its quota, a rental pool under its minimum, or the sale."""
    Channel = AllocationRule.Channel
    rules = list(AllocationRule.objects.filter(association=device.association_id).select_related("programme"))
    pool = None
    for rule in rules:
        if not rule.matches(device):
            continue
        if rule.channel == Channel.PROGRAMME:
            programme = rule.programme
            if programme.is_active() and programme_has_room(programme):
                return ChannelProposal(rule.channel, str(programme), rule, programme)
            continue
        if rule.channel == Channel.RENTAL:
            if rule.rental_minimum is not None:
                if pool is None:
                    pool = Device.objects.filter(
                        association=device.association_id, status=Device.Status.RESERVED, category=device.category
                    ).count()
                if pool >= rule.rental_minimum:
                    continue
            return ChannelProposal(rule.channel, str(rule.get_channel_display()), rule)
        return ChannelProposal(rule.channel, str(rule.get_channel_display()), rule)
    return None
