"""The workshop's API: the hardware probe sends its reports here with a workshop's key (`Authorization:
Bearer rmp_…`). Answers are JSON with a French `message` the probe prints to the technician."""

import logging

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from devices import probe_reports
from devices.models import Device
from reemploi.ratelimits import client_ip_key

logger = logging.getLogger(__name__)
PROBE_RATE = "120/h"  # per address: a bench tests a machine every few minutes


def _answer(http_status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse(
        {"message": message, **extra}, status=http_status, json_dumps_params={"ensure_ascii": False}
    )
    if http_status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="reemploi-probe"'
    return response


@csrf_exempt  # no cookie, no session: the key authenticates each request
@require_POST
def probe_report(request):
    if is_ratelimited(request, group="probe", key=client_ip_key, rate=PROBE_RATE, method="POST", increment=True):
        return _answer(429, _("Too many reports from this address: wait a few minutes."))
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    token = probe_reports.probe_token_of(key.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return _answer(401, _("Unknown key: give the probe key made in the workshop (Workshop › Probe keys)."))
    if not token.is_active:
        return _answer(403, _("This probe key was revoked: ask the workshop for a new one."))
    devices = Device.objects.filter(association=token.association)
    try:
        content = request.body
    except RequestDataTooBig:
        return _answer(413, _("The report is larger than 2 MB."))
    try:
        report = probe_reports.report_receive(
            association=token.association, content=content, devices=devices, token=token
        )
    except probe_reports.ReportRefused as exc:
        return _answer(400, str(exc))
    except ValidationError as exc:
        return _answer(409, " ".join(exc.messages))
    except (DatabaseError, OSError):
        logger.exception("probe report not stored")
        return _answer(503, _("The report could not be stored: try again in a few minutes."))
    url = request.build_absolute_uri(reverse("workshop_hardware_reports:index"))
    if report.device is None:
        return _answer(
            202,
            _(
                "No device of %(member)s has the serial number “%(serial)s”: the report waits in the workshop, "
                "where it can be used to register the device."
            )
            % {"member": token.association, "serial": report.serial or "—"},
            serial=report.serial,
            url=url,
        )
    device = report.device
    return _answer(
        201,
        _("Report recorded for %(tag)s.") % {"tag": device.asset_tag},
        asset_tag=device.asset_tag,
        status=device.status,
        proposed=sorted(report.proposed),
        url=request.build_absolute_uri(reverse("workshop_devices:detail", args=[device.pk])),
    )
