"""Public device passport and the donor portal."""

import csv

import segno
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail import hooks

from devices import environment, selectors
from devices.models import BeneficiaryCategory, Device, DeviceEvent, IntakeBatch, PartnerKind
from devices.pdf import batch_report_pdf
from devices.tags import asset_tag_normalize
from reemploi.downloads import private_download, private_file_response
from reemploi.uploads import content_type_of

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): `=HYPERLINK(…)`
# typed as a serial number in a donor's inventory would run when the donor opens the export.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading apostrophe before a formula trigger."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def passport_url(request, device: Device) -> str:
    return request.build_absolute_uri(reverse("devices:passport", args=[device.asset_tag]))


@require_GET
def passport(request, asset_tag):
    tag = asset_tag_normalize(asset_tag)
    device = selectors.device_for_passport(tag) if tag else None
    if device is None:  # the site's own page, also under DEBUG (someone typed a sticker's tag wrong)
        message = _("No device has the tag %(tag)s: check the letters and digits on the sticker.") % {
            "tag": tag or asset_tag
        }
        return render(request, "404.html", {"message": message}, status=404)
    qr_svg = segno.make(passport_url(request, device), error="m").svg_inline(scale=4, title=device.asset_tag)
    return render(
        request,
        "devices/passport.html",
        {
            "device": device,
            "origin": device.batch.donor.origin_label(),
            "qr_svg": mark_safe(qr_svg),  # noqa: S308  (segno output; the URL is ours)
            **selectors.passport_events(device),
        },
    )


def _donor_batch(request, pk) -> IntakeBatch:
    """A batch of one of the user's donors, or 404 (another donor's batch is not revealed)."""
    return get_object_or_404(
        IntakeBatch.objects.select_related("donor", "association"), pk=pk, donor__users=request.user
    )


@login_required
@require_GET
def donor_home(request):
    donors = list(request.user.donors.all())
    if not donors:
        return render(request, "devices/donor_none.html", status=403)
    # Other apps add their sections (the donation programmes the donors give to: hook `donor_portal_sections`).
    sections = [html for hook in hooks.get_hooks("donor_portal_sections") if (html := hook(request, donors))]
    return render(
        request,
        "devices/donor_home.html",
        {
            "donors": [(donor, selectors.donor_batches_with_members(donor)) for donor in donors],
            "sections": sections,
        },
    )


@login_required
@require_GET
def donor_batch(request, pk):
    batch = _donor_batch(request, pk)
    devices = Paginator(selectors.donor_devices(batch), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/donor_batch.html",
        {
            "batch": batch,
            "report": selectors.batch_report(batch),
            "devices": devices,
            "page_obj": devices,
            "environment_source": environment.SOURCE,
            "factors": environment.FACTORS.values(),
        },
    )


@login_required
@require_GET
def donor_batch_csv(request, pk):
    batch = _donor_batch(request, pk)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, f"lot-{batch.pk}-appareils.csv")},
    )
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Asset tag"),
            _("Serial number"),
            _("Category"),
            _("Brand"),
            _("Model"),
            _("Status"),
            _("Refurbished by"),
            _("Beneficiary category"),
            _("Département"),
            _("Erased on"),
            _("Erasure method"),
            _("Through a relay partner"),
        ]
    )
    labels = dict(Device.Category.choices)
    statuses = dict(Device.Status.choices)
    beneficiaries = dict(BeneficiaryCategory.choices)
    partner_kinds = dict(PartnerKind.choices)
    for d in selectors.donor_devices(batch).iterator(chunk_size=2000):
        row = [
            d.asset_tag,
            d.serial,
            labels[d.category],
            d.brand,
            d.model,
            statuses[d.status],
            d.association.name,
            beneficiaries.get(d.outcome_category, ""),
            d.outcome_department,
            timezone.localtime(d.erased_at).date().isoformat() if d.erased_at else "",
            d.erasure_method or "",
            partner_kinds.get(d.outcome_partner_kind, ""),
        ]
        writer.writerow([csv_cell(cell) for cell in row])
    return response


@login_required
@require_GET
def donor_batch_pdf(request, pk):
    batch = _donor_batch(request, pk)
    pdf = batch_report_pdf(selectors.batch_report(batch), source_text=str(environment.SOURCE))
    name = slugify(f"rapport-{batch.donor.name}-{batch.received_on:%Y-%m-%d}")
    return private_download(pdf, f"{name}.pdf")


@login_required
@require_GET
def donor_certificate(request, event_pk):
    """An erasure certificate of one of the donor's devices, downloaded, never shown inline."""
    event = get_object_or_404(
        DeviceEvent.objects.select_related("device"),
        pk=event_pk,
        kind=DeviceEvent.Kind.ERASED,
        device__batch__donor__users=request.user,
    )
    # A certificate (PDF) only: an erasure tool's own report covers the whole run, other donors' disks too.
    if not event.evidence or not event.evidence.name.lower().endswith(".pdf"):
        raise Http404(_("No certificate for this erasure."))
    return evidence_response(event, "certificat-effacement")


def evidence_response(event: DeviceEvent, stem: str):
    """An event's evidence file as a download named `<stem>-<asset tag>.<its own extension>` (a PDF
    certificate, or the erasure tool's own report: a log, a JSON or a table)."""
    extension = event.evidence.name.rsplit(".", 1)[-1].lower() if "." in event.evidence.name else "pdf"
    filename = f"{stem}-{event.device.asset_tag}.{extension}"
    return private_file_response(event.evidence, filename, content_type_of(event.evidence.name))
