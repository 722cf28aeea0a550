from django.utils.translation import gettext as _
from oscar.apps.basket import forms


class BasketLineForm(forms.BasketLineForm):
    """Oscar's line form, with a quantity field that names its product (Oscar's template shows no label)."""

    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        if self.instance.id:
            self.fields["quantity"].widget.attrs["aria-label"] = _("Quantity of %(product)s") % {
                "product": self.instance.product.get_title()
            }
