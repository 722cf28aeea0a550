"""Forms of the rental portal and of its back office. They validate input; `rental.services` decides."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from rental import selectors
from rental.models import Application, TrainingProgramme
from rental.uploads import PROOF_UPLOAD

YES_NO = [("oui", _("Yes")), ("non", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EligibilityForm(forms.Form):
    """Three questions; all "yes" means the trainee can apply."""

    enrolled = forms.ChoiceField(
        label=_("Are you enrolled in (or accepted for) a training funded by the Région Bretagne?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    remote = forms.ChoiceField(
        label=_("Does your training include distance learning or work at home on a computer?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    equipped = forms.ChoiceField(
        label=_("Do you already have a computer of your own that works well enough for the training?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def is_eligible(self) -> bool:
        data = self.cleaned_data
        return data["enrolled"] == "oui" and data["remote"] == "oui" and data["equipped"] == "non"


class ProofField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Proof of enrolment"))
        kwargs.setdefault(
            "help_text",
            _("A certificate of enrolment or the training agreement: PDF, JPEG or PNG, 5 MB at most."),
        )
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            PROOF_UPLOAD(upload)
        return upload


class ApplicationForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )
    address = forms.CharField(
        label=_("Address"), max_length=250, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Give a French postcode of five digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    commune = forms.CharField(
        label=_("Commune"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    programme = forms.ModelChoiceField(
        label=_("Your training"),
        queryset=TrainingProgramme.objects.filter(is_open=True),
        required=False,
        empty_label=_("My training is not in the list: I describe it below"),
    )
    training_title = forms.CharField(label=_("Training title"), max_length=200, required=False)
    training_body = forms.CharField(label=_("Training body"), max_length=200, required=False)
    training_funder = forms.CharField(label=_("Funder"), max_length=200, required=False, initial="Région Bretagne")
    training_starts_on = forms.DateField(label=_("Training starts on"), required=False, widget=DateInput())
    training_ends_on = forms.DateField(label=_("Training ends on"), required=False, widget=DateInput())
    proof = ProofField()
    needs_webcam = forms.BooleanField(label=_("I need a webcam (video classes)"), required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a larger screen, a keyboard with big keys, a screen reader. Optional."),
    )
    pickup_association = forms.ModelChoiceField(
        label=_("Where will you pick up the computer?"),
        queryset=selectors.pickup_associations(),
        empty_label=_("Choose a member association"),
    )
    privacy_accepted = forms.BooleanField(
        label=_("I have read the data-protection notice above and agree that my data is used to handle my loan."),
    )

    DECLARED = ("training_title", "training_body", "training_starts_on", "training_ends_on")

    def clean(self):
        data = super().clean()
        if not data.get("programme"):
            for name in self.DECLARED:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required when your training is not in the list."))
        starts, ends = data.get("training_starts_on"), data.get("training_ends_on")
        if not data.get("programme") and starts and ends and ends < starts:
            self.add_error("training_ends_on", _("The training cannot end before it starts."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("privacy_accepted")
        proof = data.pop("proof")
        if data.get("programme"):
            for name in (*self.DECLARED, "training_funder"):
                data.pop(name, None)
        else:
            data.pop("programme")
        return {"proof": proof, **data}


class AnswerForm(forms.Form):
    message = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    proof = ProofField(label=_("A new document (optional)"), required=False)


PAYMENT_CHOICES_ALL = Application.PaymentMethod.choices


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("How will you pay?"), choices=PAYMENT_CHOICES_ALL, widget=forms.RadioSelect)
    card_token = forms.CharField(required=False, widget=forms.HiddenInput)
    iban = forms.CharField(
        label=_("IBAN (for direct debit)"),
        required=False,
        max_length=42,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mandate_accepted = forms.BooleanField(
        label=_("I accept the SEPA Direct Debit mandate below (for direct debit)."),
        required=False,
    )

    def __init__(self, *args, stripe_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not stripe_enabled:
            self.fields["method"].choices = [
                c for c in PAYMENT_CHOICES_ALL if c[0] == Application.PaymentMethod.COUNTER
            ]
            self.fields["method"].initial = Application.PaymentMethod.COUNTER  # the only way: nothing to choose
            del self.fields["iban"]
            del self.fields["mandate_accepted"]

    def clean(self):
        data = super().clean()
        if data.get("method") == Application.PaymentMethod.SEPA:
            iban = (data.get("iban") or "").replace(" ", "").upper()
            if not (14 <= len(iban) <= 34 and iban[:2].isalpha() and iban[2:].isalnum()):
                self.add_error("iban", _("Give a valid IBAN (FR76 …)."))
            data["iban"] = iban
            if not data.get("mandate_accepted"):
                self.add_error(
                    "mandate_accepted", _("To pay by direct debit, accept the mandate; or choose another way to pay.")
                )
        return data


class SignForm(PaymentForm):
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    accepted = forms.BooleanField(label=_("I have read the loan agreement and I accept it."))

    field_order = ["typed_name", "accepted", "method", "iban", "mandate_accepted", "card_token"]


# --- Back office ---------------------------------------------------------------------------------


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the trainee"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the trainee)"), widget=forms.Textarea(attrs={"rows": 3}))


class PickupForm(forms.Form):
    picked_up_on = forms.DateField(label=_("Picked up on"), required=False, widget=DateInput())


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), required=False, widget=DateInput())
    condition = forms.CharField(
        label=_("Condition check (device, charger, bag)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CounterPaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (€)"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=250)


TODO_CHOICES = [
    ("", _("All")),
    ("new", _("New applications")),
    ("answered", _("Answers from trainees")),
    ("to_sign", _("Approved, waiting for the signature")),
    ("pickup", _("Pickups to record")),
    ("returns_soon", _("Returns due in the next 7 days")),
    ("overdue", _("Overdue loans")),
    ("waitlisted", _("Waiting list")),
    ("transfer", _("Moves proposed, waiting for the trainee")),
]


class QueueFilterForm(forms.Form):
    """The queue's filters; `association` lists the officer's members (shown when there are several)."""

    todo = forms.ChoiceField(label=_("To do"), required=False, choices=TODO_CHOICES)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Application.Status.choices)
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=TrainingProgramme.objects.all())
    association = forms.ModelChoiceField(label=_("Member"), required=False, queryset=None)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput())
    submitted_to = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput())

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        if associations.count() < 2:
            del self.fields["association"]


class TransferForm(forms.Form):
    """An officer proposes to move an application to another member that lends laptops."""

    to_association = forms.ModelChoiceField(
        label=_("Member to move the application to"),
        queryset=None,
        empty_label=_("Choose a member association"),
    )
    message = forms.CharField(
        label=_("Message to the trainee"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Why this member: nearer, or a computer free sooner. Nothing moves until the trainee accepts."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_association"].queryset = selectors.rental_members().exclude(
            pk=application.pickup_association_id
        )


# --- The trainee's own changes -------------------------------------------------------------------


class PickupChangeForm(forms.Form):
    pickup_association = forms.ModelChoiceField(
        label=_("Where will you pick up the computer?"),
        queryset=None,
        empty_label=_("Choose a member association"),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_association"].queryset = selectors.pickup_associations().exclude(
            pk=application.pickup_association_id
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It helps the association; you can leave it empty."),
    )


class TransferAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
