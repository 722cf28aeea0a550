"""The rental officer's back office in the Wagtail admin: the queue, an application and its steps, overdue
loans, the rental pool. Every view requires `rental.manage_rentals` (group "Rental"); `rental.selectors`
read, `rental.services` act. The URLs are registered by `rental.wagtail_hooks`.
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from devices.models import Device
from reemploi.admin_steps import ObjectStepView, steps_shown
from rental import forms, selectors, services
from rental.models import Application

MANAGE_PERMISSION = "rental.manage_rentals"


officer_required = permission_required(MANAGE_PERMISSION, raise_exception=True)


@officer_required
def home(request):
    """/admin/location/: the rental officer starts from the queue."""
    return redirect("rental_admin_queue")


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


# --- An application's page and its steps ---------------------------------------------------------


class ApplicationStepView(ObjectStepView):
    """One step of an application: its form posts here, and the matching service records it.

    `allowed_statuses` are the statuses the service accepts (constants of `rental.services`); the page shows
    the step only then. A refusal or an invalid form re-displays the page (status 400) with the input kept.
    """

    model = Application
    permission = MANAGE_PERMISSION
    url_namespace = "rental_admin_step:"
    object_kwarg = "application"
    invalid_status = 400

    def success_message(self, application: Application, result) -> str:
        application.refresh_from_db()
        return _("“%(step)s” recorded for %(reference)s; status: “%(status)s”.") % {
            "step": self.label,
            "reference": application.reference,
            "status": application.get_status_display(),
        }

    def success_url(self, application: Application) -> str:
        return reverse("rental_admin_application", args=[application.pk])

    def render_page(self, application: Application, *, bound):
        return application_page(self.request, application, bound=bound, status=self.invalid_status)


class ApproveStep(ApplicationStepView):
    slug, label, form_class = "approve", gettext_lazy("Approve and assign a device"), forms.MessageForm
    allowed_statuses = services.APPROVABLE
    service = staticmethod(services.application_approve)


class WaitlistStep(ApplicationStepView):
    slug, label, form_class = "waitlist", gettext_lazy("Approve, put on the waiting list"), forms.MessageForm
    allowed_statuses = services.WAITLISTABLE
    service = staticmethod(services.application_waitlist)


class RequestInfoStep(ApplicationStepView):
    slug, label, form_class = "request-info", gettext_lazy("Ask for more information"), forms.MessageForm
    allowed_statuses = services.INFO_REQUESTABLE
    service = staticmethod(services.application_request_info)


class RejectStep(ApplicationStepView):
    slug, label, form_class = "reject", gettext_lazy("Reject"), forms.ReasonForm
    allowed_statuses = services.REJECTABLE
    service = staticmethod(services.application_reject)


class PickupStep(ApplicationStepView):
    slug, label, form_class = "pickup", gettext_lazy("Record the pickup"), forms.PickupForm
    allowed_statuses = services.PICKABLE
    service = staticmethod(services.loan_pickup)


class ReturnStep(ApplicationStepView):
    slug, label, form_class = "return", gettext_lazy("Record the return"), forms.ReturnForm
    allowed_statuses = services.RETURNABLE
    service = staticmethod(services.loan_return)


class CounterPaymentStep(ApplicationStepView):
    slug, label, form_class = "payment", gettext_lazy("Record a payment at the counter"), forms.CounterPaymentForm
    allowed_statuses = services.PAYABLE
    service = staticmethod(services.payment_record_counter)


class CancelStep(ApplicationStepView):
    slug, label, form_class = "cancel", gettext_lazy("Cancel before pickup"), forms.ReasonForm
    allowed_statuses = services.CANCELLABLE
    service = staticmethod(services.application_cancel)


STEP_VIEWS: list[type[ApplicationStepView]] = [
    ApproveStep,
    WaitlistStep,
    RequestInfoStep,
    RejectStep,
    PickupStep,
    ReturnStep,
    CounterPaymentStep,
    CancelStep,
]


def application_page(request, application: Application, *, bound: tuple | None = None, status: int = 200):
    """The application, the steps its status allows and its history; `bound` = (step view, form) after a
    refusal, re-displayed when the status still allows that step."""
    if bound is not None and not bound[0].allows(application):
        bound = None
    return render(
        request,
        "rental/admin/application.html",
        {
            "application": application,
            "events": application.events.select_related("actor"),
            "agreement": getattr(application, "agreement", None),
            "payments": application.payments.all(),
            "schedule": selectors.loan_schedule(application),
            "balance": selectors.balance(application),
            "steps": steps_shown(STEP_VIEWS, application, bound=bound),
            "free_devices": selectors.free_pool_devices(application.pickup_association).count(),
        },
        status=status,
    )


@officer_required
def application_detail(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("programme", "pickup_association", "device", "applicant"), pk=pk
    )
    return application_page(request, application)


# --- Overdue loans and the rental pool -----------------------------------------------------------


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
