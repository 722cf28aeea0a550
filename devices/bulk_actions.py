"""Bulk actions of the workshop's device list (Wagtail's bulk-action footer): grade, list for sale, send to
another member, erase with one certificate, print labels. Each reaches only the devices of the user's own
associations (the others are listed as out of reach), and runs for all the selected devices or none."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property, classproperty
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from devices import forms, services
from devices.admin_views import OPERATE_PERMISSION, device_url, workshop_devices
from devices.models import Device


class DeviceBulkAction(BulkAction):
    models = [Device]

    @classproperty
    def aria_label(cls):
        # The visible words first, as a voice command says them (WCAG 2.5.3 "label in name").
        return format_lazy("{} ({})", cls.display_name, _("the selected devices"))

    template_name = "devices/admin/bulk_action_confirm.html"
    service = None  # the service recorded for each device, with the form's `service_kwargs()`

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(OPERATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def scope(self):
        return workshop_devices(self.request.user)

    def get_all_objects_in_listing_query(self, parent_id):
        return self.scope.values_list("pk", flat=True)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [value for value in object_ids if str(value).isdigit()]
        return list(Device.objects.filter(pk__in=ids).select_related("association").order_by("asset_tag"))

    def get_actionable_objects(self):
        """Only my devices: another member's are left out without being named."""
        objects, no_access = super().get_actionable_objects()
        return objects, {"items_with_no_access": [], "left_out": len(no_access["items_with_no_access"])}

    @cached_property
    def _mine(self) -> set[int]:
        ids = [value for value in self.request.GET.getlist("id") if value.isdigit()]
        scope = self.scope if "all" in self.request.GET.getlist("id") else self.scope.filter(pk__in=ids)
        return set(scope.values_list("pk", flat=True))

    def check_perm(self, obj):
        return obj.pk in self._mine

    def object_context(self, obj):
        return {"item": obj, "url": device_url(obj)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": None}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}

    def form_valid(self, form):
        devices, _no_access = self.get_actionable_objects()
        if not devices:
            messages.error(self.request, _("None of the selected devices is in your workshop."))
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                for device in devices:
                    type(self).service(device=device, actor=self.request.user, **form.service_kwargs())
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages) + " " + str(_("Nothing was recorded.")))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(len(devices)))
        return redirect(self.next_url)


class GradeBulkAction(DeviceBulkAction):
    display_name = _("Grade")
    action_type = "grade"
    form_class = forms.GradeForm
    service = staticmethod(services.device_grade)
    action_priority = 20

    def success_message(self, count):
        return ngettext("%(count)d device graded.", "%(count)d devices graded.", count) % {"count": count}


class ListBulkAction(DeviceBulkAction):
    display_name = _("List for sale")
    action_type = "list"
    form_class = forms.ListForSaleForm
    service = staticmethod(services.device_list_for_sale)
    action_priority = 30

    def success_message(self, count):
        return ngettext("%(count)d device listed for sale.", "%(count)d devices listed for sale.", count) % {
            "count": count
        }


class TransferBulkAction(DeviceBulkAction):
    display_name = _("Send to another association")
    action_type = "transfer"
    form_class = forms.TransferForm
    service = staticmethod(services.device_transfer_send)
    action_priority = 40

    def success_message(self, count):
        return ngettext("%(count)d device sent.", "%(count)d devices sent.", count) % {"count": count}


class RedirectBulkAction(DeviceBulkAction):
    """An action done on a page of its own: the selected devices are handed to it."""

    def get_form_kwargs(self):
        return super(DeviceBulkAction, self).get_form_kwargs()

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        devices, _no_access = self.get_actionable_objects()
        if not devices:
            messages.error(request, _("None of the selected devices is in your workshop."))
            return redirect(self.next_url)
        return redirect(self.target_url(devices))


class EraseBulkAction(RedirectBulkAction):
    display_name = _("Erase with one certificate")
    action_type = "erase"
    action_priority = 10

    def target_url(self, devices):
        tags = "\n".join(device.asset_tag for device in devices)
        return reverse("workshop_bulk_erasure:index") + "?" + urlencode({"appareils": tags})


class LabelsBulkAction(RedirectBulkAction):
    display_name = _("Print labels")
    action_type = "labels"
    action_priority = 50

    def target_url(self, devices):
        return reverse("workshop_devices:labels") + "?" + urlencode([("id", device.pk) for device in devices])


for action in (EraseBulkAction, GradeBulkAction, ListBulkAction, TransferBulkAction, LabelsBulkAction):
    hooks.register("register_bulk_action", action)
