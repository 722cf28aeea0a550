"""Every change of an allocation goes through one of these functions.

Each locks the allocation (or the programme, for a quota), checks the step, records the device's event
through `devices.services` and saves the allocation in one transaction; a refusal is a `ValidationError`
with a French message that says which rule.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devices import services as registry
from devices.models import AgeBracket, Association, Device, department_of, territory_validator
from programmes import emails, selectors
from programmes.models import Allocation, AllocationRule, Programme, RelayPartner

Status = Allocation.Status


def _locked(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("programme", "partner", "device")
        .get(pk=allocation.pk)
    )


def _moment(day: date | datetime | None) -> datetime:
    if day is None:
        return timezone.now()
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


def _check_day(day: date | None, *, after: datetime, field: str, what: str) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        raise ValidationError({field: _("The %(what)s cannot be dated in the future.") % {"what": what}})
    if day < timezone.localdate(after):
        raise ValidationError(
            {
                field: _("The %(what)s cannot be dated before %(day)s.")
                % {"what": what, "day": f"{timezone.localdate(after):%d/%m/%Y}"}
            }
        )


@transaction.atomic
def allocation_create(
    *, device: Device, programme: Programme, partner: RelayPartner, actor, occurred_at=None
) -> Allocation:
    """Set a ready device aside for one of the programme's relay partners."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)  # quotas: one allocation at a time
    if not programme.is_active():
        raise ValidationError({"programme": _("The programme “%(name)s” is not running today.") % {"name": programme}})
    if not programme.partners.filter(pk=partner.pk).exists():
        raise ValidationError(
            {
                "partner": _("%(partner)s is not a relay partner of “%(name)s”.")
                % {"partner": partner, "name": programme}
            }
        )
    if not programme.members.filter(pk=device.association_id).exists():
        raise ValidationError(
            {
                "programme": _("%(member)s does not refurbish devices for “%(name)s”.")
                % {"member": device.association, "name": programme}
            }
        )
    if not selectors.programme_has_room(programme):
        raise ValidationError(
            {
                "programme": _("The quota of “%(name)s” is reached (%(quota)s devices).")
                % {"name": programme, "quota": programme.quota}
            }
        )
    event = registry.device_allocate(
        device=device,
        actor=actor,
        programme=programme.name,
        partner=partner.name,
        partner_kind=partner.kind,
        occurred_at=occurred_at,
    )
    return Allocation.objects.create(
        device=device,
        programme=programme,
        partner=partner,
        association=event.association,
        allocated_at=event.occurred_at,
        allocated_by=event.actor,
    )


def _require(allocation: Allocation, allowed, refusals: dict) -> None:
    if allocation.status not in allowed:
        raise ValidationError(refusals[allocation.status] % {"tag": allocation.device.asset_tag})


RECEIVE_REFUSALS = {
    Status.RECEIVED: _("Device %(tag)s has already been received."),
    Status.HANDED_OVER: _("Device %(tag)s has already been handed over to a beneficiary."),
    Status.RETURNED: _("Device %(tag)s has been returned to the workshop."),
}
HAND_OVER_REFUSALS = {
    Status.ALLOCATED: _("Device %(tag)s has not been received yet: record its receipt first."),
    Status.HANDED_OVER: _("Device %(tag)s has already been handed over to a beneficiary."),
    Status.RETURNED: _("Device %(tag)s has been returned to the workshop: it cannot be handed over."),
}
RETURN_REFUSALS = {
    Status.HANDED_OVER: _("Device %(tag)s has been handed over to a beneficiary: the workshop records its return."),
    Status.RETURNED: _("Device %(tag)s has already been returned."),
}


@transaction.atomic
def allocation_receive(*, allocation: Allocation, actor, occurred_at=None) -> Allocation:
    """The partner records that the device reached it."""
    allocation = _locked(allocation)
    _require(allocation, (Status.ALLOCATED,), RECEIVE_REFUSALS)
    event = registry.device_partner_receive(
        device=allocation.device,
        actor=actor,
        partner=allocation.partner.name,
        programme=allocation.programme.name,
        occurred_at=occurred_at,
    )
    allocation.status = Status.RECEIVED
    allocation.received_at = event.occurred_at
    allocation.received_by = event.actor
    allocation.save(update_fields=["status", "received_at", "received_by"])
    return allocation


@transaction.atomic
def allocations_receive(*, partner: RelayPartner, actor) -> int:
    """Every device of the partner still to receive, received now (a delivery of several)."""
    pending = list(partner.allocations.filter(status=Status.ALLOCATED).order_by("pk"))
    for allocation in pending:
        allocation_receive(allocation=allocation, actor=actor)
    return len(pending)


def _hand_over_checked(programme: Programme, beneficiary_category: str, age_bracket: str, situation: str, territory):
    if beneficiary_category not in programme.categories:
        raise ValidationError({"beneficiary_category": _("Choose one of the programme's beneficiary categories.")})
    if age_bracket not in AgeBracket.values:
        raise ValidationError({"age_bracket": _("Choose an age bracket from the list.")})
    situations = programme.situation_list()
    situation = situation.strip()
    if situations and situation not in situations:
        raise ValidationError({"situation": _("Choose one of the programme's situations.")})
    territory = (territory or "").strip().upper()
    territory_validator(territory)
    return situation, territory


@transaction.atomic
def allocation_hand_over(
    *,
    allocation: Allocation,
    actor,
    beneficiary_category: str,
    age_bracket: str,
    territory: str,
    situation: str = "",
    partner_reference: str = "",
    handed_over_on: date | None = None,
) -> Allocation:
    """The partner hands the device to a beneficiary: a category, an age bracket, a territory and a situation,
    never a name (the partner keeps its own reference if it wants one)."""
    allocation = _locked(allocation)
    _require(allocation, (Status.RECEIVED,), HAND_OVER_REFUSALS)
    programme = allocation.programme
    situation, territory = _hand_over_checked(programme, beneficiary_category, age_bracket, situation, territory)
    _check_day(handed_over_on, after=allocation.received_at, field="handed_over_on", what=_("hand-over"))
    registry.device_hand_over(
        device=allocation.device,
        actor=actor,
        programme=programme.name,
        partner=allocation.partner.name,
        partner_kind=allocation.partner.kind,
        beneficiary_category=beneficiary_category,
        territory=territory,
        age_bracket=age_bracket,
        situation=situation,
        reference=f"ALLOC-{allocation.pk}",
        occurred_at=_moment(handed_over_on) if handed_over_on else None,
    )
    allocation.status = Status.HANDED_OVER
    allocation.handed_over_on = handed_over_on or timezone.localdate()
    allocation.handed_over_by = actor if getattr(actor, "pk", None) else None
    allocation.beneficiary_category = beneficiary_category
    allocation.age_bracket = age_bracket
    allocation.territory = territory
    allocation.department = department_of(territory)
    allocation.situation = situation
    allocation.partner_reference = partner_reference.strip()
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def allocation_return(*, allocation: Allocation, actor, condition: str, note: str = "") -> Allocation:
    """The partner gives back a device it did not hand over, unused or broken: it goes back to the member's
    workshop through the registry."""
    if condition not in Allocation.ReturnCondition.values:
        raise ValidationError({"condition": _("Say whether the device comes back unused or broken.")})
    allocation = _locked(allocation)
    _require(allocation, Allocation.OPEN, RETURN_REFUSALS)
    event = registry.device_partner_return(
        device=allocation.device,
        actor=actor,
        partner=allocation.partner.name,
        programme=allocation.programme.name,
        condition=str(Allocation.ReturnCondition(condition).label),
        note=note,
    )
    allocation.status = Status.RETURNED
    allocation.returned_at = event.occurred_at
    allocation.return_condition = condition
    allocation.return_note = note.strip()
    allocation.save(update_fields=["status", "returned_at", "return_condition", "return_note"])
    return allocation


def allocations_due_for_reminder(now=None) -> dict[RelayPartner, list[Allocation]]:
    now = now or timezone.now()
    due: dict[RelayPartner, list[Allocation]] = {}
    open_allocations = Allocation.objects.filter(status__in=Allocation.OPEN).select_related(
        "programme", "partner", "device"
    )
    for allocation in open_allocations.order_by("partner_id", "allocated_at"):
        if allocation.reminder_due(now):
            due.setdefault(allocation.partner, []).append(allocation)
    return due


def allocations_remind(now=None) -> int:
    """One e-mail per partner listing its devices not handed over after their programme's delay; each
    allocation is reminded again only after that delay. Returns the number of e-mails queued."""
    now = now or timezone.now()
    sent = 0
    for partner, allocations in allocations_due_for_reminder(now).items():
        if emails.reminder_queue(partner, allocations):
            sent += 1
        Allocation.objects.filter(pk__in=[a.pk for a in allocations]).update(reminded_at=now)
    return sent


def programmes_for_device(device: Device):
    """The running programmes the device's member refurbishes for."""
    return Programme.objects.active().filter(members=device.association_id).prefetch_related("partners")


def programmes_of_member(association: Association):
    return Programme.objects.filter(members=association)


@transaction.atomic
def channel_choose(*, device: Device, actor, chosen: str, reason: str = "") -> dict:
    """Staff follow the channel the member's rules propose for a ready device, or choose another with a
    reason: the choice is written in the device's log (then the chosen channel's own step follows)."""
    if chosen not in AllocationRule.Channel.values:
        raise ValidationError({"chosen": _("Choose a channel from the list.")})
    proposal = selectors.channel_proposed(device)
    registry.device_channel_choose(
        device=device, actor=actor, proposed=proposal.channel if proposal else "", chosen=chosen, reason=reason
    )
    return {"proposed": proposal.channel if proposal else "", "chosen": chosen}
