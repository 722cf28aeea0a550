from oscar.apps.dashboard.catalogue.forms import ProductForm as OscarProductForm

from shop.wording import validate_listing_wording


class ProductForm(OscarProductForm):
    """Oscar's product form, refusing the wording the law bans for refurbished goods."""

    def clean_title(self):
        title = self.cleaned_data.get("title", "")
        validate_listing_wording(title)
        return title

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        validate_listing_wording(description)
        return description
