"""Forms of the shop: the buyer's (checkout, withdrawal, organisation profile, quote request) and one per step
of the back office (payment reference, device scan, status, quote answer…)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from devices.models import Association, Device
from payments import stripe_api
from reemploi.money import euros
from reemploi.uploads import MB, PDF, UploadCheck
from reemploi.validators import postcode_normalize, siret_normalize, validate_french_postcode, validate_siret
from shop.models import Checkout, Invoice, OrderStatus, Organisation


class PickupPlaceField(forms.ModelChoiceField):
    """A workshop to collect the order from, shown with its member's name, address and opening hours, read
    from the member association (never typed anywhere else)."""

    def label_from_instance(self, partner):
        workshop = getattr(partner, "workshop", None)
        if workshop is None:
            return partner.name
        association = workshop.association
        address = format_html_join("", "<br>{}", ((line,) for line in association.address_lines()))
        hours = association.opening_hours_lines()
        opening = (
            format_html(
                '<br><span class="pickup-place__hours">{} {}</span>',
                _("Opening hours:"),
                format_html_join(" ; ", "{}", ((line,) for line in hours)),
            )
            if hours
            else ""
        )
        return format_html(
            '<span class="pickup-place"><strong>{}</strong>{}{}</span>', association.name, address, opening
        )


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), help_text=_("For the order confirmation and the invoice."))
    fulfilment = forms.ChoiceField(label=_("How do you want to receive your order?"), widget=forms.RadioSelect)
    pickup_partner = PickupPlaceField(
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
        can_pick_up = pickup_partners.exists()
        fulfilment = []
        if can_pick_up:
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
        if can_pick_up:
            methods.append((Checkout.Method.AT_PICKUP, _("Payment at pickup (card, cash or cheque at the counter)")))
        if organisation is not None:
            methods.append((Checkout.Method.TRANSFER, Checkout.Method.TRANSFER.label))
            if organisation.public_buyer:
                methods.append((Checkout.Method.MANDATE, Checkout.Method.MANDATE.label))
        else:
            # A private buyer has no purchase order nor Chorus Pro service code.
            del self.fields["purchase_order"], self.fields["service_code"]
        if organisation is not None and not organisation.public_buyer:
            del self.fields["service_code"]
        self.fields["method"].choices = methods
        if len(methods) == 1:
            self.fields["method"].initial = methods[0][0]
        if len(fulfilment) == 1:
            self.fields["fulfilment"].initial = fulfilment[0][0]
        # Nothing to pay with for this basket (home delivery only, card payment switched off): the page says
        # so before the form, which is not shown.
        self.unavailable = not methods

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
        if data.get("method") == Checkout.Method.AT_PICKUP and data.get("fulfilment") != Checkout.Fulfilment.PICKUP:
            self.add_error("method", _("Payment at pickup is for orders collected at an association: choose pickup."))
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


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.email


class OrganisationRolesForm(forms.Form):
    approvers = MemberChoiceField(
        label=_("Approvers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every member buys; an approver also confirms the others' orders above the threshold."),
    )
    approval_threshold = forms.DecimalField(
        label=_("Approval needed above (€)"),
        min_value=Decimal("0.00"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        required=False,
        help_text=_("Empty: no approval needed."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = organisation.members.order_by("email")
        self.fields["approvers"].initial = list(organisation.approvers.values_list("pk", flat=True))
        self.fields["approval_threshold"].initial = organisation.approval_threshold

    def clean(self):
        data = super().clean()
        if data.get("approval_threshold") is not None and not data.get("approvers"):
            self.add_error("approvers", _("Name at least one approver: above the threshold, orders wait for one."))
        return data


class QuoteRequestForm(forms.Form):
    wished_date = forms.DateField(
        label=_("Wished delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a date, e.g. 15/03/2027.")},
    )
    fulfilment = forms.ChoiceField(
        label=_("Receiving"), choices=Checkout.Fulfilment.choices, initial=Checkout.Fulfilment.DELIVERY, required=False
    )
    preferred_member = forms.ModelChoiceField(
        label=_("Member association preferred (pickup or delivery)"),
        queryset=Association.objects.filter(offers_sale=True),
        required=False,
        empty_label=_("The nearest one that can serve it"),
    )
    message = forms.CharField(
        label=_("Anything else"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("Software, keyboard layout, delivery constraints… anything that helps us answer."),
    )

    def clean_fulfilment(self):
        return self.cleaned_data["fulfilment"] or Checkout.Fulfilment.DELIVERY

    def clean_wished_date(self):
        wished = self.cleaned_data["wished_date"]
        if wished and wished < timezone.localdate():
            raise forms.ValidationError(_("The wished date is in the past."))
        return wished


class QuoteLineForm(forms.Form):
    """One configuration the organisation needs, whatever today's stock."""

    category = forms.ChoiceField(
        label=_("Kind of device"), choices=[("", "—"), *Device.Category.choices], required=False
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=500, required=False, widget=forms.NumberInput(attrs={"min": 1})
    )
    min_ram_gb = forms.IntegerField(label=_("Memory at least (GB)"), min_value=1, max_value=256, required=False)
    min_storage_gb = forms.IntegerField(label=_("Storage at least (GB)"), min_value=1, max_value=20000, required=False)
    min_grade = forms.ChoiceField(
        label=_("Grade at least"), choices=[("", _("any grade")), *Device.Grade.choices], required=False
    )
    note = forms.CharField(label=_("Details"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if data.get("category") and not data.get("quantity"):
            self.add_error("quantity", _("Say how many you need."))
        if data.get("quantity") and not data.get("category"):
            self.add_error("category", _("Say which kind of device."))
        return data


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=3, max_num=10, validate_max=True)


class QuoteAcceptForm(forms.Form):
    """The buyer accepts an answered quote: how the organisation pays, its engagement or purchase order, and
    the signed order if it has one."""

    method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (Checkout.Method.TRANSFER, Checkout.Method.TRANSFER.label),
            (Checkout.Method.MANDATE, Checkout.Method.MANDATE.label),
        ],
        widget=forms.RadioSelect,
    )
    purchase_order = forms.CharField(label=_("Engagement or purchase order number"), max_length=60)
    service_code = forms.CharField(
        label=_("Service code (Chorus Pro)"), max_length=60, required=False, help_text=_("For public buyers.")
    )
    signed_order = forms.FileField(
        label=_("Signed purchase order (PDF, optional)"),
        required=False,
        validators=[UploadCheck(PDF, max_bytes=10 * MB)],
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation.public_buyer:
            self.fields["method"].initial = Checkout.Method.MANDATE
            self.fields["service_code"].required = True
        else:
            self.fields["method"].initial = Checkout.Method.TRANSFER


# --- Back office: one form per step (`shop.admin_views`) ---------------------------------------------------

# The statuses staff set by hand; "paid" comes from a payment, "withdrawn" from the buyer.
STAFF_STATUSES = (OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED, OrderStatus.HANDED_OVER, OrderStatus.CANCELLED)
QUOTE_DEFAULT_VALID_DAYS = 30


class OrderStepForm(forms.Form):
    """A step on one order: the form knows the order (for its lines or its next statuses)."""

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order


class OrderPaymentForm(OrderStepForm):
    """A transfer or mandate arrived (its reference), or the buyer paid at the counter (how, and a reference
    such as the cheque's number if any)."""

    means = forms.ChoiceField(
        label=_("Paid at the counter by"),
        choices=[],
        widget=forms.RadioSelect(attrs={"id": "payment-means"}),
    )
    reference = forms.CharField(
        label=_("Transfer or mandate reference"),
        max_length=128,
        widget=forms.TextInput(attrs={"id": "payment-reference"}),
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        record = getattr(order, "checkout", None)
        if record is not None and record.method == Checkout.Method.AT_PICKUP:
            self.fields["means"].choices = Checkout.CounterMeans.choices
            self.fields["reference"].required = False
            self.fields["reference"].label = _("Reference (cheque number, terminal receipt…), optional")
        else:
            del self.fields["means"]


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, line):
        return line.title


class OrderBindDeviceForm(OrderStepForm):
    line = LineChoiceField(
        label=_("Line"), queryset=None, empty_label=None, widget=forms.Select(attrs={"id": "bind-line"})
    )
    asset_tag = forms.CharField(
        label=_("Asset tag"),
        max_length=40,
        widget=forms.TextInput(attrs={"id": "bind-tag", "autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args, order, lines=None, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        # The page offers the lines of the counter's own workshops (`shop.selectors.counter_lines`); the step
        # checks it again for what is posted.
        self.fields["line"].queryset = order.lines.all() if lines is None else lines


class OrderStatusForm(OrderStepForm):
    """The page offers the statuses the order may take next, one button each; the service checks the pipeline."""

    status = forms.ChoiceField(label=_("Status"), choices=[(status, status) for status in STAFF_STATUSES])
    carrier = forms.ChoiceField(
        label=_("Carrier"), choices=[("", "—"), *Checkout.Carrier.choices], required=False, widget=forms.Select
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40, required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        self.next_statuses = [status for status in order.available_statuses() if status in STAFF_STATUSES]
        self.ships = OrderStatus.SHIPPED in self.next_statuses

    def clean(self):
        data = super().clean()
        if data.get("status") == OrderStatus.SHIPPED:
            if not data.get("carrier"):
                self.add_error("carrier", _("Say which carrier takes the parcel."))
            if not (data.get("tracking_number") or "").strip():
                self.add_error("tracking_number", _("Give the parcel's tracking number: the buyer follows it."))
        return data


class InvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, invoice):
        return f"{invoice.number} – {euros(invoice.total)}"


class InvoiceCorrectionForm(OrderStepForm):
    """A price correction: which invoice, how much is credited, and why (written on the credit note)."""

    invoice = InvoiceChoiceField(
        label=_("Invoice"), queryset=None, empty_label=None, widget=forms.Select(attrs={"id": "correct-invoice"})
    )
    amount = forms.DecimalField(
        label=_("Amount credited (€)"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"id": "correct-amount", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reason (on the credit note)"), max_length=255, widget=forms.TextInput(attrs={"id": "correct-reason"})
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, order=order, **kwargs)
        self.fields["invoice"].queryset = order.invoices.filter(kind=Invoice.Kind.INVOICE)


class OrderRefundForm(OrderStepForm):
    """Nothing to fill in: the withdrawn order is refunded in full."""


class OrganisationVerifyForm(forms.Form):
    """Nothing to fill in: staff checked the SIRET in the public directory."""


class QuoteAnswerForm(forms.Form):
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        required=False,
        initial=QUOTE_DEFAULT_VALID_DAYS,
        widget=forms.NumberInput(attrs={"min": 1, "max": 365}),
        error_messages={"invalid": _("Give the validity in days.")},
    )
    note = forms.CharField(label=_("Note to the buyer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Offered when the counter works for several members (the page narrows it to theirs); the step checks it.
    # The member that answers is the one that sells.
    association = forms.ModelChoiceField(
        label=_("Answered by (the member that sells)"),
        queryset=Association.objects.all(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, quote=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote_lines = []
        for line in quote.lines.select_related("product__listing") if quote is not None else []:
            catalogue = line.product.listing.price if line.product_id and hasattr(line.product, "listing") else None
            self.fields[f"price_{line.pk}"] = forms.DecimalField(
                label=_("Unit price (€) – %(line)s") % {"line": line.description},
                min_value=Decimal("0.00"),
                max_digits=8,
                decimal_places=2,
                localize=True,
                required=catalogue is None,
                initial=catalogue,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )
            self.fields[f"lead_{line.pk}"] = forms.IntegerField(
                label=_("Lead time (days) – %(line)s") % {"line": line.description},
                min_value=0,
                max_value=365,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": 365}),
            )
            self.quote_lines.append((line, self[f"price_{line.pk}"], self[f"lead_{line.pk}"]))

    def prices(self) -> dict:
        data = self.cleaned_data
        return {
            line.pk: (data.get(f"price_{line.pk}"), data.get(f"lead_{line.pk}")) for line, _p, _l in self.quote_lines
        }

    def clean_valid_days(self) -> int:
        """Empty means the usual 30 days; a validity is kept between one day and a year."""
        days = self.cleaned_data["valid_days"]
        return QUOTE_DEFAULT_VALID_DAYS if days is None else max(1, min(days, 365))
