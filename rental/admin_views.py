"""The rental officer's back office in the Wagtail admin: what waits today, the queue, an application and its
steps, overdue loans, the rental pool. Every view requires `rental.manage_rentals` (role "rental officer" at a
member, or group "Rental"); `rental.selectors` read, `rental.services` act. The URLs are registered by
`rental.wagtail_hooks`.

Every page lists and reaches the applications whose pickup member is one of the officer's
(`selectors.officer_applications`) and the pools of those members: another member's application or device
answers 404. Network coordinators see and act across all members.
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
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


# What each line of "today" says and where it leads: (kind, label, URL name, query string).
TODAY_LINES = [
    ("new", gettext_lazy("New applications"), "rental_admin_queue", "todo=new"),
    ("answered", gettext_lazy("Answers from trainees"), "rental_admin_queue", "todo=answered"),
    ("to_sign", gettext_lazy("Approved, waiting for the signature"), "rental_admin_queue", "todo=to_sign"),
    ("pickup", gettext_lazy("Pickups to record"), "rental_admin_queue", "todo=pickup"),
    ("returns_soon", gettext_lazy("Returns due in the next 7 days"), "rental_admin_queue", "todo=returns_soon"),
    ("overdue", gettext_lazy("Overdue loans"), "rental_admin_overdue", ""),
    ("waitlisted", gettext_lazy("Waiting list"), "rental_admin_queue", "todo=waitlisted"),
    ("transfer", gettext_lazy("Moves proposed, waiting for the trainee"), "rental_admin_queue", "todo=transfer"),
    ("free", gettext_lazy("Free laptops in the pool"), "rental_admin_pool", ""),
]


def _today_links(counts: dict, association=None) -> list[dict]:
    links = []
    for kind, label, url_name, query in TODAY_LINES:
        params = "&".join(p for p in (query, f"association={association.pk}" if association and query else "") if p)
        url = reverse(url_name) + (f"?{params}" if params else "")
        links.append({"kind": kind, "label": label, "count": counts[kind], "url": url})
    return links


@officer_required
def home(request):
    """/admin/location/: what waits today for the officer's members, each count leading to its list."""
    associations = selectors.officer_associations(request.user)
    today = selectors.officer_today(associations)
    several = len(today["rows"]) > 1
    lending = set(selectors.rental_members().values_list("pk", flat=True))
    rows = [
        {"association": row["association"], "links": _today_links(row["counts"], row["association"])}
        for row in today["rows"]
        if row["association"].pk in lending or any(row["counts"].values())  # a coordinator: members that lend
    ]
    return render(
        request,
        "rental/admin/home.html",
        {
            "links": _today_links(today["total"]),
            "rows": rows if several else [],
            "associations": associations,
            "lines": TODAY_LINES,
        },
    )


@officer_required
def queue(request):
    associations = selectors.officer_associations(request.user)
    form = forms.QueueFilterForm(request.GET or None, associations=associations)
    filters = form.cleaned_data if form.is_valid() else {}
    applications = selectors.officer_applications(request.user)
    page = Paginator(selectors.application_queue(applications, **{k: v for k, v in filters.items() if v}), 50).get_page(
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

    def get_queryset(self):  # another member's application: 404
        return selectors.officer_applications(self.request.user)

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

    @classmethod
    def allows(cls, application, user=None) -> bool:  # not beside a running subscription (the service refuses)
        return super().allows(application) and not application.has_running_subscription


class TransferStep(ApplicationStepView):
    slug, label, form_class = "transfer", gettext_lazy("Propose a move to another member"), forms.TransferForm
    allowed_statuses = services.TRANSFERABLE
    service = staticmethod(services.application_transfer_propose)
    button_class = "button button-secondary"

    @classmethod
    def get_form(cls, application, data=None, files=None):
        return cls.form_class(data, files, application=application, prefix=cls.slug)


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
    TransferStep,
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
        selectors.officer_applications(request.user).select_related(
            "programme", "pickup_association", "device", "applicant", "transfer_to"
        ),
        pk=pk,
    )
    return application_page(request, application)


# --- Overdue loans and the rental pool -----------------------------------------------------------


@officer_required
def overdue(request):
    applications = selectors.overdue_list(selectors.officer_applications(request.user))
    return render(request, "rental/admin/overdue.html", {"applications": applications})


@officer_required
def pool(request):
    associations = selectors.officer_associations(request.user)
    if request.method == "POST":
        # Only a device of one of the officer's members goes into a pool (another member's: 404).
        pk = request.POST.get("device", "")
        if not pk.isdigit():
            raise Http404
        device = get_object_or_404(Device, pk=pk, association__in=associations)
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
    return render(request, "rental/admin/pool.html", {"rows": selectors.pool_by_association(associations)})
