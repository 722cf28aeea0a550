"""The "Shop" menu of the Wagtail admin: Réemploi's order pages, and a link to Oscar's dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from reemploi.permissions import forbidden_as_403
from shop import admin_views
from shop.admin_views import MANAGE_PERMISSION


class ShopMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)


class ShopDashboardMenuItem(MenuItem):
    """Oscar's dashboard (catalogue, partners, reports) for staff who run the shop."""

    def is_shown(self, request):
        return request.user.is_staff


class ShopSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION) or request.user.is_staff


@hooks.register("register_admin_urls")
def register_shop_admin_urls():
    views = [
        path("boutique/commandes/", admin_views.orders, name="shop_admin_orders"),
        path("boutique/commandes/<str:number>/", admin_views.order, name="shop_admin_order"),
        path("boutique/commandes/<str:number>/paiement/", admin_views.order_record_payment, name="shop_admin_payment"),
        path("boutique/commandes/<str:number>/appareil/", admin_views.order_bind_device, name="shop_admin_bind"),
        path("boutique/commandes/<str:number>/statut/", admin_views.order_set_status, name="shop_admin_status"),
        path("boutique/commandes/<str:number>/remboursement/", admin_views.order_refund, name="shop_admin_refund"),
        path("boutique/retractations/", admin_views.withdrawals, name="shop_admin_withdrawals"),
        path("boutique/organisations/", admin_views.organisations, name="shop_admin_organisations"),
        path(
            "boutique/organisations/<int:pk>/verifier/",
            admin_views.organisation_verify,
            name="shop_admin_organisation_verify",
        ),
        path("boutique/devis/", admin_views.quotes, name="shop_admin_quotes"),
        path("boutique/devis/<int:pk>/repondre/", admin_views.quote_answer, name="shop_admin_quote_answer"),
    ]
    return [path(p.pattern._route, forbidden_as_403(p.callback), name=p.name) for p in views]


@hooks.register("register_admin_menu_item")
def register_shop_menu():
    items = [
        ShopMenuItem(_("Orders"), reverse("shop_admin_orders"), icon_name="list-ul", order=10),
        ShopMenuItem(_("Withdrawals"), reverse("shop_admin_withdrawals"), icon_name="undo", order=20),
        ShopMenuItem(_("Buyer organisations"), reverse("shop_admin_organisations"), icon_name="group", order=30),
        ShopMenuItem(_("Quotes"), reverse("shop_admin_quotes"), icon_name="doc-full", order=40),
        ShopDashboardMenuItem(
            _("Catalogue and reports (Oscar)"), reverse("dashboard:index"), icon_name="pick", order=50
        ),
    ]
    return ShopSubmenu(_("Shop"), Menu(items=items), icon_name="pick", name="shop", order=300)
