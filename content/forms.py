from django import forms
from django.utils.translation import gettext_lazy as _


class NewsletterForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    consent = forms.BooleanField(
        label=_("I agree to receive the Circul'lettre, four times a year. I can unsubscribe at any time."),
        error_messages={"required": _("Please tick the box to confirm your subscription request.")},
    )
