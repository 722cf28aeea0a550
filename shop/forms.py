"""Buyer-facing forms of the shop: checkout, withdrawal, organisation profile, quote request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from payments import stripe_api
from reemploi.money import euros
from shop.models import Checkout, Organisation
from shop.validators import postcode_normalize, siret_normalize, validate_french_postcode, validate_siret


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), help_text=_("For the order confirmation and the invoice."))
    fulfilment = forms.ChoiceField(label=_("How do you want to receive your order?"), widget=forms.RadioSelect)
    pickup_partner = forms.ModelChoiceField(
        label=_("Pickup association"), queryset=None, required=False, empty_label=None, widget=forms.RadioSelect
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    line1 = forms.CharField(label=_("Address"), max_length=255, required=False)
    line2 = forms.CharField(label=_("Address (continued)"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone (for the carrier)"), max_length=30, required=False)
    method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    purchase_order = forms.CharField(label=_("Purchase order number"), max_length=60, required=False)
    service_code = forms.CharField(
        label=_("Service code (Chorus Pro)"), max_length=60, required=False, help_text=_("For public buyers.")
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of sale, including the withdrawal right.")
    )

    def __init__(self, *args, pickup_partners, delivery_rate, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["pickup_partner"].queryset = pickup_partners
        fulfilment = []
        if pickup_partners.exists():
            fulfilment.append((Checkout.Fulfilment.PICKUP, _("Pickup at the association (free)")))
        fulfilment.append(
            (
                Checkout.Fulfilment.DELIVERY,
                _("Home delivery (%(rate)s)") % {"rate": euros(delivery_rate)},
            )
        )
        self.fields["fulfilment"].choices = fulfilment
        methods = []
        if stripe_api.enabled():
            methods.append((Checkout.Method.CARD, Checkout.Method.CARD.label))
        if organisation is not None:
            methods.append((Checkout.Method.TRANSFER, Checkout.Method.TRANSFER.label))
            if organisation.public_buyer:
                methods.append((Checkout.Method.MANDATE, Checkout.Method.MANDATE.label))
        self.fields["method"].choices = methods
        if len(methods) == 1:
            self.fields["method"].initial = methods[0][0]
        if len(fulfilment) == 1:
            self.fields["fulfilment"].initial = fulfilment[0][0]

    def clean_postcode(self):
        return postcode_normalize(self.cleaned_data.get("postcode", ""))

    def clean(self):
        data = super().clean()
        if data.get("fulfilment") == Checkout.Fulfilment.PICKUP and not data.get("pickup_partner"):
            self.add_error("pickup_partner", _("Choose where you will collect your order."))
        if data.get("fulfilment") == Checkout.Fulfilment.DELIVERY:
            for name in ("line1", "postcode", "city"):
                if not data.get(name):
                    self.add_error(name, _("Needed for home delivery."))
        if data.get("postcode"):
            try:
                validate_french_postcode(data["postcode"])
            except forms.ValidationError as error:
                self.add_error("postcode", error)
        if data.get("method") in (Checkout.Method.TRANSFER, Checkout.Method.MANDATE) and not data.get("purchase_order"):
            self.add_error("purchase_order", _("Give the purchase order number of your organisation."))
        if data.get("method") == Checkout.Method.MANDATE and not data.get("service_code"):
            self.add_error("service_code", _("Public buyers give the service code that will certify the invoice."))
        if not self.fields["method"].choices:
            raise forms.ValidationError(_("No payment method is available at the moment: please contact us."))
        return data

    def address(self) -> dict:
        keys = ("first_name", "last_name", "line1", "line2", "postcode", "city", "phone")
        return {key: self.cleaned_data.get(key, "") for key in keys}


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    confirm = forms.BooleanField(label=_("I withdraw from this purchase."))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "siret",
            "billing_line1",
            "billing_line2",
            "billing_postcode",
            "billing_city",
            "billing_email",
            "public_buyer",
        ]

    def clean_siret(self):
        siret = siret_normalize(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret

    def clean_billing_postcode(self):
        postcode = postcode_normalize(self.cleaned_data["billing_postcode"])
        validate_french_postcode(postcode)
        return postcode


class QuoteRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Your needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("Delivery date, configuration, anything that helps us answer."),
    )
