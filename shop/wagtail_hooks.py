"""The shop's back office in the Wagtail admin: its pages under `/admin/boutique/` (URL names `shop_admin:…`)
and the "Shop" menu, which also links Oscar's dashboard (catalogue and reports) for the network coordinators.

Every page answers 403 to a user without `shop.manage_orders` (`reemploi.permissions.forbidden_as_403`), and
shows a shop counter their own members' objects only (`shop.admin_views`).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.utils.urlpatterns import decorate_urlpatterns

from reemploi.permissions import forbidden_as_403
from shop import admin_views
from shop.admin_views import MANAGE_PERMISSION
from shop.dashboard.access import dashboard_allowed


class ShopAdminViewSet(ViewSet):
    """Orders and their steps, withdrawals, buyer organisations and quotes (menu: `register_shop_menu`)."""

    name = "shop_admin"
    url_prefix = "boutique"

    def get_urlpatterns(self):
        patterns = [
            path("", admin_views.home, name="home"),
            path("commandes/", admin_views.orders, name="orders"),
            path("commandes/<str:number>/", admin_views.order, name="order"),
            *(step.urlpattern("commandes/") for step in admin_views.ORDER_STEPS),
            path("commandes/<str:number>/factures/<int:pk>/", admin_views.invoice_download, name="invoice"),
            path("factures/", admin_views.invoices, name="invoices"),
            path("attestations/", admin_views.attestations, name="attestations"),
            path(
                "attestations/<int:organisation>/<int:year>/<slug:seller>/",
                admin_views.attestation_download,
                name="attestation",
            ),
            path("retractations/", admin_views.withdrawals, name="withdrawals"),
            path("bons-solidaires/", admin_views.voucher_check, name="voucher_check"),
            path("organisations/", admin_views.organisations, name="organisations"),
            admin_views.OrganisationVerifyView.urlpattern("organisations/"),
            path("devis/", admin_views.quotes, name="quotes"),
            admin_views.QuoteAnswerView.urlpattern("devis/"),
            path("devis/<int:pk>/bon-de-commande/", admin_views.quote_signed_order, name="quote_signed_order"),
        ]
        return decorate_urlpatterns(patterns, forbidden_as_403)


@hooks.register("register_admin_viewset")
def register_shop_viewset():
    return ShopAdminViewSet()


class ShopMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)


class ShopDashboardMenuItem(MenuItem):
    """Oscar's dashboard (catalogue, partners, reports): the network coordinators' only."""

    def is_shown(self, request):
        return dashboard_allowed(request.user)


class ShopSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION) or dashboard_allowed(request.user)


@hooks.register("register_admin_menu_item")
def register_shop_menu():
    items = [
        ShopMenuItem(_("Today"), reverse("shop_admin:home"), icon_name="date", order=5),
        ShopMenuItem(_("Orders"), reverse("shop_admin:orders"), icon_name="list-ul", order=10),
        ShopMenuItem(_("Invoices"), reverse("shop_admin:invoices"), icon_name="doc-full-inverse", order=15),
        ShopMenuItem(_("Withdrawals"), reverse("shop_admin:withdrawals"), icon_name="undo", order=20),
        ShopMenuItem(_("Buyer organisations"), reverse("shop_admin:organisations"), icon_name="group", order=30),
        ShopMenuItem(_("Quotes"), reverse("shop_admin:quotes"), icon_name="doc-full", order=40),
        ShopMenuItem(_("Reuse attestations"), reverse("shop_admin:attestations"), icon_name="tick", order=45),
        ShopMenuItem(_("Check a solidarity voucher"), reverse("shop_admin:voucher_check"), icon_name="tag", order=47),
        ShopDashboardMenuItem(
            _("Catalogue and reports (Oscar)"), reverse("dashboard:index"), icon_name="pick", order=50
        ),
    ]
    return ShopSubmenu(_("Shop"), Menu(items=items), icon_name="pick", name="shop", order=300)
