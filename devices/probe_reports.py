"""Hardware reports of the workshop's probe (`probe/reemploi-probe`): received through the API with a
workshop's key, or uploaded in the back office when the machine was offline.

A report is read into facts (`devices.hardware`), kept as sent, and matched by serial number to a device of
the workshop: the device's empty characteristics are filled, those staff typed differently wait for staff to
accept the change, its disks are recorded (their serials match erasure reports), and a "tested" event keeps
the report. A report whose serial no device has waits in the workshop until the device is registered.
"""

import dataclasses
import hashlib
import secrets
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from devices import hardware, services
from devices.models import Association, Device, HardwareReport, ProbeToken
from reemploi.uploads import JSON, anonymous_name

KEY_PREFIX = "rmp_"
MAX_REPORT_BYTES = 2 * 1024 * 1024  # under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), for the API


class ReportRefused(ValueError):
    """The report cannot be read; the message says why, in the user's language."""


# --- Keys ------------------------------------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def probe_token_create(*, association: Association, name: str, actor) -> tuple[ProbeToken, str]:
    """A new key for a workshop's probe: the record, and the key itself (shown once, never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ProbeToken(
        association=association,
        name=name.strip(),
        key_hash=_digest(key),
        prefix=key[:10],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    token.full_clean()
    token.save()
    return token, key


def probe_token_revoke(*, token: ProbeToken) -> ProbeToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def probe_token_of(key: str) -> ProbeToken | None:
    """The token a key belongs to (revoked or not), or None."""
    if not key.startswith(KEY_PREFIX):
        return None
    return ProbeToken.objects.select_related("association").filter(key_hash=_digest(key)).first()


# --- Reports ---------------------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def facts_of(content: bytes) -> hardware.HardwareFacts:
    if len(content) > MAX_REPORT_BYTES:
        raise ReportRefused(_("The report is larger than 2 MB."))
    try:
        return hardware.parse_report(content)
    except (RecursionError, OverflowError, ValueError) as exc:  # ReportError, or values no parser expects
        raise ReportRefused(_("This is not a report of the probe (%(error)s).") % {"error": exc}) from None


def _device_of(facts: hardware.HardwareFacts, devices) -> Device | None:
    serials = {serial.lower() for serial in [facts.serial] if serial}
    if not serials:
        return None
    found = list(devices.annotate(serial_lower=Lower("serial")).filter(serial_lower__in=serials)[:2])
    return found[0] if len(found) == 1 else None


def report_receive(*, association: Association, content: bytes, devices, actor=None, token=None) -> HardwareReport:
    """Keep a report, and apply it to the workshop's device with its serial if there is one."""
    facts = facts_of(content)
    report = HardwareReport(
        association=association,
        token=token,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        serial=facts.serial[:100],
        facts=_jsonable(dataclasses.asdict(facts)),
    )
    device = _device_of(facts, devices)
    report.file.save(anonymous_name("rapport-materiel", JSON), ContentFile(content), save=False)
    try:
        if device is None:
            report.save()
        else:
            services.device_hardware_report(device=device, report=report, actor=actor)
    except Exception:
        report.file.storage.delete(report.file.name)  # nothing recorded: no orphan file
        raise
    if token is not None:
        ProbeToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return report


def report_attach(*, report: HardwareReport, device: Device, actor) -> HardwareReport:
    """A waiting report, applied to the device registered since (or chosen by staff)."""
    return services.device_hardware_report(device=device, report=report, actor=actor)
