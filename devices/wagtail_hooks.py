"""The "Workshop" menu of the Wagtail admin: listings of the registry and the workshop pages.

Devices have no add or edit form: they are created by an import or a scan and changed only through
`devices.services`, from the device page (`devices.admin_views`). Every page of the menu answers 403
to a user without the permission it needs, and its menu item is hidden from them.
"""

import datetime

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.utils.urlpatterns import decorate_urlpatterns

from devices import admin_probe, admin_views, bulk_actions  # noqa: F401  (bulk_actions registers them)
from devices.admin_views import OPERATE_PERMISSION
from devices.forms import DonorForm, MembershipForm
from devices.models import Association, Device, Donor, IntakeBatch, Membership
from devices.scoping import associations_of, donors_of, is_coordinator, scoped
from devices.views import csv_cell
from reemploi.permissions import forbidden_as_403


class ForbiddenAs403Mixin:
    def get_urlpatterns(self):
        return decorate_urlpatterns(super().get_urlpatterns(), forbidden_as_403)


class RegistryViewSet(ForbiddenAs403Mixin, ModelViewSet):
    copy_view_enabled = False

    def get_permissions_to_register(self):
        # Offer the "view" permission in the group editor too: the Workshop group relies on it.
        return Permission.objects.filter(content_type=ContentType.objects.get_for_model(self.model))


# --- Devices -------------------------------------------------------------------------------------


class MemberScope:
    """Which role's associations a scoped view serves, and the path from its objects to their association.
    A `MemberScopedViewSet` sets both on its views from its own `scope_role` and `scope_through`."""

    role = Membership.Role.TECHNICIAN
    through = "association"

    def in_scope(self, queryset):
        return scoped(queryset, self.request.user, self.role, through=self.through)


class ScopedListMixin(MemberScope):
    """A listing of the objects of the user's own associations only."""

    def get_base_queryset(self):
        return self.in_scope(super().get_base_queryset())


class ScopedObjectMixin(MemberScope):
    """An object page (edit, delete, history, usage) of one of the user's own associations: 404 otherwise."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.in_scope(type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise Http404
        return obj


class MemberChoiceFormMixin(MemberScope):
    """The association of a new or edited object is one of the user's own."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "association" in form.fields:
            form.fields["association"].queryset = associations_of(self.request.user, self.role)
        return form


class ScopedIndexView(ScopedListMixin, generic.IndexView):
    pass


class ScopedCreateView(MemberChoiceFormMixin, generic.CreateView):
    pass


class ScopedEditView(ScopedObjectMixin, MemberChoiceFormMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


class MemberScopedViewSet(RegistryViewSet):
    """A model's pages in the admin, each reaching the objects of the user's own associations only."""

    scope_role = Membership.Role.TECHNICIAN
    scope_through = "association"
    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def _scope(self, view_class, kwargs: dict) -> dict:
        if issubclass(view_class, MemberScope):
            return {"role": self.scope_role, "through": self.scope_through, **kwargs}
        return kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**self._scope(self.index_view_class, kwargs))

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(**self._scope(self.add_view_class, kwargs))

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(**self._scope(self.edit_view_class, kwargs))

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(**self._scope(self.delete_view_class, kwargs))

    def get_history_view_kwargs(self, **kwargs):
        return super().get_history_view_kwargs(**self._scope(self.history_view_class, kwargs))

    def get_usage_view_kwargs(self, **kwargs):
        return super().get_usage_view_kwargs(**self._scope(self.usage_view_class, kwargs))


def _my_associations(request):
    return associations_of(request.user, Membership.Role.TECHNICIAN) if request else Association.objects.none()


def _my_batches(request):
    if request is None:
        return IntakeBatch.objects.none()
    return scoped(IntakeBatch.objects.select_related("donor"), request.user, Membership.Role.TECHNICIAN)


def _my_donors(request):
    if request is None:
        return Donor.objects.none()
    return Donor.objects.filter(batches__in=_my_batches(request)).distinct()


class DeviceFilterSet(WagtailFilterSet):
    """The listing's filters offer the user's own associations, batches and donors only."""

    association = django_filters.ModelChoiceFilter(queryset=_my_associations, label=_("Member association"))
    batch = django_filters.ModelChoiceFilter(queryset=_my_batches, label=_("Intake batch"))
    donor = django_filters.ModelChoiceFilter(queryset=_my_donors, field_name="batch__donor", label=_("Donor"))
    received = django_filters.DateFromToRangeFilter(
        field_name="batch__received_on", label=_("Received between"), widget=DateRangePickerWidget
    )
    registered = django_filters.DateFromToRangeFilter(
        field_name="created_at", label=_("Registered between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Device
        fields = ["status", "category", "grade", "association", "batch", "donor", "received", "registered"]


class IntakeBatchFilterSet(WagtailFilterSet):
    association = django_filters.ModelChoiceFilter(queryset=_my_associations, label=_("Member association"))

    class Meta:
        model = IntakeBatch
        fields = ["donor", "association"]


def _local_naive(moment):
    return timezone.make_naive(moment) if timezone.is_aware(moment) else moment


class DeviceIndexView(ScopedIndexView):
    """The workshop's device list: filters, search by tag or serial, CSV/XLSX export of the filtered list,
    bulk actions on a selection (`devices.bulk_actions`)."""

    template_name = "devices/admin/device_index.html"
    # Spreadsheets get the times of Europe/Paris, as the back office shows them.
    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        datetime.datetime: {"xlsx": _local_naive, "csv": lambda moment: f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"},
        str: {"csv": csv_cell},  # a "=HYPERLINK(…)" model from a donor's file stays text
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("association", "batch__donor")

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="device"), *super().columns]


def _device_link(device):
    return reverse("workshop_devices:detail", args=[device.pk])


class DeviceURLFinder(ModelAdminURLFinder):
    """Where the admin links a device to: its workshop page (there is no edit form)."""

    edit_url_name = "workshop_devices:detail"

    def get_edit_url(self, instance):
        if self.user and not self.user.has_perm(OPERATE_PERMISSION):
            return None
        return self.construct_edit_url(instance)


class ListingOnlyMixin:
    """A viewset whose only Wagtail generic view is the listing: no add, edit, delete, history or usage page
    (its objects change through services, from their own pages)."""

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_form_class(self, for_update=False):
        return None

    def listing_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_urlpatterns(self):
        return decorate_urlpatterns(self.listing_urlpatterns(), forbidden_as_403)


class DeviceViewSet(ListingOnlyMixin, RegistryViewSet):
    model = Device
    name = "workshop_devices"
    url_prefix = "atelier/appareils"
    icon = "desktop"
    menu_label = _("Devices")
    index_view_class = DeviceIndexView
    add_to_reference_index = False
    list_display = [
        TitleColumn(
            "asset_tag",
            label=_("Asset tag"),
            sort_key="asset_tag",
            get_url=_device_link,
            get_title_id=lambda device: f"device_{device.pk}_title",
        ),
        "category",
        Column(
            "brand_model",
            label=_("Brand and model"),
            accessor=lambda d: f"{d.brand} {d.model}".strip(),
            sort_key="brand",
        ),
        "status",
        "association",
        "batch",
    ]
    filterset_class = DeviceFilterSet
    search_fields = ["asset_tag", "serial", "donor_reference", "model"]
    list_export = [
        "asset_tag",
        "serial",
        "donor_reference",
        "get_category_display",
        "brand",
        "model",
        "cpu",
        "ram_gb",
        "get_storage_kind_display",
        "storage_gb",
        "screen_inches",
        "os",
        "grade",
        "battery_health",
        "get_status_display",
        "association.name",
        "batch.donor.name",
        "batch.reference",
        "batch.received_on",
        "created_at",
    ]
    export_headings = {
        "get_category_display": _("Category"),
        "get_storage_kind_display": _("Storage kind"),
        "get_status_display": _("Status"),
        "association.name": _("Holding association"),
        "batch.donor.name": _("Donor"),
        "batch.reference": _("Batch reference"),
        "batch.received_on": _("Received on"),
        "created_at": _("Registered on"),
    }
    export_filename = "appareils"
    search_backend_name = None
    ordering = "-created_at"
    list_per_page = 50
    url_finder_class = DeviceURLFinder

    def get_urlpatterns(self):
        actions = [action.urlpattern() for action in admin_views.device_steps()]
        patterns = [
            *self.listing_urlpatterns(),
            path("<int:pk>/", admin_views.device_detail, name="detail"),
            path("<int:pk>/etiquette.pdf", admin_views.device_label, name="label"),
            path("etiquettes.pdf", admin_views.devices_labels, name="labels"),
            path("preuves/<int:event_pk>/", admin_views.event_evidence, name="evidence"),
            *actions,
        ]
        return decorate_urlpatterns(patterns, forbidden_as_403)


# --- Intake batches, donors, associations --------------------------------------------------------


class BatchLinksColumn(Column):
    """Links of a batch's row to its devices, inventory import, quick entry and labels."""

    cell_template_name = "devices/admin/batch_links_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["can_operate"] = bool(request and request.user.has_perm(OPERATE_PERMISSION))
        context["devices_url"] = reverse("workshop_devices:index") + f"?batch={instance.pk}"
        context["import_url"] = reverse("workshop_batches:import", args=[instance.pk])
        context["labels_url"] = reverse("workshop_batches:labels", args=[instance.pk])
        context["quick_entry_url"] = reverse("workshop_quick_entry:index") + f"?batch={instance.pk}"
        return context


class IntakeBatchIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("donor", "association").annotate(device_count=Count("devices"))
        )


class IntakeBatchCreateView(ScopedCreateView):
    def get_success_url(self):
        # A new batch is followed by its inventory: straight to the import page.
        if self.request.user.has_perm(OPERATE_PERMISSION):
            return reverse("workshop_batches:import", args=[self.object.pk])
        return super().get_success_url()


class IntakeBatchViewSet(MemberScopedViewSet):
    model = IntakeBatch
    name = "workshop_batches"
    url_prefix = "atelier/lots"
    icon = "clipboard-list"
    menu_label = _("Intake batches")
    index_view_class = IntakeBatchIndexView
    add_view_class = IntakeBatchCreateView
    list_display = [
        "__str__",
        "donor",
        "association",
        "received_on",
        Column("declared_total", label=_("Declared")),
        Column("device_count", label=_("Registered"), sort_key="device_count"),
        BatchLinksColumn("links", label=_("Workshop")),
    ]
    filterset_class = IntakeBatchFilterSet
    search_fields = ["reference", "donor__name"]
    search_backend_name = None
    ordering = "-received_on"
    panels = [
        FieldPanel("donor"),
        FieldPanel("association"),
        FieldRowPanel([FieldPanel("received_on"), FieldPanel("reference")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("declared_laptops"),
                        FieldPanel("declared_desktops"),
                        FieldPanel("declared_screens"),
                        FieldPanel("declared_other"),
                    ]
                )
            ],
            heading=_("Declared by the donor"),
        ),
        FieldPanel("notes"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + decorate_urlpatterns(
            [
                path("<int:pk>/import/", admin_views.batch_import, name="import"),
                path("<int:pk>/import/<int:run_pk>/", admin_views.inventory_import_page, name="import_run"),
                path(
                    "<int:pk>/import/<int:run_pk>/avancement/",
                    admin_views.inventory_import_progress,
                    name="import_progress",
                ),
                path("<int:pk>/etiquettes.pdf", admin_views.batch_labels, name="labels"),
            ],
            forbidden_as_403,
        )


class DonorScope(MemberScope):
    """Donors have no association of their own: the user's are those of scoping.donors_of."""

    def in_scope(self, queryset):
        return queryset.filter(pk__in=donors_of(self.request.user).values("pk"))


class DonorIndexView(DonorScope, ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(batch_count=Count("batches"))


class DonorEditView(DonorScope, ScopedEditView):
    pass


class DonorDeleteView(DonorScope, ScopedDeleteView):
    pass


class DonorHistoryView(DonorScope, ScopedHistoryView):
    pass


class DonorUsageView(DonorScope, ScopedUsageView):
    pass


class DonorViewSet(RegistryViewSet):
    model = Donor
    name = "workshop_donors"
    url_prefix = "atelier/donateurs"
    icon = "group"
    menu_label = _("Donors")
    index_view_class = DonorIndexView
    edit_view_class = DonorEditView
    delete_view_class = DonorDeleteView
    history_view_class = DonorHistoryView
    usage_view_class = DonorUsageView
    list_display = [
        "name",
        "kind",
        BooleanColumn("public_name_agreed", label=_("Name on passports")),
        Column("batch_count", label=_("Batches"), sort_key="batch_count"),
        "contact_email",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "contact_name", "contact_email"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("public_name_agreed"),
            FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")]),
            FieldPanel("users"),
        ],
        base_form_class=DonorForm,
    )


class AssociationCreateView(generic.CreateView):
    """Only the network coordinator creates a member association."""

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AssociationViewSet(MemberScopedViewSet):
    """The member associations: one form for the network coordinator creates a member and all it needs
    (the shop's pickup place and the member page's draft follow, see `devices.signals.member_created`)."""

    model = Association
    name = "workshop_associations"
    url_prefix = "atelier/associations"
    icon = "site"
    menu_label = _("Member associations")
    # Every member is listed (names and towns are public); a member administrator edits their own, and
    # only a coordinator creates one.
    scope_role = Membership.Role.MEMBER_ADMIN
    scope_through = "pk"
    index_view_class = generic.IndexView
    add_view_class = AssociationCreateView
    list_display = ["name", "short_name", "city", "department", BooleanColumn("offers_rental", label=_("Rental"))]
    list_filter = ["department", "offers_sale", "offers_rental"]
    search_fields = ["name", "short_name", "city"]
    search_backend_name = None
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
                FieldPanel("slug"),
                FieldRowPanel([FieldPanel("legal_form"), FieldPanel("siret"), FieldPanel("rna")]),
                FieldPanel("is_demo"),
            ],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("vat_status"), FieldPanel("vat_number")]),
                FieldRowPanel([FieldPanel("iban"), FieldPanel("bic"), FieldPanel("payment_days")]),
            ],
            heading=_("As a seller (invoices, credit notes, quotes)"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]), FieldPanel("website")],
            heading=_("Contact"),
        ),
        FieldPanel("opening_hours"),
        MultiFieldPanel(
            [FieldPanel(name) for name in Association.SERVICE_FIELDS],
            heading=_("Services offered"),
        ),
        FieldPanel("labels", widget=forms.CheckboxSelectMultiple),
    ]


class MembershipIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "association")


class MembershipViewSet(MemberScopedViewSet):
    """A member administrator gives their association's staff their roles; a coordinator, anyone's."""

    model = Membership
    name = "workshop_memberships"
    url_prefix = "atelier/equipes"
    icon = "user"
    menu_label = _("Staff and roles")
    scope_role = Membership.Role.MEMBER_ADMIN
    index_view_class = MembershipIndexView
    list_display = ["user", "association", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "association__name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("association"), FieldPanel("role")], base_form_class=MembershipForm
    )


# --- Workshop pages ------------------------------------------------------------------------------


class WorkshopPageViewSet(ViewSet):
    """One page of the workshop (a view function): a menu entry for the operators, 403 for others."""

    view = None

    def get_urlpatterns(self):
        return decorate_urlpatterns([path("", type(self).view, name="index")], forbidden_as_403)

    @cached_property
    def menu_item_class(self):
        def is_shown(item, request):
            return request.user.has_perm(OPERATE_PERMISSION)

        return type(f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown})


class WorkshopHomeViewSet(WorkshopPageViewSet):
    """/admin/atelier/: what waits for me today."""

    name = "workshop_home"
    url_prefix = "atelier"
    icon = "home"
    menu_label = _("Today")
    view = staticmethod(admin_views.workshop_home)


class QuickEntryViewSet(WorkshopPageViewSet):
    name = "workshop_quick_entry"
    url_prefix = "atelier/saisie"
    icon = "crosshairs"
    menu_label = _("Quick entry (scan)")
    view = staticmethod(admin_views.quick_entry)


class BulkErasureViewSet(WorkshopPageViewSet):
    name = "workshop_bulk_erasure"
    url_prefix = "atelier/effacement-groupe"
    icon = "tasks"
    menu_label = _("Erasure run")
    view = staticmethod(admin_views.bulk_erasure)


class ErasureReportViewSet(WorkshopPageViewSet):
    name = "workshop_erasure_report"
    url_prefix = "atelier/rapport-effacement"
    icon = "upload"
    menu_label = _("Erasure report import")
    view = staticmethod(admin_views.erasure_report)


class HardwareReportsViewSet(WorkshopPageViewSet):
    name = "workshop_hardware_reports"
    url_prefix = "atelier/rapports-materiel"
    icon = "clipboard-list"
    menu_label = _("Hardware reports")
    view = staticmethod(admin_probe.hardware_reports)


class ProbeKeysViewSet(WorkshopPageViewSet):
    name = "workshop_probe_keys"
    url_prefix = "atelier/cles-sonde"
    icon = "key"
    menu_label = _("Probe keys")
    view = staticmethod(admin_probe.probe_keys)


class WorkshopViewSetGroup(ViewSetGroup):
    menu_label = _("Workshop")
    menu_name = "workshop"
    menu_icon = "cogs"
    menu_order = 150
    items = (
        WorkshopHomeViewSet,
        DeviceViewSet,
        QuickEntryViewSet,
        IntakeBatchViewSet,
        BulkErasureViewSet,
        ErasureReportViewSet,
        HardwareReportsViewSet,
        ProbeKeysViewSet,
        DonorViewSet,
        AssociationViewSet,
        MembershipViewSet,
    )


@hooks.register("register_admin_viewset")
def register_workshop_viewsets():
    return WorkshopViewSetGroup()


@hooks.register("login_landing")
def donor_landing(user):
    """A donor's people land on the donor portal after logging in (staff on the home page, as everyone)."""
    if not user.is_staff and user.donors.exists():
        return reverse("devices:donor_home")
    return None
