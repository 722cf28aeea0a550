"""The workshop pages of the hardware probe: its keys (made, shown once, revoked) and the reports received
(uploaded when the machine was offline, waiting for their device, or proposing changes to accept)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from wagtail.admin import messages

from devices import forms, probe_reports, services
from devices.admin_views import device_url, operator_required, workshop_batches, workshop_devices
from devices.models import HardwareReport, ProbeToken
from devices.scoping import Role, associations_of, scoped
from reemploi.admin_steps import show_refusal


def _posted_pk(request, name: str) -> int:
    """The id a button posts (`name=value`): 404 for anything but a number."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _my_tokens(user):
    return scoped(ProbeToken.objects.select_related("association", "created_by"), user, Role.TECHNICIAN)


@operator_required
def probe_keys(request):
    """Make a key for a bench (shown once), revoke one; the page lists the keys of my associations."""
    associations = associations_of(request.user, Role.TECHNICIAN)
    form = forms.ProbeTokenForm(request.POST if "create" in request.POST else None, associations=associations)
    new_key = None
    if request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(_my_tokens(request.user), pk=_posted_pk(request, "revoke"))
        probe_reports.probe_token_revoke(token=token)
        messages.success(
            request, _("The key “%(name)s” is revoked: the probe can no longer send with it.") % {"name": token.name}
        )
        return redirect("workshop_probe_keys:index")
    if form.is_bound and form.is_valid():
        token, new_key = probe_reports.probe_token_create(
            association=form.cleaned_data["association"], name=form.cleaned_data["name"], actor=request.user
        )
        messages.success(
            request, _("Key “%(name)s” made: copy it now, it will not be shown again.") % {"name": token.name}
        )
        form = forms.ProbeTokenForm(associations=associations)
    return render(
        request,
        "devices/admin/probe_keys.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": _my_tokens(request.user),
            "api_url": request.build_absolute_uri("/api/atelier/rapports-materiel/"),
        },
    )


def _my_reports(user):
    return scoped(HardwareReport.objects.select_related("device", "token", "association"), user, Role.TECHNICIAN)


@operator_required
def hardware_reports(request):
    """Upload an offline report; register the device of a waiting report; accept a report's values."""
    associations = associations_of(request.user, Role.TECHNICIAN)
    devices = workshop_devices(request.user)
    upload = forms.HardwareReportUploadForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
        associations=associations,
    )
    if upload.is_bound and upload.is_valid():
        try:
            report = probe_reports.report_receive(
                association=upload.cleaned_data["association"],
                content=upload.cleaned_data["file"].read(),
                devices=devices.filter(association=upload.cleaned_data["association"]),
                actor=request.user,
            )
        except probe_reports.ReportRefused as exc:
            upload.add_error("file", str(exc))
        except ValidationError as exc:
            show_refusal(request, upload, exc)
        else:
            if report.device:
                messages.success(request, _("Report recorded for %(tag)s.") % {"tag": report.device.asset_tag})
                return redirect(device_url(report.device))
            messages.warning(
                request,
                _("No device of the workshop has the serial number “%(serial)s”: register it below.")
                % {"serial": report.serial or "—"},
            )
            return redirect("workshop_hardware_reports:index")
    if request.method == "POST" and "register" in request.POST:
        return _register(request, associations)
    if request.method == "POST" and "accept" in request.POST:
        report = get_object_or_404(
            _my_reports(request.user).filter(device__in=devices), pk=_posted_pk(request, "accept")
        )
        try:
            services.hardware_report_accept(report=report, actor=request.user, fields=request.POST.getlist("field"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Values of the report recorded for %(tag)s.") % {"tag": report.device.asset_tag}
            )
        return redirect("workshop_hardware_reports:index")
    reports = _my_reports(request.user)
    waiting = list(reports.filter(device=None)[:50])
    return render(
        request,
        "devices/admin/hardware_reports.html",
        {
            "upload": upload,
            "waiting": [
                (report, forms.ReportRegisterForm(batches=workshop_batches(request.user), report=report))
                for report in waiting
            ],
            "proposing": [r for r in reports.exclude(device=None)[:200] if r.proposed][:50],
            "recent": reports.exclude(device=None)[:20],
        },
    )


def _register(request, associations):
    report = get_object_or_404(_my_reports(request.user).filter(device=None), pk=_posted_pk(request, "register"))
    form = forms.ReportRegisterForm(request.POST, batches=workshop_batches(request.user), report=report)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("workshop_hardware_reports:index")
    facts = report.facts
    try:
        with transaction.atomic():
            device = services.device_register(
                batch=form.cleaned_data["batch"],
                category=form.cleaned_data["category"],
                serial=report.serial,
                actor=request.user,
            )
            probe_reports.report_attach(report=report, device=device, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workshop_hardware_reports:index")
    messages.success(
        request,
        _("Device registered with the asset tag %(tag)s, filled from the report (%(model)s).")
        % {"tag": device.asset_tag, "model": " ".join(filter(None, [facts.get("brand"), facts.get("model")])) or "—"},
    )
    return redirect(device_url(device))
