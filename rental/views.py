"""The trainee's portal at /location/: eligibility, application, "Mes demandes", signing, payment, files.

Views stay thin: forms validate, `rental.selectors` read, `rental.services` and `rental.stripe_billing` act
(Stripe first, outside any transaction, then the service records the result). An application is shown
to its applicant only (another user gets a 404); its files also to the rental officers of its pickup member
and to the network coordinators (another member's officer gets a 404 too).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payments import stripe_api
from payments.csp import allows_stripe
from reemploi.downloads import private_download, private_file_response
from reemploi.ratelimits import client_ip, form_rate_limited
from reemploi.uploads import content_type_of
from rental import selectors, services, stripe_billing
from rental.forms import (
    AnswerForm,
    ApplicationForm,
    EligibilityForm,
    PaymentForm,
    PickupChangeForm,
    SignForm,
    TransferAnswerForm,
    WithdrawForm,
)
from rental.models import Application
from rental.pdf import agreement_pdf, agreement_terms

MANAGE_PERMISSION = "rental.manage_rentals"


def _show_refusal(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _own_application(request, pk) -> Application:
    """The user's own application, or 404 (someone else's is not revealed)."""
    return get_object_or_404(
        Application.objects.select_related("programme", "pickup_association", "device", "transfer_to"),
        pk=pk,
        applicant=request.user,
        purged_at__isnull=True,
    )


def _readable_application(request, pk) -> Application:
    """For file downloads: the applicant, or a rental officer of its pickup member (or a coordinator)."""
    readable = Application.objects.filter(applicant=request.user)
    if request.user.has_perm(MANAGE_PERMISSION):
        readable = readable | selectors.officer_applications(request.user)
    return get_object_or_404(readable, pk=pk, purged_at__isnull=True)


@require_GET
def landing(request):
    form = EligibilityForm(request.GET or None)
    eligible = form.is_eligible() if form.is_bound and form.is_valid() else None
    return render(
        request,
        "rental/landing.html",
        {
            "form": form,
            "eligible": eligible,
            "amount": selectors.monthly_amount(),
            "associations": selectors.pickup_associations(),
            "retention_days": settings.RENTAL_RETENTION_DAYS,
        },
    )


def _blocking_reason(user) -> str:
    if selectors.user_has_overdue_loan(user):
        return _("A computer lent to you is overdue: bring it back to your association before applying again.")
    if selectors.user_open_application(user) is not None:
        return _("You already have an application in progress: follow it from your applications page.")
    return ""


@login_required
def apply(request):
    blocked = _blocking_reason(request.user)
    if blocked:
        return render(request, "rental/apply_blocked.html", {"reason": blocked}, status=200)
    status = 200
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        if form_rate_limited(request, "rental-apply"):
            form.add_error(None, _("Too many attempts from your connection: please try again in a few minutes."))
            status = 429
        elif form.is_valid():
            try:
                application = services.application_submit(applicant=request.user, **form.service_kwargs())
            except ValidationError as exc:
                _show_refusal(form, exc)
            else:
                messages.success(
                    request,
                    _("Your application %(reference)s has been sent. We have e-mailed you a confirmation.")
                    % {"reference": application.reference},
                )
                return redirect("rental:my_application", pk=application.pk)
        if status == 200:
            status = 400
    else:
        user = request.user
        form = ApplicationForm(
            initial={"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        )
    return render(
        request,
        "rental/apply.html",
        {
            "form": form,
            "sections": _apply_sections(form),
            "file_again": form.is_bound,
            "amount": selectors.monthly_amount(),
        },
        status=status,
    )


def _apply_sections(form):
    """The application form in sections: (title, bound fields, introduction)."""
    section = [
        (_("You"), ("first_name", "last_name", "email", "phone", "address", "postcode", "commune"), ""),
        (
            _("Your training"),
            (
                "programme",
                "training_title",
                "training_body",
                "training_funder",
                "training_starts_on",
                "training_ends_on",
            ),
            _("Choose it in the list; if it is not there, describe it."),
        ),
        (_("Proof of enrolment"), ("proof",), ""),
        (_("Your needs"), ("needs_webcam", "accessibility_needs", "pickup_association"), ""),
        (
            _("Data protection"),
            ("privacy_accepted",),
            _(
                "Your application and your proof of enrolment are used only to handle your loan. They are seen by "
                "you and by the rental officers of the network, stored outside the public website, and deleted "
                "%(days)s days after a rejection or after the return of the computer. The register of devices "
                "only keeps the category “trainee of a Région-funded training” and your département. You can "
                "access, correct or delete your data by writing to the network."
            )
            % {"days": settings.RENTAL_RETENTION_DAYS},
        ),
    ]
    return [(title, [form[name] for name in names], intro) for title, names, intro in section]


@login_required
@require_GET
def my_applications(request):
    applications = Application.objects.filter(applicant=request.user, purged_at__isnull=True).select_related(
        "pickup_association", "device", "transfer_to"
    )
    return render(request, "rental/my_applications.html", {"applications": applications})


@login_required
def my_application(request, pk):
    application = _own_application(request, pk)
    answer_form = None
    status = 200
    if application.status in services.ANSWERABLE:
        answer_form = AnswerForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if answer_form.is_valid():
                try:
                    services.application_answer(
                        application=application,
                        applicant=request.user,
                        message=answer_form.cleaned_data["message"],
                        proof=answer_form.cleaned_data["proof"],
                    )
                except ValidationError as exc:
                    _show_refusal(answer_form, exc)
                else:
                    messages.success(request, _("Your answer has been sent to the rental officer."))
                    return redirect("rental:my_application", pk=application.pk)
            status = 400
    elif request.method == "POST":
        return HttpResponse(status=405)
    return render(
        request,
        "rental/my_application.html",
        {
            "application": application,
            "events": application.events.all(),
            "agreement": getattr(application, "agreement", None),
            "schedule": selectors.loan_schedule(application),
            "payments": application.payments.all(),
            "balance": selectors.balance(application),
            "answer_form": answer_form,
            "can_sign": application.status in services.SIGNABLE,
            "can_set_up_payment": _can_set_up_payment(application),
            "can_change_pickup": application.status in services.PICKUP_CHANGEABLE,
            "can_withdraw": application.status in services.WITHDRAWABLE,
            "transfer_pending": application.transfer_to_id is not None and application.status in services.TRANSFERABLE,
        },
        status=status,
    )


def _can_set_up_payment(application) -> bool:
    """A card or direct-debit subscription can be set up: signed, none running, nothing paid at the counter."""
    return (
        stripe_api.enabled()
        and application.status in (Application.Status.SIGNED, Application.Status.ACTIVE)
        and not application.has_running_subscription
        and not selectors.counter_payments(application).exists()
    )


# --- The trainee's own changes: another pickup member, a proposed move, cancelling ---------------


@login_required
def pickup_change(request, pk):
    application = _own_application(request, pk)
    if application.status not in services.PICKUP_CHANGEABLE:
        messages.info(request, _("The pickup association can no longer be changed: a computer is assigned to you."))
        return redirect("rental:my_application", pk=application.pk)
    form = PickupChangeForm(request.POST or None, application=application)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_pickup_change(
                    application=application,
                    applicant=request.user,
                    pickup_association=form.cleaned_data["pickup_association"],
                )
            except ValidationError as exc:
                _show_refusal(form, exc)
            else:
                application.refresh_from_db()
                messages.success(
                    request,
                    _("Your application now picks up at %(association)s.")
                    % {"association": application.pickup_association.name},
                )
                return redirect("rental:my_application", pk=application.pk)
        status = 400
    return render(
        request,
        "rental/pickup_change.html",
        {"application": application, "form": form, "associations": form.fields["pickup_association"].queryset},
        status=status,
    )


@login_required
def withdraw(request, pk):
    application = _own_application(request, pk)
    if application.status not in services.WITHDRAWABLE:
        messages.info(
            request,
            _("This application can no longer be cancelled from your page: contact your pickup association."),
        )
        return redirect("rental:my_application", pk=application.pk)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_withdraw(
                    application=application, applicant=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _show_refusal(form, exc)
            else:
                messages.success(
                    request, _("Your application %(reference)s is cancelled.") % {"reference": application.reference}
                )
                return redirect("rental:my_application", pk=application.pk)
        status = 400
    return render(request, "rental/withdraw.html", {"application": application, "form": form}, status=status)


@login_required
@require_POST
def transfer_answer(request, pk):
    """The trainee accepts or declines the move to another member an officer proposed."""
    application = _own_application(request, pk)
    form = TransferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the move."))
        return redirect("rental:my_application", pk=application.pk)
    accept = form.cleaned_data["decision"] == "accept"
    service = services.application_transfer_accept if accept else services.application_transfer_decline
    try:
        service(application=application, applicant=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        application.refresh_from_db()
        if accept:
            messages.success(
                request,
                _("Your application now picks up at %(association)s.")
                % {"association": application.pickup_association.name},
            )
        else:
            messages.success(
                request,
                _("You declined the move: your application stays at %(association)s.")
                % {"association": application.pickup_association.name},
            )
    return redirect("rental:my_application", pk=application.pk)


def _mandate_acceptance(request, form) -> stripe_billing.MandateAcceptance | None:
    """The SEPA mandate the trainee accepted by ticking its box in this request (None otherwise)."""
    if not form.cleaned_data.get("mandate_accepted"):
        return None
    return stripe_billing.MandateAcceptance(
        ip_address=client_ip(request) or "",
        user_agent=request.headers.get("User-Agent", "") or "unknown",
        accepted_at=timezone.now(),
    )


def _start_payment(request, application, form) -> bool:
    """Set up the chosen payment (outside any transaction); False when Stripe refused (the form says why)."""
    method = form.cleaned_data["method"]
    if method == Application.PaymentMethod.COUNTER:
        try:
            services.payment_method_set(application=application, method=method, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return False
        return True
    try:
        subscription = stripe_billing.subscription_start(
            application,
            method=method,
            card_token=form.cleaned_data.get("card_token", ""),
            iban=form.cleaned_data.get("iban", ""),
            mandate=_mandate_acceptance(request, form),
        )
    except stripe_billing.SubscriptionFailed as exc:
        form.add_error(None, str(exc))
        return False
    if subscription is not None:  # None: a subscription is already running
        try:
            services.payment_method_set(
                application=application,
                method=method,
                customer_id=subscription.customer_id,
                subscription_id=subscription.subscription_id,
                mandate_id=subscription.mandate_id,
                mandate_reference=subscription.mandate_reference,
                mandate_accepted_at=subscription.mandate_accepted_at,
            )
        except ValidationError as exc:  # e.g. a counter payment recorded meanwhile: nothing kept in Stripe
            stripe_billing.subscription_discard(subscription.subscription_id)
            form.add_error(None, exc.messages)
            return False
    return True


def _payment_context(application, form):
    return {
        "payment_fields": [form[name] for name in ("method", "iban") if name in form.fields],
        "mandate_field": form["mandate_accepted"] if "mandate_accepted" in form.fields else None,
        "creditor": settings.SHOP_SELLER_NAME,
        "stripe_enabled": stripe_api.enabled(),
        "stripe_test_mode": stripe_api.test_mode(),
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "amount": application.monthly_amount,
    }


@login_required
@allows_stripe
def sign(request, pk):
    application = _own_application(request, pk)
    if application.status not in services.SIGNABLE:
        messages.info(request, _("This agreement cannot be signed now: see the application's status."))
        return redirect("rental:my_application", pk=application.pk)
    agreement = application.agreement
    form = SignForm(request.POST or None, stripe_enabled=stripe_api.enabled())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agreement_sign(
                    application=application,
                    applicant=request.user,
                    typed_name=form.cleaned_data["typed_name"],
                    accepted=form.cleaned_data["accepted"],
                    ip=client_ip(request) or None,
                )
            except ValidationError as exc:
                _show_refusal(form, exc)
            else:
                application.refresh_from_db()
                messages.success(request, _("Your agreement is signed. You can download it below."))
                if not _start_payment(request, application, form):
                    messages.error(request, " ".join(form.non_field_errors()))
                    return redirect("rental:payment", pk=application.pk)
                return redirect("rental:my_application", pk=application.pk)
        status = 400
    return render(
        request,
        "rental/sign.html",
        {
            "application": application,
            "agreement": agreement,
            "terms": agreement_terms(agreement),
            "form": form,
            "sign_fields": [form["typed_name"], form["accepted"]],
            **_payment_context(application, form),
        },
        status=status,
    )


@login_required
@allows_stripe
def payment(request, pk):
    """Set up (or set up again) the monthly payment of a signed agreement."""
    application = _own_application(request, pk)
    if not _can_set_up_payment(application):
        return redirect("rental:my_application", pk=application.pk)
    form = PaymentForm(request.POST or None, stripe_enabled=True)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _start_payment(request, application, form):
            messages.success(request, _("Your monthly payment is set up."))
            return redirect("rental:my_application", pk=application.pk)
        status = 400
    return render(
        request,
        "rental/payment.html",
        {"application": application, "form": form, **_payment_context(application, form)},
        status=status,
    )


@login_required
@require_GET
def proof_download(request, pk):
    application = _readable_application(request, pk)
    if not application.proof:
        raise Http404(_("No document."))
    extension = application.proof.name.rsplit(".", 1)[-1].lower()
    return private_file_response(
        application.proof,
        f"justificatif-{application.reference}.{extension}",
        content_type_of(application.proof.name),
    )


@login_required
@require_GET
def agreement_download(request, pk):
    application = _readable_application(request, pk)
    agreement = getattr(application, "agreement", None)
    if agreement is None:
        raise Http404(_("No agreement yet."))
    if agreement.signed_file:
        return private_file_response(agreement.signed_file, f"contrat-{application.reference}.pdf", "application/pdf")
    return private_download(agreement_pdf(agreement), f"contrat-{application.reference}-projet.pdf")
