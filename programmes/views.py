"""The relay partners' portal (/relais/) and the programme report of the donor portal.

A partner's staff see only their partner's allocations: another partner's device is answered with 404,
downloads included. They see the device (asset tag, model) and the programme, never the donor's internal
data (inventory numbers, batches, contacts).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from devices import environment
from devices.views import csv_cell
from programmes import charts, selectors, services, vouchers
from programmes.forms import HandOverForm, ReturnForm, VoucherIssueForm
from programmes.models import Allocation, RelayPartner, SolidarityPrice, SolidarityVoucher
from programmes.pdf import hand_over_receipt_pdf, programme_report_pdf, solidarity_voucher_pdf
from reemploi import map as brittany_map
from reemploi.downloads import private_download

Status = Allocation.Status
DONE_SHOWN = 50  # handed over and returned devices listed on the portal's home, the latest first


def _partners(request):
    return list(request.user.relay_partners.all())


def _allocation(request, pk) -> Allocation:
    """One of the user's partners' allocations, or 404 (another partner's is not revealed)."""
    return get_object_or_404(selectors.partner_allocations(request.user), pk=pk)


def _refused(request, form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def home(request):
    partners = _partners(request)
    if not partners:
        return render(request, "programmes/partner_none.html", status=403)
    mine = selectors.partner_allocations(request.user)
    # What is still to do, all of it; what is done, the latest only (the counts say how many in all).
    pending = list(mine.filter(status__in=Allocation.OPEN).order_by("allocated_at", "pk"))
    done_counts = dict(
        mine.exclude(status__in=Allocation.OPEN).values_list("status").annotate(n=Count("pk")).order_by()
    )
    today = timezone.localdate()
    for allocation in pending:
        since = allocation.received_at or allocation.allocated_at
        allocation.days_waiting = (today - timezone.localdate(since)).days
        allocation.overdue = allocation.reminder_due()
    groups = []
    for status, label in (
        (Status.ALLOCATED, _("To receive")),
        (Status.RECEIVED, _("At your premises, to hand over")),
        (Status.HANDED_OVER, _("Handed over")),
        (Status.RETURNED, _("Returned to the workshop")),
    ):
        if status in Allocation.OPEN:
            rows = [a for a in pending if a.status == status]
            total = len(rows)
        else:
            rows = list(mine.filter(status=status).order_by("-handed_over_on", "-returned_at", "-pk")[:DONE_SHOWN])
            total = done_counts.get(status, 0)
        groups.append((status, label, rows, total))
    return render(request, "programmes/partner_home.html", {"partners": partners, "groups": groups})


@login_required
@require_POST
def receive(request, pk):
    allocation = _allocation(request, pk)
    try:
        services.allocation_receive(allocation=allocation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Receipt of %(tag)s recorded.") % {"tag": allocation.device.asset_tag})
    return redirect("programmes:home")


@login_required
@require_POST
def receive_all(request, slug):
    partner = get_object_or_404(RelayPartner, slug=slug, users=request.user)
    count = services.allocations_receive(partner=partner, actor=request.user)
    messages.success(
        request, ngettext("%(count)d device received.", "%(count)d devices received.", count) % {"count": count}
    )
    return redirect("programmes:home")


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request, pk):
    allocation = _allocation(request, pk)
    if allocation.status != Status.RECEIVED:  # a stale link: say why, on the portal's home
        messages.error(request, services.HAND_OVER_REFUSALS[allocation.status] % {"tag": allocation.device.asset_tag})
        return redirect("programmes:home")
    form = HandOverForm(request.POST or None, allocation=allocation)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_hand_over(allocation=allocation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, form, exc)
        else:
            messages.success(
                request,
                _("Hand-over of %(tag)s recorded. Print the receipt for the beneficiary to sign.")
                % {"tag": allocation.device.asset_tag},
            )
            return redirect("programmes:home")
    if request.method == "POST":
        messages.error(request, _("The form has errors: check the highlighted fields."))
    return render(request, "programmes/hand_over.html", {"allocation": allocation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def give_back(request, pk):
    allocation = _allocation(request, pk)
    if not allocation.is_open:
        messages.error(request, services.RETURN_REFUSALS[allocation.status] % {"tag": allocation.device.asset_tag})
        return redirect("programmes:home")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_return(allocation=allocation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, form, exc)
        else:
            messages.success(
                request,
                _("Return of %(tag)s recorded: bring it back to %(member)s.")
                % {"tag": allocation.device.asset_tag, "member": allocation.association.name},
            )
            return redirect("programmes:home")
    if request.method == "POST":
        messages.error(request, _("The form has errors: check the highlighted fields."))
    return render(request, "programmes/give_back.html", {"allocation": allocation, "form": form})


@login_required
@require_GET
def receipt(request, pk):
    allocation = _allocation(request, pk)
    if allocation.status not in (Status.RECEIVED, Status.HANDED_OVER):
        return render(request, "404.html", {"message": _("No receipt for this device.")}, status=404)
    return private_download(hand_over_receipt_pdf(allocation), f"recu-remise-{allocation.device.asset_tag}.pdf")


# --- Solidarity vouchers ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def voucher_list(request):
    """The partner's vouchers (used or not, never what was bought with them) and the form to issue one."""
    partners = _partners(request)
    if not partners:
        return render(request, "programmes/partner_none.html", status=403)
    form = VoucherIssueForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data.get("partner") or partners[0]
        try:
            voucher = vouchers.voucher_issue(
                partner=partner,
                actor=request.user,
                holder_category=form.cleaned_data["holder_category"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as exc:
            _refused(request, form, exc)
        else:
            messages.success(request, _("Voucher %(code)s issued: print it for the person.") % {"code": voucher.code})
            return redirect("programmes:vouchers")
    issued = SolidarityVoucher.objects.filter(partner__in=partners).select_related("partner")
    return render(
        request,
        "programmes/vouchers.html",
        {"form": form, "vouchers": issued, "prices": SolidarityPrice.objects.all(), "partners": partners},
    )


def _voucher(request, pk) -> SolidarityVoucher:
    return get_object_or_404(SolidarityVoucher.objects.select_related("partner"), pk=pk, partner__users=request.user)


@login_required
@require_POST
def voucher_revoke(request, pk):
    voucher = _voucher(request, pk)
    try:
        vouchers.voucher_revoke(voucher=voucher, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Voucher %(code)s revoked.") % {"code": voucher.code})
    return redirect("programmes:vouchers")


@login_required
@require_GET
def voucher_print(request, pk):
    voucher = _voucher(request, pk)
    return private_download(solidarity_voucher_pdf(voucher, SolidarityPrice.objects.all()), f"bon-{voucher.code}.pdf")


# --- The programme report, for the donors and the funder ------------------------------------------------


def _donor_programme(request, slug):
    return get_object_or_404(selectors.donor_programmes(request.user), slug=slug)


@login_required
@require_GET
def programme_report(request, slug):
    programme = _donor_programme(request, slug)
    report = selectors.programme_report(programme)
    return render(
        request,
        "programmes/programme_report.html",
        {
            "report": report,
            "bars": charts.month_bars(report.by_month),
            "discs": charts.department_discs(report.by_department),
            "map_outline": brittany_map.OUTLINE_POINTS,
            "map_viewbox": charts.MAP_VIEWBOX,
            "environment_source": environment.SOURCE,
        },
    )


@login_required
@require_GET
def programme_report_csv(request, slug):
    programme = _donor_programme(request, slug)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, f"programme-{programme.slug}.csv")},
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Asset tag"),
            _("Category"),
            _("Model"),
            _("Refurbished by"),
            _("Relay partner"),
            _("Status"),
            _("Allocated on"),
            _("Handed over on"),
            _("Beneficiary category"),
            _("Age bracket"),
            _("Département"),
            _("Situation"),
        ]
    )
    allocations = programme.allocations.select_related("device", "partner", "association").order_by("allocated_at")
    for a in allocations.iterator(chunk_size=2000):
        row = [
            a.device.asset_tag,
            a.device.get_category_display(),
            f"{a.device.brand} {a.device.model}".strip(),
            a.association.name,
            a.partner.name,
            a.get_status_display(),
            timezone.localdate(a.allocated_at).isoformat(),
            a.handed_over_on.isoformat() if a.handed_over_on else "",
            a.get_beneficiary_category_display() if a.beneficiary_category else "",
            a.get_age_bracket_display() if a.age_bracket else "",
            a.department,
            a.situation,
        ]
        writer.writerow([csv_cell(cell) for cell in row])
    return response


@login_required
@require_GET
def programme_report_file(request, slug):
    programme = _donor_programme(request, slug)
    document = programme_report_pdf(selectors.programme_report(programme), source_text=str(environment.SOURCE))
    return private_download(document, f"{slugify(programme.name)}.pdf")
