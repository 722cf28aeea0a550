"""Forms of the programme steps on the device page and of the relay partners' portal."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devices.forms import ActionForm, PastDateField
from devices.models import AgeBracket, BeneficiaryCategory, territory_validator
from programmes import selectors, services
from programmes.models import Allocation, AllocationRule, Programme, RelayPartner, SolidarityVoucher

EMPTY_CHOICE = [("", "---------")]


class ProgrammesSelect(forms.Select):
    """Each option says which programmes it belongs to (`programmes_of`: option value → programme pks): the page
    keeps only those of the chosen programme (`static/js/option_filter.js`; the form and the service check the
    pair again)."""

    def __init__(self, *args, programmes_of: dict | None = None, **kwargs):
        self.programmes_of = {str(key): pks for key, pks in (programmes_of or {}).items()}
        super().__init__(*args, **kwargs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = str(getattr(value, "value", value) or "")  # a model choice's value wraps the primary key
        if key:
            option["attrs"]["data-programmes"] = " ".join(str(pk) for pk in self.programmes_of.get(key, []))
        return option


class AllocateForm(ActionForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    partner = forms.ModelChoiceField(
        label=_("Relay partner"),
        queryset=RelayPartner.objects.none(),
        help_text=_("Only the partners of the chosen programme."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = list(services.programmes_for_device(self.device)) if self.device else []
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
        self.fields["programme"].widget.attrs["data-filters"] = f"{self.add_prefix('partner')}"
        served: dict[int, list[int]] = {}
        for programme in programmes:
            for partner in programme.partners.all():
                served.setdefault(partner.pk, []).append(programme.pk)
        self.fields["partner"].widget = ProgrammesSelect(programmes_of=served)
        self.fields["partner"].queryset = RelayPartner.objects.filter(pk__in=served)  # sets the widget's choices

    def clean(self):
        cleaned = super().clean()
        programme, partner = cleaned.get("programme"), cleaned.get("partner")
        if programme and partner and not programme.partners.filter(pk=partner.pk).exists():
            self.add_error("partner", _("%(partner)s is not a relay partner of this programme.") % {"partner": partner})
        return cleaned


class ProgrammeDonateForm(ActionForm):
    """A donation made by the member itself, within a programme: no category is chosen for the user, and
    only the programme's categories are offered."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    beneficiary_category = forms.ChoiceField(label=_("Beneficiary category"), choices=EMPTY_CHOICE)
    territory = forms.CharField(
        label=_("Territory"),
        max_length=5,
        help_text=_("Département code (35, 2A, 974) or commune INSEE code (35238). No personal data."),
    )
    occurred_at = PastDateField(label=_("Date"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = list(services.programmes_for_device(self.device)) if self.device else []
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
        self.fields["programme"].widget.attrs["data-filters"] = f"{self.add_prefix('beneficiary_category')}"
        offered: dict[str, list[int]] = {}
        for programme in programmes:
            for value in programme.categories:
                offered.setdefault(value, []).append(programme.pk)
        labels = dict(BeneficiaryCategory.choices)
        field = self.fields["beneficiary_category"]
        field.choices = EMPTY_CHOICE + [
            (value, labels[value]) for value in BeneficiaryCategory.values if value in offered
        ]
        field.widget = ProgrammesSelect(choices=field.choices, programmes_of=offered)

    def clean_territory(self):
        territory = self.cleaned_data["territory"].strip().upper()
        territory_validator(territory)
        return territory

    def clean(self):
        cleaned = super().clean()
        programme, category = cleaned.get("programme"), cleaned.get("beneficiary_category")
        if programme and category and category not in programme.categories:
            self.add_error("beneficiary_category", _("Choose one of the programme's beneficiary categories."))
        return cleaned

    def service_kwargs(self) -> dict:
        return {**self.cleaned_data, "programme": self.cleaned_data["programme"].name}


class ChannelForm(ActionForm):
    """The channel the member's rules propose, to follow or to change with a reason."""

    chosen = forms.ChoiceField(label=_("Channel"), choices=AllocationRule.Channel.choices)
    reason = forms.CharField(
        label=_("Reason, if you choose another channel"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = selectors.channel_proposed(self.device) if self.device else None
        if self.proposal:
            self.fields["chosen"].initial = self.proposal.channel
            self.fields["chosen"].help_text = _("Proposed by your rules (line %(position)s): %(label)s.") % {
                "position": self.proposal.rule.position,
                "label": self.proposal.label,
            }
        else:
            self.fields["chosen"].help_text = _("No line of your rules fits this device: choose its channel.")


# --- The relay partners' portal --------------------------------------------------------------------------


class HandOverForm(forms.Form):
    handed_over_on = forms.DateField(
        label=_("Date of the hand-over"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    beneficiary_category = forms.ChoiceField(label=_("Beneficiary category"))
    age_bracket = forms.ChoiceField(label=_("Age bracket"), choices=EMPTY_CHOICE + list(AgeBracket.choices))
    territory = forms.CharField(
        label=_("Where the beneficiary lives"),
        max_length=5,
        help_text=_("Département code (35) or commune INSEE code (35236): never an address."),
    )
    situation = forms.ChoiceField(label=_("Situation"), required=False)
    partner_reference = forms.CharField(
        label=_("Your own reference (optional)"),
        max_length=50,
        required=False,
        help_text=_("A file number of yours if you keep one: never the beneficiary's name."),
    )

    def __init__(self, *args, allocation: Allocation, **kwargs):
        super().__init__(*args, **kwargs)
        programme = allocation.programme
        self.fields["beneficiary_category"].choices = EMPTY_CHOICE + programme.category_choices()
        situations = programme.situation_list()
        if situations:
            self.fields["situation"].choices = EMPTY_CHOICE + [(s, s) for s in situations]
            self.fields["situation"].required = True
        else:
            del self.fields["situation"]
        if allocation.partner.territory and not self.is_bound:
            self.fields["territory"].initial = allocation.partner.territory

    def clean_territory(self):
        territory = self.cleaned_data["territory"].strip().upper()
        territory_validator(territory)
        return territory


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Allocation.ReturnCondition.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoucherIssueForm(forms.Form):
    holder_category = forms.ChoiceField(label=_("Category of the person"))
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(BeneficiaryCategory.choices)
        self.fields["holder_category"].choices = EMPTY_CHOICE + [
            (value, labels[value]) for value in SolidarityVoucher.HOLDER_CATEGORIES
        ]
        if len(partners) > 1:
            self.fields["partner"] = forms.ModelChoiceField(
                label=_("Issued by"), queryset=RelayPartner.objects.filter(pk__in=[p.pk for p in partners])
            )
        if not self.is_bound:
            self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=60)
