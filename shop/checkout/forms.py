from django import forms
from oscar.apps.checkout.forms import GatewayForm as OscarGatewayForm


class GatewayForm(OscarGatewayForm):
    """Checkout as a guest or create an account; returning customers sign in through allauth.

    Oscar's gateway checks passwords itself, outside allauth's rate limits and e-mail verification, so
    its "returning customer" option is removed and the page links to the platform's login instead.
    """

    options = forms.ChoiceField(
        widget=forms.widgets.RadioSelect, choices=OscarGatewayForm.CHOICES[:2], initial=OscarGatewayForm.GUEST
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("password", None)
