"""The "Programmes" menu of the Wagtail admin, and the programme steps of the workshop's device page.

Programmes and relay partners are the network coordinators' (model permissions given by the migration
`0002_coordinators_permissions`); the listing of programmes shows each quota's fill rate. A workshop sees the
allocations of its own members only.
"""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from devices.forms import UserEmailsField
from devices.models import BeneficiaryCategory
from devices.wagtail_hooks import ListingOnlyMixin, MemberScopedViewSet, RegistryViewSet
from programmes import admin_views, selectors, vouchers
from programmes.models import Allocation, AllocationRule, Programme, RelayPartner, SolidarityPrice


@hooks.register("register_device_steps")
def register_device_steps():
    return admin_views.DEVICE_STEPS


@hooks.register("donor_portal_sections")
def donor_programmes_section(request, donors):
    """The programmes the donor gives to or funds, on the donor portal's home, each with its figures."""
    programmes = list(selectors.programmes_with_fill(selectors.donor_programmes(request.user)))
    if not programmes:
        return ""
    return render_to_string("programmes/_donor_programmes.html", {"programmes": programmes}, request=request)


class ProgrammeForm(WagtailAdminModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Eligible beneficiary categories"),
        choices=BeneficiaryCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = "__all__"


class RelayPartnerForm(WagtailAdminModelForm):
    users = UserEmailsField(
        label=_("Staff accounts"),
        required=False,
        help_text=_(
            "E-mail addresses of the partner's people who use the relay portal (/relais/), one per line. "
            "Each must already have an account."
        ),
    )

    class Meta:
        model = RelayPartner
        fields = ["name", "slug", "kind", "territory", "email", "users"]


class ProgrammeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.programmes_with_fill(super().get_base_queryset())


def _fill(programme) -> str:
    if not programme.quota:
        return f"{programme.in_quota}"
    return f"{programme.in_quota} / {programme.quota} ({round(100 * programme.in_quota / programme.quota)} %)"


class ProgrammeViewSet(RegistryViewSet):
    model = Programme
    name = "donation_programmes"
    url_prefix = "programmes"
    icon = "gift"
    menu_label = _("Donation programmes")
    index_view_class = ProgrammeIndexView
    list_display = [
        "name",
        "starts_on",
        "ends_on",
        Column("fill", label=_("Quota used"), accessor=_fill),
        Column("handed_over", label=_("Handed over"), sort_key="handed_over"),
        Column("pending", label=_("Pending at partners"), sort_key="pending"),
    ]
    search_fields = ["name", "territory"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
            FieldPanel("story"),
            MultiFieldPanel(
                [FieldPanel("donors"), FieldPanel("funder"), FieldPanel("members"), FieldPanel("partners")],
                heading=_("Who"),
            ),
            MultiFieldPanel(
                [FieldPanel("categories"), FieldPanel("situations"), FieldPanel("territory")],
                heading=_("For whom"),
            ),
            FieldRowPanel([FieldPanel("quota"), FieldPanel("starts_on"), FieldPanel("ends_on")]),
            MultiFieldPanel(
                [
                    FieldPanel("receipt_terms"),
                    FieldPanel("loan_to_own"),
                    FieldPanel("loan_terms"),
                    FieldPanel("reminder_days"),
                ],
                heading=_("Hand-over"),
            ),
        ],
        base_form_class=ProgrammeForm,
    )


class RelayPartnerViewSet(RegistryViewSet):
    model = RelayPartner
    name = "relay_partners"
    url_prefix = "programmes/partenaires"
    icon = "group"
    menu_label = _("Relay partners")
    list_display = ["name", "kind", "territory", "email"]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("territory")]),
            FieldPanel("email"),
            FieldPanel("users"),
        ],
        base_form_class=RelayPartnerForm,
    )


class AllocationViewSet(ListingOnlyMixin, MemberScopedViewSet):
    """The allocations of the user's own members (every member's for a coordinator): read only, the steps
    are the device page's and the relay portal's."""

    model = Allocation
    name = "allocations"
    url_prefix = "programmes/attributions"
    icon = "list-ul"
    menu_label = _("Allocations")
    list_display = ["device", "programme", "partner", "association", "status", "allocated_at", "handed_over_on"]
    list_filter = ["status", "programme", "partner"]
    search_fields = ["device__asset_tag"]
    search_backend_name = None


class AllocationRuleViewSet(MemberScopedViewSet):
    """Each member's order of channels for its ready devices, set by its workshop (every member's by a
    coordinator)."""

    model = AllocationRule
    name = "allocation_rules"
    url_prefix = "programmes/regles"
    icon = "list-ol"
    menu_label = _("Allocation rules")
    list_display = ["association", "position", "channel", "programme", "category", "min_grade", "rental_minimum"]
    list_filter = ["association", "channel"]
    search_backend_name = None
    ordering = ["association", "position"]
    panels = [
        FieldPanel("association"),
        FieldRowPanel([FieldPanel("position"), FieldPanel("channel")]),
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("min_grade")]),
        FieldPanel("rental_minimum"),
    ]


class SolidarityPriceForm(WagtailAdminModelForm):
    class Meta:
        model = SolidarityPrice
        fields = ["category", "max_price"]

    def save(self, commit=True):
        # The price and its Oscar offer, which the open vouchers carry (`programmes.vouchers`).
        self.instance = vouchers.solidarity_price_save(
            category=self.cleaned_data["category"], max_price=self.cleaned_data["max_price"]
        )
        return self.instance


class SolidarityPriceViewSet(RegistryViewSet):
    model = SolidarityPrice
    name = "solidarity_prices"
    url_prefix = "programmes/prix-solidaires"
    icon = "tag"
    menu_label = _("Solidarity prices")
    list_display = ["category", "max_price"]
    search_backend_name = None
    edit_handler = ObjectList([FieldPanel("category"), FieldPanel("max_price")], base_form_class=SolidarityPriceForm)


class ProgrammesViewSetGroup(ViewSetGroup):
    menu_label = _("Programmes")
    menu_name = "programmes"
    menu_icon = "gift"
    menu_order = 160
    items = (ProgrammeViewSet, RelayPartnerViewSet, AllocationViewSet, AllocationRuleViewSet, SolidarityPriceViewSet)


@hooks.register("register_admin_viewset")
def register_programmes_viewsets():
    return ProgrammesViewSetGroup()


@hooks.register("login_landing")
def relay_partner_landing(user):
    """A relay partner's staff land on the relay portal after logging in."""
    if not user.is_staff and user.relay_partners.exists():
        return reverse("programmes:home")
    return None
