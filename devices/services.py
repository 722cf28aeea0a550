"""Every change of a device goes through one of these functions.

Each validates the transition, writes the device and appends its event in one transaction, and raises
`TransitionRefused` (a ValidationError with a French message) when the step is not allowed. Shop and
rental record their outcomes through `device_sell`, `device_reserve_for_rental`, `device_rent`,
`device_return`...
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.images import ImageFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images.models import Image
from wagtail.models import Collection

from devices.models import (
    AgeBracket,
    Association,
    BeneficiaryCategory,
    Device,
    DeviceDisk,
    DeviceEvent,
    DevicePhoto,
    HardwareReport,
    IntakeBatch,
    PartnerKind,
    department_of,
    private_storage,
    territory_validator,
)
from devices.uploads import PHOTO_UPLOAD, PHOTOS_PER_UPLOAD
from reemploi.uploads import anonymous_name, readable_image

Status = Device.Status
Kind = DeviceEvent.Kind
# The statuses each step starts from (the back office shows a step only on devices it accepts).
WORKSHOP = (Status.RECEIVED, Status.IN_WORKSHOP, Status.READY)
LISTABLE = DONATABLE = RESERVABLE = (Status.READY,)
UNLISTABLE = SELLABLE = (Status.LISTED,)
RELEASABLE = RENTABLE = (Status.RESERVED,)
ALLOCATABLE = (Status.READY,)
PARTNER_RECEIVABLE = (Status.ALLOCATED,)
HANDABLE = (Status.AT_PARTNER,)
PARTNER_RETURNABLE = (Status.ALLOCATED, Status.AT_PARTNER)
ERASURE_RESULTS = ("success", "failure")
INTAKE_TIME = time(8, 0)  # an earlier day's intake, before any step dated that day (`_as_datetime`: noon)
BULK_CHUNK = 500  # rows per statement of a bulk registration (SQLite allows 32,766 parameters)
ASSET_TAG_ATTEMPTS = 10  # 16^6 tags: with 100,000 devices registered a draw collides once in 170
SPEC_FIELDS = (
    "serial",
    "donor_reference",
    "category",
    "brand",
    "model",
    "cpu",
    "ram_gb",
    "storage_kind",
    "storage_gb",
    "screen_inches",
    "os",
    "battery_health",
)


class TransitionRefused(ValidationError):
    """A step that the device's current state does not allow."""


def _as_datetime(value: date | datetime | None) -> datetime:
    if value is None:
        return timezone.now()
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime(value.year, value.month, value.day, 12, 0))


def _locked(device: Device) -> Device:
    return Device.objects.select_for_update().get(pk=device.pk)


def _require_status(device: Device, allowed: Iterable[str], refusal: str) -> None:
    """`refusal`: the step's own sentence, with the %(tag)s and %(status)s placeholders."""
    if device.status not in allowed:
        raise TransitionRefused(refusal % {"tag": device.asset_tag, "status": device.get_status_display()})


def erased_since_last_owner(device: Device) -> bool:
    """True when the event log shows a successful erasure after the device's last owner.

    The last owner is the donor (reception) or the last beneficiary (return); recording order decides.
    """
    last_owner_pk = (
        device.events.filter(kind__in=[Kind.RECEIVED, Kind.RETURNED])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    erasures = device.events.filter(kind=Kind.ERASED, data__result="success")
    if last_owner_pk is not None:
        erasures = erasures.filter(pk__gt=last_owner_pk)
    return erasures.exists()


def _require_erasure(device: Device) -> None:
    if device.needs_erasure or not erased_since_last_owner(device):
        raise TransitionRefused(
            _(
                "Device %(tag)s cannot leave the workshop: no successful data erasure has been recorded since its "
                "last owner (décret 2022-190)."
            )
            % {"tag": device.asset_tag}
        )


def _workshop_status(device: Device) -> str:
    if not device.needs_erasure and device.tests_passed and device.grade:
        return Status.READY
    return Status.IN_WORKSHOP


def _record(device: Device, *, evidence: File | str | None = None, **event_fields) -> DeviceEvent:
    """Validate the event and the device, then store the evidence file (never before: no orphan file), then
    write both."""
    return _save(_validated(device, **event_fields), evidence)


def _validated(
    device: Device,
    *,
    kind: str,
    actor,
    status_after: str,
    data: dict | None = None,
    note: str = "",
    occurred_at: date | datetime | None = None,
    association: Association | None = None,
) -> DeviceEvent:
    """The event of a step, not saved yet, with the device moved to `status_after`; both validated."""
    event = DeviceEvent(
        device=device,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        association=association or device.association,
        status_before=device.status if device.pk and kind != Kind.RECEIVED else "",
        status_after=status_after,
        data=data or {},
        note=note,
        occurred_at=_as_datetime(occurred_at),
    )
    device.status = status_after
    event.full_clean(exclude=["evidence"])
    device.full_clean()
    return event


def _save(event: DeviceEvent, evidence: File | str | None) -> DeviceEvent:
    if evidence:
        event.evidence = certificate_store(evidence)
    event.save()
    event.device.save()
    return event


def _validate_outcome(beneficiary_category: str, territory: str) -> tuple[str, str]:
    if beneficiary_category not in BeneficiaryCategory.values:
        raise ValidationError({"beneficiary_category": _("Choose a beneficiary category from the list.")})
    territory = (territory or "").strip().upper()
    territory_validator(territory)
    return beneficiary_category, territory


def _set_outcome(device: Device, beneficiary_category: str, territory: str) -> None:
    device.outcome_category = beneficiary_category
    device.outcome_territory = territory
    device.outcome_department = department_of(territory)
    device.outcome_at = timezone.now()


def _clear_outcome(device: Device) -> None:
    device.outcome_category = device.outcome_territory = device.outcome_department = ""
    device.outcome_partner_kind = ""
    device.outcome_at = None


# --- Intake --------------------------------------------------------------------------------------------


def _save_with_free_asset_tag(device: Device) -> None:
    """Validate and insert a new device, drawing another asset tag while the drawn one is taken.

    The check before the insert covers the common case; the savepoint covers a concurrent registration
    that takes the same tag between the check and the insert.
    """
    tag_field = Device._meta.get_field("asset_tag")
    for _attempt in range(ASSET_TAG_ATTEMPTS):
        if Device.objects.filter(asset_tag=device.asset_tag).exists():
            device.asset_tag = tag_field.get_default()
            continue
        device.full_clean(exclude=["asset_tag"])  # just checked
        try:
            with transaction.atomic():
                device.save()
        except IntegrityError:
            if not Device.objects.filter(asset_tag=device.asset_tag).exists():
                raise  # another constraint (brand and serial): not a tag collision
            device.asset_tag = tag_field.get_default()
            continue
        return
    raise ValidationError({"asset_tag": _("No free asset tag could be drawn: try again.")})


@transaction.atomic
def device_register(
    *,
    batch: IntakeBatch,
    category: str,
    actor=None,
    occurred_at=None,
    association: Association | None = None,
    **specs,
) -> Device:
    """Register a device received in a batch; its first event is "received"."""
    unknown = set(specs) - set(SPEC_FIELDS)
    if unknown:
        raise TypeError(f"Unknown device fields: {', '.join(sorted(unknown))}")
    device = Device(batch=batch, category=category, association=association or batch.association, **specs)
    device.status = Status.RECEIVED
    _save_with_free_asset_tag(device)
    _record(
        device,
        kind=Kind.RECEIVED,
        actor=actor,
        status_after=Status.RECEIVED,
        occurred_at=occurred_at or intake_moment(batch),
        data={"batch": batch.pk},
    )
    return device


def intake_moment(batch: IntakeBatch) -> datetime:
    """When a device of the batch was received: now for a batch received today (its intake comes before the
    day's steps), the opening of the workshop for an earlier one (a step dated that day is put at noon)."""
    if batch.received_on >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(batch.received_on, INTAKE_TIME))


def _free_asset_tags(count: int) -> list[str]:
    """`count` asset tags, distinct and not taken yet."""
    draw = Device._meta.get_field("asset_tag").get_default
    tags: set[str] = set()
    while len(tags) < count:
        wanted = {draw() for _n in range(count - len(tags))} - tags
        taken = set()
        for chunk in _chunks(sorted(wanted), BULK_CHUNK):
            taken |= set(Device.objects.filter(asset_tag__in=chunk).values_list("asset_tag", flat=True))
        tags |= wanted - taken
    return list(tags)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def devices_register_bulk(
    *, batch: IntakeBatch, rows: list[dict], actor=None, event_data: list[dict] | None = None
) -> list[Device]:
    """Register many devices received in one batch (an inventory import): each row is checked as
    `device_register` checks it, then the devices and their "received" events are inserted in a few
    statements. All or nothing; a (brand, serial) already registered is refused by the database."""
    received_at = intake_moment(batch)
    actor = actor if getattr(actor, "pk", None) else None
    devices = []
    for tag, specs in zip(_free_asset_tags(len(rows)), rows, strict=True):
        unknown = set(specs) - set(SPEC_FIELDS)
        if unknown:
            raise TypeError(f"Unknown device fields: {', '.join(sorted(unknown))}")
        device = Device(asset_tag=tag, batch=batch, association=batch.association, status=Status.RECEIVED, **specs)
        # The uniqueness of tags and serials is checked above and by the insert, the batch and the association
        # are the batch's own: no query per row.
        device.full_clean(exclude=["batch", "association"], validate_unique=False, validate_constraints=False)
        devices.append(device)
    created = Device.objects.bulk_create(devices, batch_size=BULK_CHUNK)
    if not all(device.pk for device in created):  # a backend that returns no keys from a bulk insert
        keys = dict(Device.objects.filter(asset_tag__in=[d.asset_tag for d in devices]).values_list("asset_tag", "pk"))
        for device in created:
            device.pk = keys[device.asset_tag]
    DeviceEvent.objects.bulk_create(
        [
            DeviceEvent(
                device=device,
                kind=Kind.RECEIVED,
                actor=actor,
                association=batch.association,
                status_after=Status.RECEIVED,
                occurred_at=received_at,
                data={"batch": batch.pk, **(extra or {})},
            )
            for device, extra in zip(created, event_data or [None] * len(created), strict=True)
        ],
        batch_size=BULK_CHUNK,
    )
    return created


# --- Workshop steps ------------------------------------------------------------------------------------


@transaction.atomic
def device_clean(*, device: Device, actor, note: str = "", occurred_at=None) -> DeviceEvent:
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be cleaned: it is “%(status)s”."))
    return _record(
        device,
        kind=Kind.CLEANED,
        actor=actor,
        status_after=_workshop_status(device),
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_test(*, device: Device, actor, checklist: dict[str, bool], note: str = "", occurred_at=None) -> DeviceEvent:
    """Record a functional test: each function checked, passed or failed."""
    if not checklist:
        raise ValidationError({"checklist": _("List at least one tested function.")})
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be tested: it is “%(status)s”."))
    device.tests_passed = all(bool(ok) for ok in checklist.values())
    data = {"checklist": {str(name): bool(ok) for name, ok in checklist.items()}, "passed": device.tests_passed}
    return _record(
        device,
        kind=Kind.TESTED,
        actor=actor,
        status_after=_workshop_status(device),
        data=data,
        note=note,
        occurred_at=occurred_at,
    )


def _check_erasure(method: str, result: str) -> None:
    if result not in ERASURE_RESULTS:
        raise ValidationError({"result": _("The erasure result must be success or failure.")})
    if not method.strip():
        raise ValidationError({"method": _("Give the erasure method or standard.")})


CLOCK_TOLERANCE = timedelta(minutes=10)  # an erasure station's clock a little ahead of ours


def _check_erasure_date(device: Device, erased_on: date | datetime | None) -> None:
    """An erasure happens between the device's intake and now: a report dated otherwise belongs to another
    disk, or its station's clock is wrong."""
    if erased_on is None:
        return
    day = timezone.localdate(erased_on) if isinstance(erased_on, datetime) and timezone.is_aware(erased_on) else None
    day = day or (erased_on.date() if isinstance(erased_on, datetime) else erased_on)
    future = (
        _as_datetime(erased_on) > timezone.now() + CLOCK_TOLERANCE
        if isinstance(erased_on, datetime)
        else day > timezone.localdate()
    )
    if future:
        raise ValidationError(
            {"erased_on": _("Device %(tag)s: an erasure cannot be dated in the future.") % {"tag": device.asset_tag}}
        )
    if day < device.batch.received_on:
        raise ValidationError(
            {
                "erased_on": _(
                    "Device %(tag)s: the erasure (%(erased)s) is dated before the device was received (%(received)s)."
                )
                % {
                    "tag": device.asset_tag,
                    "erased": f"{day:%d/%m/%Y}",
                    "received": f"{device.batch.received_on:%d/%m/%Y}",
                }
            }
        )


def _erasure_validated(
    device: Device,
    *,
    actor,
    method: str,
    tool: str,
    result: str,
    operator: str,
    erased_on,
    note: str,
    details: dict | None = None,
) -> DeviceEvent:
    """One erasure event, validated, not saved yet (the certificate is stored after every check: `_save`)."""
    _check_erasure(method, result)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be erased: it is “%(status)s”."))
    _check_erasure_date(device, erased_on)
    if result == "success":
        device.needs_erasure = False
    data = {"method": method.strip(), "tool": tool.strip(), "result": result, "operator": operator.strip()}
    data.update({key: value for key, value in (details or {}).items() if key not in data})
    return _validated(
        device,
        kind=Kind.ERASED,
        actor=actor,
        status_after=_workshop_status(device),
        data=data,
        note=note,
        occurred_at=erased_on,
    )


def certificate_store(certificate: File | str | None) -> str | None:
    """Save an uploaded certificate in private storage once; a name already stored is returned as is."""
    if not certificate:
        return None
    if isinstance(certificate, str):
        return certificate
    name = getattr(certificate, "name", "certificat.pdf").rsplit("/", 1)[-1]
    return private_storage.save(f"devices/certificates/{timezone.now():%Y/%m}/{name}", certificate)


@transaction.atomic
def device_erase(
    *,
    device: Device,
    actor,
    method: str,
    tool: str = "",
    result: str = "success",
    operator: str = "",
    erased_on=None,
    certificate: File | str | None = None,
    note: str = "",
    details: dict | None = None,
) -> DeviceEvent:
    """Record a data erasure (method or standard, tool, result, operator, date, certificate; `details` from
    an erasure tool's report: passes, verification, start time, disks)."""
    device = _locked(device)
    event = _erasure_validated(
        device,
        actor=actor,
        method=method,
        tool=tool,
        result=result,
        operator=operator,
        erased_on=erased_on,
        note=note,
        details=details,
    )
    return _save(event, certificate)


@transaction.atomic
def devices_erase_bulk(
    *,
    devices: Iterable[Device],
    actor,
    method: str,
    tool: str = "",
    result: str = "success",
    operator: str = "",
    erased_on=None,
    certificate: File | None = None,
    note: str = "",
) -> list[DeviceEvent]:
    """One erasure run for many devices, with one certificate stored once. All or nothing."""
    _check_erasure(method, result)
    locked = list(Device.objects.select_for_update().filter(pk__in=[d.pk for d in devices]).order_by("pk"))
    refused = [d.asset_tag for d in locked if d.status not in WORKSHOP]
    if refused:
        raise TransitionRefused(
            _("These devices are not in the workshop and cannot be erased: %(tags)s") % {"tags": ", ".join(refused)}
        )
    events = [
        _erasure_validated(
            d, actor=actor, method=method, tool=tool, result=result, operator=operator, erased_on=erased_on, note=note
        )
        for d in locked
    ]
    stored = certificate_store(certificate)  # once every device's erasure is valid
    return [_save(event, stored) for event in events]


@transaction.atomic
def device_install_os(*, device: Device, actor, os: str, note: str = "", occurred_at=None) -> DeviceEvent:
    if not os.strip():
        raise ValidationError({"os": _("Name the installed operating system.")})
    device = _locked(device)
    _require_status(device, WORKSHOP, _("No system can be installed on device %(tag)s: it is “%(status)s”."))
    device.os = os.strip()
    return _record(
        device,
        kind=Kind.OS_INSTALLED,
        actor=actor,
        status_after=_workshop_status(device),
        data={"os": device.os},
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_grade(
    *, device: Device, actor, grade: str, battery_health: int | None = None, note: str = "", occurred_at=None
) -> DeviceEvent:
    if grade not in Device.Grade.values:
        raise ValidationError({"grade": _("Choose grade A, B or C.")})
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be graded: it is “%(status)s”."))
    device.grade = grade
    if battery_health is not None:
        device.battery_health = battery_health
    data = {"grade": grade, "battery_health": device.battery_health}
    return _record(
        device,
        kind=Kind.GRADED,
        actor=actor,
        status_after=_workshop_status(device),
        data=data,
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_repair(*, device: Device, actor, parts: str, note: str = "", occurred_at=None) -> DeviceEvent:
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be repaired: it is “%(status)s”."))
    return _record(
        device,
        kind=Kind.REPAIRED,
        actor=actor,
        status_after=_workshop_status(device),
        data={"parts": parts.strip()},
        note=note,
        occurred_at=occurred_at,
    )


# The characteristics a hardware report gives; `battery_health` is the measured capacity against the design one.
REPORTED_FIELDS = ("brand", "model", "cpu", "ram_gb", "storage_kind", "storage_gb", "screen_inches", "battery_health")


def _natural(value) -> int | None:
    """A count or size of a report (untrusted): a whole number from 0 to 2**31, or None."""
    return int(value) if isinstance(value, int | float) and 0 <= value < 2**31 else None


def _reported_value(field: str, value):
    if field == "screen_inches" and value not in (None, ""):
        return Decimal(str(value)).quantize(Decimal("0.1"))
    return value


@transaction.atomic
def device_hardware_report(*, device: Device, report: HardwareReport, actor) -> HardwareReport:
    """Apply a hardware report to its device: the characteristics the registry lacks are filled, those it
    holds otherwise wait in `report.proposed` for staff to accept (`hardware_report_accept`); its disks are
    recorded; a "tested" event keeps the report as evidence. Functional tests are not marked passed."""
    device = _locked(device)
    _require_status(device, WORKSHOP, _("No report can be recorded for device %(tag)s: it is “%(status)s”."))
    facts = report.facts
    filled, proposed = [], {}
    for field in REPORTED_FIELDS:
        reported = _reported_value(field, facts.get(field))
        if reported in (None, ""):
            continue
        recorded = getattr(device, field)
        if recorded in (None, ""):
            setattr(device, field, reported)
            filled.append(field)
        elif str(recorded).casefold() != str(reported).casefold():
            proposed[field] = [str(recorded), str(reported)]
    report.device, report.proposed = device, proposed
    if not report.file.name:
        raise ValidationError({"file": _("The report file is missing.")})
    disks = [disk for disk in facts.get("disks") or [] if disk.get("serial")]
    for disk in disks:
        DeviceDisk.objects.update_or_create(
            device=device,
            serial=str(disk["serial"])[:100],
            defaults={
                "model": str(disk.get("model") or "")[:120],
                "size_gb": _natural(disk.get("size_gb")),
                "kind": disk.get("kind") if disk.get("kind") in Device.StorageKind.values else "",
                "smart_passed": disk.get("smart_passed"),
                "power_on_hours": _natural(disk.get("power_on_hours")),
                "reported_at": timezone.now(),
            },
        )
    data = {
        "report": "reemploi-probe",
        "battery_health": facts.get("battery_health"),
        "disks": [
            {"serial": disk["serial"], "result": {True: "success", False: "failure"}.get(disk.get("smart_passed"), "")}
            for disk in disks
        ],
    }
    event = _validated(
        device,
        kind=Kind.TESTED,
        actor=actor,
        status_after=_workshop_status(device),
        data={key: value for key, value in data.items() if value not in (None, "", [])},
        note=_("Hardware report; filled: %(filled)s.") % {"filled": ", ".join(filled) or "—"},
    )
    report.save()
    _save(event, report.file.name)
    return report


@transaction.atomic
def hardware_report_accept(*, report: HardwareReport, actor, fields: list[str]) -> HardwareReport:
    """Staff accept some of a report's proposed values: each is recorded as a correction of the device."""
    report = HardwareReport.objects.select_for_update().get(pk=report.pk)
    changes = {field: report.proposed[field][1] for field in fields if field in report.proposed}
    if not changes:
        raise ValidationError(_("Choose at least one value of the report to accept."))
    device_correct(
        device=report.device,
        actor=actor,
        changes={field: _reported_value(field, value) for field, value in changes.items()},
        note=_("Values of the hardware report of %(date)s.")
        % {"date": f"{timezone.localtime(report.received_at):%d/%m/%Y %H:%M}"},
    )
    report.proposed = {field: pair for field, pair in report.proposed.items() if field not in changes}
    report.save(update_fields=["proposed"])
    return report


@transaction.atomic
def device_correct(*, device: Device, actor, changes: dict, note: str) -> DeviceEvent:
    """Correct a recorded characteristic; the old and new values stay in the log."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the correction is made.")})
    unknown = set(changes) - set(SPEC_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be corrected: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    device = _locked(device)
    before = {name: getattr(device, name) for name in changes}
    for name, value in changes.items():
        setattr(device, name, value)
    data = {"before": {k: str(v) for k, v in before.items()}, "after": {k: str(v) for k, v in changes.items()}}
    return _record(device, kind=Kind.CORRECTED, actor=actor, status_after=device.status, data=data, note=note)


@transaction.atomic
def device_transfer_send(*, device: Device, actor, to_association: Association, note: str = "") -> DeviceEvent:
    """The holding association sends a device to another member: it stays the holder until the receipt."""
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be transferred: it is “%(status)s”."))
    if to_association.pk == device.association_id:
        raise ValidationError({"to_association": _("The device is already held by this association.")})
    device.transfer_to = to_association
    return _record(
        device,
        kind=Kind.TRANSFER_SENT,
        actor=actor,
        status_after=Status.IN_TRANSIT,
        data={"from": device.association.name, "to": to_association.name},
        note=note,
    )


def _status_before_sending(device: Device) -> str:
    sent = device.events.filter(kind=Kind.TRANSFER_SENT).order_by("-occurred_at", "-pk").first()
    return sent.status_before if sent and sent.status_before in WORKSHOP else Status.IN_WORKSHOP


@transaction.atomic
def device_transfer_receive(*, device: Device, actor, note: str = "") -> DeviceEvent:
    """The receiving association records the receipt: it becomes the holder, the device is back in its
    workshop in the status it was sent in."""
    device = _locked(device)
    _require_status(device, (Status.IN_TRANSIT,), _("Device %(tag)s is not in transit: it is “%(status)s”."))
    sender, receiver = device.association, device.transfer_to
    device.association, device.transfer_to = receiver, None
    return _record(
        device,
        kind=Kind.TRANSFER_RECEIVED,
        actor=actor,
        status_after=_status_before_sending(device),
        data={"from": sender.name, "to": receiver.name},
        note=note,
        association=receiver,
    )


@transaction.atomic
def device_transfer_cancel(*, device: Device, actor, reason: str = "") -> DeviceEvent:
    """The sender takes back a device not received yet."""
    device = _locked(device)
    _require_status(device, (Status.IN_TRANSIT,), _("Device %(tag)s is not in transit: it is “%(status)s”."))
    receiver = device.transfer_to
    device.transfer_to = None
    return _record(
        device,
        kind=Kind.TRANSFER_CANCELLED,
        actor=actor,
        status_after=_status_before_sending(device),
        data={"from": device.association.name, "to": receiver.name},
        note=reason,
    )


# --- Listing, reservation ------------------------------------------------------------------------------


@transaction.atomic
def device_list_for_sale(*, device: Device, actor, listing: str = "") -> DeviceEvent:
    """Put a ready device on sale (the shop binds it to a product listing)."""
    device = _locked(device)
    _require_status(device, LISTABLE, _("Device %(tag)s cannot be listed for sale: it is “%(status)s”."))
    _require_erasure(device)
    return _record(device, kind=Kind.LISTED, actor=actor, status_after=Status.LISTED, data={"listing": listing})


@transaction.atomic
def device_unlist(*, device: Device, actor, reason: str = "") -> DeviceEvent:
    device = _locked(device)
    _require_status(device, UNLISTABLE, _("Device %(tag)s cannot be withdrawn from sale: it is “%(status)s”."))
    return _record(device, kind=Kind.UNLISTED, actor=actor, status_after=Status.READY, note=reason)


@transaction.atomic
def device_reserve_for_rental(*, device: Device, actor) -> DeviceEvent:
    """Put a ready device in its association's rental pool."""
    device = _locked(device)
    _require_status(device, RESERVABLE, _("Device %(tag)s cannot be reserved for rental: it is “%(status)s”."))
    _require_erasure(device)
    return _record(device, kind=Kind.RESERVED, actor=actor, status_after=Status.RESERVED)


@transaction.atomic
def device_release_from_rental(*, device: Device, actor, reason: str = "") -> DeviceEvent:
    device = _locked(device)
    _require_status(
        device, RELEASABLE, _("Device %(tag)s cannot be released from the rental pool: it is “%(status)s”.")
    )
    return _record(device, kind=Kind.RELEASED, actor=actor, status_after=Status.READY, note=reason)


# --- Outcomes --------------------------------------------------------------------------------------------


def _outcome(
    device: Device,
    *,
    kind: str,
    status_after: str,
    allowed,
    refusal: str,
    actor,
    beneficiary_category: str,
    territory: str,
    data: dict,
    occurred_at=None,
    partner_kind: str = "",
) -> DeviceEvent:
    beneficiary_category, territory = _validate_outcome(beneficiary_category, territory)
    device = _locked(device)
    _require_status(device, allowed, refusal)
    _require_erasure(device)
    _set_outcome(device, beneficiary_category, territory)
    device.outcome_partner_kind = partner_kind
    data = {**data, "beneficiary_category": beneficiary_category, "territory": territory}
    return _record(device, kind=kind, actor=actor, status_after=status_after, data=data, occurred_at=occurred_at)


@transaction.atomic
def device_sell(
    *, device: Device, actor, beneficiary_category: str, territory: str, reference: str = "", occurred_at=None
) -> DeviceEvent:
    """The shop's "sold" outcome: `reference` is the order line, never the buyer's identity."""
    return _outcome(
        device,
        kind=Kind.SOLD,
        status_after=Status.SOLD,
        allowed=SELLABLE,
        refusal=_("Device %(tag)s cannot be sold: it is “%(status)s”."),
        actor=actor,
        beneficiary_category=beneficiary_category,
        territory=territory,
        data={"reference": reference},
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_rent(
    *,
    device: Device,
    actor,
    territory: str,
    reference: str = "",
    beneficiary_category: str = BeneficiaryCategory.REGION_TRAINEE,
    occurred_at=None,
) -> DeviceEvent:
    """The rental's "rented" outcome at pickup: `reference` is the agreement, never the trainee's identity."""
    return _outcome(
        device,
        kind=Kind.RENTED,
        status_after=Status.RENTED,
        allowed=RENTABLE,
        refusal=_("Device %(tag)s cannot be rented: it is “%(status)s”."),
        actor=actor,
        beneficiary_category=beneficiary_category,
        territory=territory,
        data={"reference": reference},
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_donate(
    *, device: Device, actor, programme: str, beneficiary_category: str, territory: str, occurred_at=None
) -> DeviceEvent:
    if not programme.strip():
        raise ValidationError({"programme": _("Name the donation programme.")})
    return _outcome(
        device,
        kind=Kind.DONATED,
        status_after=Status.DONATED,
        allowed=DONATABLE,
        refusal=_("Device %(tag)s cannot be donated: it is “%(status)s”."),
        actor=actor,
        beneficiary_category=beneficiary_category,
        territory=territory,
        data={"programme": programme.strip()},
        occurred_at=occurred_at,
    )


# --- Donations through a relay partner ------------------------------------------------------------------
# A programme's device goes to a relay partner (a Mission locale, a CCAS…), which hands it to a beneficiary it
# supports: allocated → at the partner → handed over (the outcome), or back to the workshop. The programme and
# the partner are named in the events; who the beneficiary is never is (a category, an age bracket, a territory).


def _partner_data(programme: str, partner: str, partner_kind: str) -> dict:
    if not programme.strip():
        raise ValidationError({"programme": _("Name the donation programme.")})
    if not partner.strip():
        raise ValidationError({"partner": _("Name the relay partner.")})
    if partner_kind not in PartnerKind.values:
        raise ValidationError({"partner_kind": _("Choose the relay partner's kind from the list.")})
    return {"programme": programme.strip(), "partner": partner.strip(), "partner_kind": partner_kind}


@transaction.atomic
def device_allocate(
    *, device: Device, actor, programme: str, partner: str, partner_kind: str, reference: str = "", occurred_at=None
) -> DeviceEvent:
    """Set a ready, erased device aside for a relay partner of a donation programme (it leaves the workshop)."""
    data = _partner_data(programme, partner, partner_kind)
    device = _locked(device)
    _require_status(
        device, ALLOCATABLE, _("Device %(tag)s cannot be allocated to a relay partner: it is “%(status)s”.")
    )
    _require_erasure(device)
    return _record(
        device,
        kind=Kind.ALLOCATED,
        actor=actor,
        status_after=Status.ALLOCATED,
        data={**data, "reference": reference},
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_partner_receive(
    *, device: Device, actor, partner: str, programme: str = "", occurred_at=None
) -> DeviceEvent:
    """The relay partner records that the device reached it."""
    device = _locked(device)
    _require_status(
        device,
        PARTNER_RECEIVABLE,
        _("The receipt of device %(tag)s by a relay partner cannot be recorded: it is “%(status)s”."),
    )
    return _record(
        device,
        kind=Kind.PARTNER_RECEIVED,
        actor=actor,
        status_after=Status.AT_PARTNER,
        data={"programme": programme.strip(), "partner": partner.strip()},
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_hand_over(
    *,
    device: Device,
    actor,
    programme: str,
    partner: str,
    partner_kind: str,
    beneficiary_category: str,
    territory: str,
    age_bracket: str = AgeBracket.UNKNOWN,
    situation: str = "",
    reference: str = "",
    occurred_at=None,
) -> DeviceEvent:
    """The relay partner hands the device to a beneficiary: the donation's outcome, told by category, age
    bracket, territory and situation only (`reference` is the allocation's, never the beneficiary's)."""
    data = _partner_data(programme, partner, partner_kind)
    if age_bracket not in AgeBracket.values:
        raise ValidationError({"age_bracket": _("Choose an age bracket from the list.")})
    event = _outcome(
        device,
        kind=Kind.HANDED_OVER,
        status_after=Status.DONATED,
        allowed=HANDABLE,
        refusal=_("Device %(tag)s cannot be handed over to a beneficiary: it is “%(status)s”."),
        actor=actor,
        beneficiary_category=beneficiary_category,
        territory=territory,
        data={**data, "age_bracket": age_bracket, "situation": situation.strip(), "reference": reference},
        occurred_at=occurred_at,
        partner_kind=partner_kind,
    )
    return event


@transaction.atomic
def device_partner_return(
    *, device: Device, actor, partner: str, condition: str, programme: str = "", note: str = "", occurred_at=None
) -> DeviceEvent:
    """The relay partner gives back a device it did not hand over (unused or broken): back to the workshop,
    to be tested again. It never left the partner's hands for a beneficiary's: its erasure still holds."""
    if not condition.strip():
        raise ValidationError({"condition": _("Say in what condition the device comes back.")})
    device = _locked(device)
    _require_status(
        device,
        PARTNER_RETURNABLE,
        _("The return of device %(tag)s by a relay partner cannot be recorded: it is “%(status)s”."),
    )
    device.tests_passed = False
    return _record(
        device,
        kind=Kind.PARTNER_RETURNED,
        actor=actor,
        status_after=Status.IN_WORKSHOP,
        data={"programme": programme.strip(), "partner": partner.strip(), "condition": condition.strip()},
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_channel_choose(*, device: Device, actor, proposed: str, chosen: str, reason: str = "") -> DeviceEvent:
    """Staff accept the channel a member's allocation rules propose for a ready device, or choose another one
    (then with a reason). The status does not change: the chosen channel's own step follows."""
    if not chosen.strip():
        raise ValidationError({"chosen": _("Choose a channel.")})
    if proposed and chosen != proposed and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for not following the proposed channel.")})
    device = _locked(device)
    _require_status(device, ALLOCATABLE, _("No channel can be chosen for device %(tag)s: it is “%(status)s”."))
    return _record(
        device,
        kind=Kind.CHANNEL_CHOSEN,
        actor=actor,
        status_after=device.status,
        data={"proposed": proposed, "chosen": chosen, "overridden": bool(proposed and chosen != proposed)},
        note=reason.strip(),
    )


@transaction.atomic
def device_return(*, device: Device, actor, condition: str = "", note: str = "", occurred_at=None) -> DeviceEvent:
    """A device comes back (end of rental, withdrawal): back to the workshop, to be erased, tested and graded
    again (it may come back damaged)."""
    device = _locked(device)
    _require_status(device, Device.REUSED, _("The return of device %(tag)s cannot be recorded: it is “%(status)s”."))
    device.needs_erasure = True
    device.tests_passed = False
    device.grade = ""
    _clear_outcome(device)
    return _record(
        device,
        kind=Kind.RETURNED,
        actor=actor,
        status_after=Status.IN_WORKSHOP,
        data={"condition": condition.strip()},
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_recycle(
    *, device: Device, actor, channel: str, certificate: File | None = None, note: str = "", occurred_at=None
) -> DeviceEvent:
    """Hand the device to a DEEE recycling channel (its certificate as evidence)."""
    if not channel.strip():
        raise ValidationError({"channel": _("Name the DEEE recycling channel.")})
    device = _locked(device)
    _require_status(device, WORKSHOP, _("Device %(tag)s cannot be recycled: it is “%(status)s”."))
    _clear_outcome(device)
    return _record(
        device,
        kind=Kind.RECYCLED,
        actor=actor,
        status_after=Status.RECYCLED,
        data={"channel": channel.strip()},
        evidence=certificate,
        note=note,
        occurred_at=occurred_at,
    )


@transaction.atomic
def device_harvest(*, device: Device, actor, parts: str = "", note: str = "", occurred_at=None) -> DeviceEvent:
    device = _locked(device)
    _require_status(device, WORKSHOP, _("No parts can be harvested from device %(tag)s: it is “%(status)s”."))
    return _record(
        device,
        kind=Kind.HARVESTED,
        actor=actor,
        status_after=Status.PARTS,
        data={"parts": parts.strip()},
        note=note,
        occurred_at=occurred_at,
    )


# --- Photos ----------------------------------------------------------------------------------------------

PHOTO_COLLECTION = "Appareils"


def _photo_collection():
    existing = Collection.objects.filter(name=PHOTO_COLLECTION).first()
    return existing or Collection.get_first_root_node().add_child(name=PHOTO_COLLECTION)


def _readable_image(upload) -> None:
    """The photo must open as the image it claims to be (`reemploi.uploads.readable_image`)."""
    try:
        readable_image(upload, _("This photo cannot be read as an image."))
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from error


@transaction.atomic
def device_photos_add(*, device: Device, actor, photos, alt: str, main: bool = False) -> list[DevicePhoto]:
    """Add the technician's photos of a device (each checked: kind, size, readable), described by `alt`;
    `main`: the first one becomes the main photo (the device's first photo is main anyway)."""
    alt = " ".join(alt.split())
    if not alt:
        raise ValidationError({"alt": _("Describe the photo for people who cannot see it.")})
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("Choose or take at least one photo.")})
    if len(photos) > PHOTOS_PER_UPLOAD:
        raise ValidationError({"photos": _("At most %(n)d photos at a time.") % {"n": PHOTOS_PER_UPLOAD}})
    kinds = []
    for upload in photos:
        try:
            kinds.append(PHOTO_UPLOAD(upload))
        except ValidationError as error:
            raise ValidationError({"photos": error.messages}) from error
        _readable_image(upload)
    device = _locked(device)
    collection = _photo_collection()
    first = not device.photos.exists()
    if main and not first:
        for photo in device.photos.filter(is_main=True):
            photo.is_main = False
            photo.save(update_fields=["is_main"])
    created = []
    for index, (upload, kind) in enumerate(zip(photos, kinds, strict=True)):
        image = Image(
            title=f"{device.asset_tag} – {alt}"[:255],
            collection=collection,
            file=ImageFile(upload, name=anonymous_name(f"appareil-{device.asset_tag}", kind)),
            uploaded_by_user=actor,
        )
        image._set_image_file_metadata()
        image.save()
        created.append(
            DevicePhoto.objects.create(
                device=device, image=image, alt=alt, is_main=index == 0 and (first or main), taken_by=actor
            )
        )
    return created


@transaction.atomic
def device_photos_arrange(*, device: Device, actor, main: DevicePhoto | None = None, remove=()) -> int:
    """Choose the main photo and remove photos; the first remaining one is main when the main one goes.
    Returns how many were removed (their images too)."""
    device = _locked(device)
    remove = [photo for photo in remove if photo.device_id == device.pk]
    images = [photo.image for photo in remove]
    DevicePhoto.objects.filter(pk__in=[photo.pk for photo in remove]).delete()
    for image in images:
        image.delete()
    photos = list(device.photos.order_by("taken_at", "pk"))
    chosen = main.pk if main is not None and main.device_id == device.pk and main not in remove else None
    if chosen is None:
        chosen = next((photo.pk for photo in photos if photo.is_main), photos[0].pk if photos else None)
    # Saved one by one (the unmarked first, for the one-main constraint), so that the shop hears of it.
    for photo in sorted(photos, key=lambda p: p.pk == chosen):
        if photo.is_main != (photo.pk == chosen):
            photo.is_main = photo.pk == chosen
            photo.save(update_fields=["is_main"])
    return len(remove)
