from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from content.models import Partner, Subscriber


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "kind", "show_on_home", "sort_order"]
    list_filter = ["kind", "show_on_home"]
    search_fields = ["name"]


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = _("Circul'lettre")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["email", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    list_export = ["email", "get_status_display", "created_at", "confirmed_at", "unsubscribed_at", "unsubscribe_url"]
    export_headings = {"get_status_display": _("status")}
    export_filename = "circul-lettre-abonnes"
    ordering = ["-created_at"]


register_snippet(PartnerViewSet)
register_snippet(SubscriberViewSet)
