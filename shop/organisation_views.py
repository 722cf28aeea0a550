"""The buyer organisation's profile: what its members fill in before staff verify it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shop.forms import OrganisationForm
from shop.selectors import organisation_of
from shop.services.organisations import VERIFIED_FIELDS, organisation_save


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
    return render(request, "shop/organisation.html", {"form": form, "organisation": organisation, "quotes": quotes})
