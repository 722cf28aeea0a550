"""The "Network" entry of the Wagtail admin, for the network coordinators only."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.utils.urlpatterns import decorate_urlpatterns

from devices.scoping import is_coordinator
from network import views
from reemploi.permissions import forbidden_as_403


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_admin_urls")
def register_network_urls():
    return decorate_urlpatterns([path("reseau/", views.dashboard, name="network_dashboard")], forbidden_as_403)


@hooks.register("register_admin_menu_item")
def register_network_menu_item():
    return CoordinatorMenuItem(_("Network"), reverse("network_dashboard"), icon_name="site", order=140)
