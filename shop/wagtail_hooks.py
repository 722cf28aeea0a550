from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class ShopDashboardMenuItem(MenuItem):
    """A link from the Wagtail back office to Oscar's dashboard, for staff who run the shop."""

    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_admin_menu_item")
def register_shop_dashboard_menu_item():
    return ShopDashboardMenuItem(_("Shop (orders)"), reverse("dashboard:index"), icon_name="pick", order=300)
