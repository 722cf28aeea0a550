"""The rental officer's back office in the Wagtail admin: the queue, an application and its steps, overdue
loans, the rental pool. Every view requires `rental.manage_rentals` (group "Rental"); `rental.services` acts.
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from devices.models import Device
from rental import forms, selectors, services
from rental.models import Application

MANAGE_PERMISSION = "rental.manage_rentals"


officer_required = permission_required(MANAGE_PERMISSION, raise_exception=True)


# Each step: (slug, label, form class, allowed statuses, service call taking (application, actor, data)).
STEPS = [
    (
        "approve",
        gettext_lazy("Approve and assign a device"),
        forms.MessageForm,
        services.APPROVABLE,
        lambda a, actor, d: services.application_approve(application=a, actor=actor, message=d["message"]),
    ),
    (
        "waitlist",
        gettext_lazy("Approve, put on the waiting list"),
        forms.MessageForm,
        services.WAITLISTABLE,
        lambda a, actor, d: services.application_waitlist(application=a, actor=actor, message=d["message"]),
    ),
    (
        "request-info",
        gettext_lazy("Ask for more information"),
        forms.MessageForm,
        services.INFO_REQUESTABLE,
        lambda a, actor, d: services.application_request_info(application=a, actor=actor, message=d["message"]),
    ),
    (
        "reject",
        gettext_lazy("Reject"),
        forms.ReasonForm,
        services.REJECTABLE,
        lambda a, actor, d: services.application_reject(application=a, actor=actor, reason=d["reason"]),
    ),
    (
        "pickup",
        gettext_lazy("Record the pickup"),
        forms.PickupForm,
        services.PICKABLE,
        lambda a, actor, d: services.loan_pickup(application=a, actor=actor, picked_up_on=d["picked_up_on"]),
    ),
    (
        "return",
        gettext_lazy("Record the return"),
        forms.ReturnForm,
        services.RETURNABLE,
        lambda a, actor, d: services.loan_return(
            application=a, actor=actor, condition=d["condition"], note=d["note"], returned_on=d["returned_on"]
        ),
    ),
    (
        "payment",
        gettext_lazy("Record a payment at the counter"),
        forms.CounterPaymentForm,
        services.PAYABLE,
        lambda a, actor, d: services.payment_record_counter(
            application=a, actor=actor, amount=d["amount"], paid_on=d["paid_on"], note=d["note"]
        ),
    ),
    (
        "cancel",
        gettext_lazy("Cancel before pickup"),
        forms.ReasonForm,
        services.CANCELLABLE,
        lambda a, actor, d: services.application_cancel(application=a, actor=actor, reason=d["reason"]),
    ),
]
STEP_BY_SLUG = {step[0]: step for step in STEPS}


@officer_required
def queue(request):
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.application_queue(**{k: v for k, v in filters.items() if v}), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "rental/admin/queue.html", {"form": form, "page_obj": page, "query": query.urlencode()})


def _steps(application, bound=None):
    steps = []
    for slug, label, form_class, allowed, _call in STEPS:
        if application.status not in allowed:
            continue
        if bound and bound[0] == slug:
            form = bound[1]
        else:
            form = form_class(prefix=slug)
        steps.append({"slug": slug, "label": label, "form": form, "open": bool(bound and bound[0] == slug)})
    return steps


def _application_page(request, application, bound=None, status=200):
    return render(
        request,
        "rental/admin/application.html",
        {
            "application": application,
            "events": application.events.select_related("actor"),
            "agreement": getattr(application, "agreement", None),
            "payments": application.payments.all(),
            "schedule": services.loan_schedule(application),
            "balance": services.balance(application),
            "steps": _steps(application, bound),
            "free_devices": services._free_pool_devices(application.pickup_association).count(),
        },
        status=status,
    )


@officer_required
def application_detail(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("programme", "pickup_association", "device", "applicant"), pk=pk
    )
    return _application_page(request, application)


@officer_required
@require_POST
def application_step(request, pk, slug):
    step = STEP_BY_SLUG.get(slug)
    application = get_object_or_404(Application, pk=pk)
    if step is None:
        raise PermissionDenied
    _slug, label, form_class, _allowed, call = step
    form = form_class(request.POST, prefix=slug)
    if form.is_valid():
        try:
            call(application, request.user, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            messages.error(request, " ".join(exc.messages))
        else:
            application.refresh_from_db()
            messages.success(
                request,
                _("“%(step)s” recorded for %(reference)s; status: “%(status)s”.")
                % {"step": label, "reference": application.reference, "status": application.get_status_display()},
            )
            return redirect("rental_admin_application", pk=application.pk)
    else:
        messages.error(request, _("The form has errors: check the highlighted fields."))
    application.refresh_from_db()
    return _application_page(request, application, bound=(slug, form), status=400)


@officer_required
def overdue(request):
    return render(request, "rental/admin/overdue.html", {"applications": selectors.overdue_list()})


@officer_required
def pool(request):
    if request.method == "POST":
        device = get_object_or_404(Device, pk=request.POST.get("device"))
        try:
            assigned = services.rental_pool_add(device=device, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if assigned is not None:
                messages.success(
                    request,
                    _("Device %(tag)s is in the rental pool and was assigned to %(reference)s (waiting list).")
                    % {"tag": device.asset_tag, "reference": assigned.reference},
                )
            else:
                messages.success(request, _("Device %(tag)s is in the rental pool.") % {"tag": device.asset_tag})
        return redirect("rental_admin_pool")
    return render(request, "rental/admin/pool.html", {"rows": selectors.pool_by_association()})
