"""The buyer organisation's page: the profile its members fill in before staff verify it, its quotes, the
roles of its people (approvers, threshold), the orders waiting for an approver, its reuse attestations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from oscar.core.loading import get_model

from devices.models import Association
from reemploi.downloads import private_download
from shop.forms import OrganisationForm, OrganisationRolesForm
from shop.selectors import is_approver, orders_awaiting_approval, organisation_of
from shop.services import AfterSaleRefused
from shop.services.approvals import order_approve, order_refuse
from shop.services.attestations import attestation_file, years_and_sellers
from shop.services.organisations import VERIFIED_FIELDS, organisation_save, organisation_set_roles

Order = get_model("order", "Order")


@login_required
def organisation_profile(request):
    organisation = organisation_of(request.user)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if organisation and organisation.is_verified:
        for field in VERIFIED_FIELDS:
            form.fields[field].disabled = True
    if request.method == "POST" and form.is_valid():
        changed = form.has_changed()
        try:
            organisation = organisation_save(user=request.user, organisation=organisation, data=form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if changed and not organisation.is_verified:
                messages.success(
                    request, _("Your organisation is recorded. Our team will verify it within two working days.")
                )
            else:
                messages.success(request, _("Your organisation profile is saved."))
            return redirect("shop_organisation")
    quotes = organisation.quotes.order_by("-created_at") if organisation else []
    approver = organisation is not None and is_approver(request.user, organisation)
    return render(
        request,
        "shop/organisation.html",
        {
            "form": form,
            "organisation": organisation,
            "quotes": quotes,
            "attestations": years_and_sellers(organisation) if organisation and organisation.is_verified else [],
            "approver": approver,
            "awaiting_approval": orders_awaiting_approval(organisation) if approver else [],
            "roles_form": _roles_form(request, organisation) if organisation and organisation.is_verified else None,
        },
    )


def _roles_form(request, organisation, data=None):
    """The approvers and the threshold: set by an approver, or by any member while there is none."""
    if organisation.approvers.exists() and not is_approver(request.user, organisation):
        return None
    return OrganisationRolesForm(data, organisation=organisation)


@login_required
@require_POST
def organisation_roles(request):
    organisation = organisation_of(request.user)
    form = _roles_form(request, organisation, request.POST) if organisation and organisation.is_verified else None
    if form is None:
        raise Http404
    if form.is_valid():
        organisation_set_roles(
            organisation=organisation,
            approvers=form.cleaned_data["approvers"],
            threshold=form.cleaned_data["approval_threshold"],
        )
        messages.success(request, _("Roles saved."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("shop_organisation")


@login_required
@require_POST
def organisation_approval(request, number):
    """An approver confirms or refuses an order of a buyer of the organisation."""
    organisation = organisation_of(request.user)
    order = get_object_or_404(Order, number=number, checkout__organisation=organisation) if organisation else None
    if order is None:
        raise Http404
    try:
        decision = request.POST.get("decision")
        if decision == "approve":
            order_approve(order=order, user=request.user)
            messages.success(request, _("Order %(number)s approved.") % {"number": number})
        elif decision == "refuse":
            order_refuse(order=order, user=request.user)
            messages.success(request, _("Order %(number)s refused and cancelled.") % {"number": number})
        else:
            messages.error(request, _("Say whether you approve or refuse the order."))
    except AfterSaleRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    return redirect("shop_organisation")


@login_required
@require_GET
def organisation_attestation(request, year, seller):
    """The reuse attestation of a year's purchases from a member association (numbered PDF)."""
    organisation = organisation_of(request.user)
    if organisation is None or not organisation.is_verified:
        raise Http404
    member = get_object_or_404(Association, slug=seller)
    found = attestation_file(organisation=organisation, seller=member, year=year)
    if found is None:
        raise Http404
    return private_download(*found)
