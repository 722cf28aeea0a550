"""The workshop back office in the Wagtail admin: device page and its steps, quick entry, imports, labels.

Views stay thin: forms validate, `devices.services` and `devices.imports` do the work. Every view here
requires `devices.operate_device`; the URLs are registered by `devices.wagtail_hooks`.
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.admin import messages

from devices import forms, imports, inventory, selectors, services, tabular
from devices import tasks as devices_tasks
from devices.models import (
    AgeBracket,
    BeneficiaryCategory,
    Device,
    DeviceEvent,
    IntakeBatch,
    InventoryImport,
    PartnerKind,
)
from devices.pdf import label_sheet_pdf
from devices.scoping import Role, associations_of, is_coordinator, scoped
from devices.views import evidence_response, passport_url
from reemploi.admin_steps import ObjectStepView, show_refusal, steps_shown
from reemploi.downloads import inline_document
from reemploi.queue import enqueue
from reemploi.uploads import CSV, SPREADSHEET, anonymous_name

OPERATE_PERMISSION = "devices.operate_device"
Status = Device.Status
QUICK_ENTRY_SESSION_KEY = "devices:quick_entry"
BULK_ERASURE_RESULT_KEY = "devices:bulk_erasure_result"
ERASURE_REPORT_RESULT_KEY = "devices:erasure_report_result"
ERASURE_REPORT_COLUMNS = list(imports.ERASURE_COLUMNS)


operator_required = permission_required(OPERATE_PERMISSION, raise_exception=True)


def workshop_devices(user):
    """The devices of the technician's own associations, and those sent to them and not received yet (every
    device for a network coordinator)."""
    if is_coordinator(user):
        return Device.objects.all()
    mine = associations_of(user, Role.TECHNICIAN)
    return Device.objects.filter(Q(association__in=mine) | Q(transfer_to__in=mine))


def workshop_batches(user):
    return scoped(IntakeBatch.objects.all(), user, Role.TECHNICIAN)


def device_url(device: Device) -> str:
    return reverse("workshop_devices:detail", args=[device.pk])


# --- Event details of the timeline ---------------------------------------------------------------

DETAIL_LABELS = {
    "batch": gettext_lazy("Intake batch"),
    "method": gettext_lazy("Method"),
    "tool": gettext_lazy("Tool"),
    "result": gettext_lazy("Result"),
    "operator": gettext_lazy("Operator"),
    "checklist": gettext_lazy("Functions"),
    "passed": gettext_lazy("All functions work"),
    "os": gettext_lazy("Operating system"),
    "grade": gettext_lazy("Grade"),
    "battery_health": gettext_lazy("Battery health (%)"),
    "parts": gettext_lazy("Parts"),
    "listing": gettext_lazy("Shop listing"),
    "reference": gettext_lazy("Reference"),
    "programme": gettext_lazy("Programme"),
    "beneficiary_category": gettext_lazy("Beneficiary category"),
    "territory": gettext_lazy("Territory"),
    "channel": gettext_lazy("DEEE channel"),
    "condition": gettext_lazy("Condition"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "passes": gettext_lazy("Passes"),
    "verification": gettext_lazy("Verification"),
    "started_at": gettext_lazy("Started on"),
    "disks": gettext_lazy("Disks"),
    "not_erased": gettext_lazy("Disks of the device missing from the report"),
    "declared_broken": gettext_lazy("Declared out of order by the donor"),
    "report": gettext_lazy("Hardware report"),
    "partner": gettext_lazy("Relay partner"),
    "partner_kind": gettext_lazy("Kind of partner"),
    "age_bracket": gettext_lazy("Age bracket"),
    "situation": gettext_lazy("Situation"),
    "proposed": gettext_lazy("Proposed channel"),
    "chosen": gettext_lazy("Chosen channel"),
    "overridden": gettext_lazy("Rules overridden"),
}
CHANNEL_LABELS = {
    "programme": gettext_lazy("Donation programme"),
    "rental": gettext_lazy("Rental pool"),
    "sale": gettext_lazy("Sale"),
}


def _shown(value) -> str:
    return "—" if value in (None, "", "None") else str(value)


def _detail_value(key, value, batches):
    if key == "checklist":
        return ", ".join(f"{'✓' if ok else '✗'} {name}" for name, ok in value.items())
    if key == "result":
        return dict(forms.ERASURE_RESULT_CHOICES).get(value, value)
    if key == "passed":
        return _("yes") if value else _("no")
    if key == "beneficiary_category":
        return dict(BeneficiaryCategory.choices).get(value, value)
    if key == "batch":
        return str(batches.get(value, value))
    if key == "disks":
        results = dict(forms.ERASURE_RESULT_CHOICES)
        return ", ".join(
            f"{disk.get('serial', '—')} ({results.get(disk.get('result'), disk.get('result'))})" for disk in value
        )
    if key == "not_erased":
        return ", ".join(value)
    if key in ("declared_broken", "overridden"):
        return _("yes") if value else _("no")
    if key == "partner_kind":
        return dict(PartnerKind.choices).get(value, value)
    if key == "age_bracket":
        return dict(AgeBracket.choices).get(value, value)
    if key in ("proposed", "chosen"):
        return str(CHANNEL_LABELS.get(value, value))
    return str(value)


def event_details(event: DeviceEvent, batches: dict | None = None) -> list[tuple[str, str]]:
    """The facts of an event as (label, value) pairs, in plain words."""
    data = event.data or {}
    if event.kind == DeviceEvent.Kind.CORRECTED:
        before, after = data.get("before", {}), data.get("after", {})
        details = []
        for name, new in after.items():
            try:
                label = Device._meta.get_field(name).verbose_name.capitalize()
            except FieldDoesNotExist:  # a field renamed since the correction
                label = name
            details.append((label, f"{_shown(before.get(name))} → {_shown(new)}"))
        return details
    return [
        (DETAIL_LABELS.get(key, key), _detail_value(key, value, batches or {}))
        for key, value in data.items()
        if value not in (None, "", {}, [])
    ]


# --- Device page and its actions -----------------------------------------------------------------


class DeviceActionView(ObjectStepView):
    """One step of a device's life: its form posts here, and the matching service records it.

    `allowed_statuses` are the statuses the service accepts (constants of `devices.services`); the page
    shows the step only then.
    The service still decides: a refused step re-displays the page with its message and the input kept.
    """

    model = Device
    permission = OPERATE_PERMISSION
    url_namespace = "workshop_devices:"
    object_kwarg = "device"
    form_class = forms.ActionForm
    allowed_statuses: tuple[str, ...] = services.WORKSHOP
    placed_before = "recycle"  # where a step added by another app goes on the device page (`device_steps`)

    @classmethod
    def get_form(cls, device: Device, data=None, files=None):
        return cls.form_class(data, files, device=device, prefix=cls.slug)

    def get_queryset(self):
        return workshop_devices(self.request.user)

    def service_kwargs(self, form) -> dict:
        return form.service_kwargs()

    def success_message(self, device: Device, event: DeviceEvent) -> str:
        return _("“%(step)s” recorded for %(tag)s; status: “%(status)s”.") % {
            "step": event.get_kind_display(),
            "tag": event.device.asset_tag,
            "status": event.get_status_after_display(),
        }

    def success_url(self, device: Device) -> str:
        return device_url(device)

    def render_page(self, device: Device, *, bound):
        return device_page(self.request, device, bound=bound)


class CleanView(DeviceActionView):
    slug, label, form_class = "clean", gettext_lazy("Clean"), forms.CleanForm
    service = staticmethod(services.device_clean)


class TestView(DeviceActionView):
    slug, label, form_class = "test", gettext_lazy("Test the functions"), forms.TestForm
    service = staticmethod(services.device_test)


class EraseView(DeviceActionView):
    slug, label, form_class = "erase", gettext_lazy("Erase the data"), forms.EraseForm
    service = staticmethod(services.device_erase)


class InstallOsView(DeviceActionView):
    slug, label, form_class = "install-os", gettext_lazy("Install the system"), forms.InstallOsForm
    service = staticmethod(services.device_install_os)


class GradeView(DeviceActionView):
    slug, label, form_class = "grade", gettext_lazy("Grade"), forms.GradeForm
    service = staticmethod(services.device_grade)


class PhotosView(DeviceActionView):
    """Photos at grading (or any time before the sale): several at once, from the phone's camera."""

    slug, label, form_class = "photos", gettext_lazy("Add photos"), forms.PhotosForm
    allowed_statuses = (*services.WORKSHOP, Status.LISTED)
    service = staticmethod(services.device_photos_add)
    button_class = "button button-secondary"

    def success_message(self, device: Device, photos) -> str:
        return ngettext("%(count)d photo added to %(tag)s.", "%(count)d photos added to %(tag)s.", len(photos)) % {
            "count": len(photos),
            "tag": device.asset_tag,
        }


class PhotosArrangeView(DeviceActionView):
    slug, label, form_class = "photos-arrange", gettext_lazy("Main photo, removal"), forms.PhotosArrangeForm
    allowed_statuses = (*services.WORKSHOP, Status.LISTED)
    service = staticmethod(services.device_photos_arrange)
    button_class = "button button-secondary"

    @classmethod
    def allows(cls, device, user=None) -> bool:
        return super().allows(device, user) and device.photos.exists()

    def success_message(self, device: Device, removed) -> str:
        return _("Photos of %(tag)s updated.") % {"tag": device.asset_tag}


class RepairView(DeviceActionView):
    slug, label, form_class = "repair", gettext_lazy("Repair"), forms.RepairForm
    service = staticmethod(services.device_repair)


class ListForSaleView(DeviceActionView):
    slug, label, form_class = "list", gettext_lazy("List for sale"), forms.ListForSaleForm
    allowed_statuses = services.LISTABLE
    service = staticmethod(services.device_list_for_sale)


class UnlistView(DeviceActionView):
    slug, label, form_class = "unlist", gettext_lazy("Withdraw from sale"), forms.UnlistForm
    allowed_statuses = services.UNLISTABLE
    service = staticmethod(services.device_unlist)
    button_class = "button button-secondary"


class ReserveView(DeviceActionView):
    slug, label, form_class = "reserve", gettext_lazy("Reserve for rental"), forms.ReserveForm
    allowed_statuses = services.RESERVABLE
    service = staticmethod(services.device_reserve_for_rental)


class ReleaseView(DeviceActionView):
    slug, label, form_class = "release", gettext_lazy("Release from the rental pool"), forms.ReleaseForm
    allowed_statuses = services.RELEASABLE
    service = staticmethod(services.device_release_from_rental)
    button_class = "button button-secondary"


class RecycleView(DeviceActionView):
    slug, label, form_class = "recycle", gettext_lazy("Recycle (DEEE)"), forms.RecycleForm
    service = staticmethod(services.device_recycle)
    button_class = "button no"


class HarvestView(DeviceActionView):
    slug, label, form_class = "harvest", gettext_lazy("Harvest for parts"), forms.HarvestForm
    service = staticmethod(services.device_harvest)
    button_class = "button no"


class TransferView(DeviceActionView):
    """Send the device to another member; it stays ours until that member records the receipt."""

    slug, label, form_class = "transfer", gettext_lazy("Send to another association"), forms.TransferForm
    service = staticmethod(services.device_transfer_send)
    button_class = "button button-secondary"


class ReceiveTransferView(DeviceActionView):
    """The receiving member records that the device arrived: it becomes the holder."""

    slug, label, form_class = "receive", gettext_lazy("Record the receipt"), forms.TransferReceiveForm
    allowed_statuses = (Status.IN_TRANSIT,)
    service = staticmethod(services.device_transfer_receive)

    @classmethod
    def allows(cls, device, user=None) -> bool:
        if not super().allows(device, user):
            return False
        return user is None or associations_of(user, Role.TECHNICIAN).filter(pk=device.transfer_to_id).exists()

    def get_queryset(self):  # only the association it was sent to (or a coordinator) receives it
        return scoped(Device.objects.all(), self.request.user, Role.TECHNICIAN, through="transfer_to")


class CancelTransferView(DeviceActionView):
    """The sender takes the device back before it was received."""

    slug, label, form_class = "cancel-transfer", gettext_lazy("Cancel the transfer"), forms.TransferCancelForm
    allowed_statuses = (Status.IN_TRANSIT,)
    service = staticmethod(services.device_transfer_cancel)
    button_class = "button button-secondary"

    @classmethod
    def allows(cls, device, user=None) -> bool:
        if not super().allows(device, user):
            return False
        return user is None or associations_of(user, Role.TECHNICIAN).filter(pk=device.association_id).exists()

    def get_queryset(self):  # only the sender (or a coordinator)
        return scoped(Device.objects.all(), self.request.user, Role.TECHNICIAN)


class CorrectView(DeviceActionView):
    slug, label, form_class = "correct", gettext_lazy("Correct a characteristic"), forms.CorrectionForm
    allowed_statuses = tuple(Status.values)  # a correction is possible whatever the status
    service = staticmethod(services.device_correct)
    button_class = "button button-secondary"


ACTION_VIEWS: list[type[DeviceActionView]] = [
    CleanView,
    TestView,
    EraseView,
    InstallOsView,
    GradeView,
    PhotosView,
    PhotosArrangeView,
    RepairView,
    ListForSaleView,
    UnlistView,
    ReserveView,
    ReleaseView,
    RecycleView,
    HarvestView,
    TransferView,
    ReceiveTransferView,
    CancelTransferView,
    CorrectView,
]


def device_steps() -> list[type[DeviceActionView]]:
    """The registry's steps, with those other apps add (the donation programmes' channel, allocation and
    donation, by the Wagtail hook `register_device_steps`), each before the step its `placed_before` names."""
    steps = list(ACTION_VIEWS)
    for step in [step for hook in hooks.get_hooks("register_device_steps") for step in hook()]:
        slugs = [existing.slug for existing in steps]
        steps.insert(slugs.index(step.placed_before) if step.placed_before in slugs else len(steps), step)
    return steps


def allowed_actions(device: Device) -> list[type[DeviceActionView]]:
    """The steps the device's status allows, in workshop order."""
    return [action for action in device_steps() if action.allows(device)]


def device_page(request, device: Device, *, bound: tuple | None = None):
    """The device, its actions and its timeline; `bound` = (action view, form) re-displayed after a refusal."""
    actions = steps_shown(device_steps(), device, bound=bound, user=request.user)
    events = list(device.events.select_related("actor", "association"))
    batch_pks = {e.data.get("batch") for e in events if isinstance(e.data.get("batch"), int)}
    batches = {b.pk: b for b in IntakeBatch.objects.select_related("donor").filter(pk__in=batch_pks)}
    return render(
        request,
        "devices/admin/device_detail.html",
        {
            "device": device,
            "actions": actions,
            "timeline": [(event, event_details(event, batches)) for event in events],
            "passport_url": passport_url(request, device),
            "outcome_label": dict(BeneficiaryCategory.choices).get(device.outcome_category, device.outcome_category),
            "photos": list(device.photos.select_related("image")),
            "disks": list(device.disks.all()),
        },
    )


@operator_required
@require_GET
def device_detail(request, pk):
    device = get_object_or_404(workshop_devices(request.user).select_related("batch__donor", "association"), pk=pk)
    return device_page(request, device)


@operator_required
@require_GET
def event_evidence(request, event_pk):
    """An event's evidence (erasure or recycling certificate), always downloaded, never shown inline."""
    events = scoped(
        DeviceEvent.objects.select_related("device"), request.user, Role.TECHNICIAN, through="device__association"
    )
    event = get_object_or_404(events, pk=event_pk)
    if not event.evidence:
        raise Http404(_("This event has no evidence file."))
    return evidence_response(event, slugify(event.get_kind_display()))


# --- The workshop's landing page ----------------------------------------------------------------


@operator_required
@require_GET
def workshop_home(request):
    """What waits for me today, in my associations' workshops: each count links to the matching list."""
    devices = workshop_devices(request.user)
    figures = selectors.workshop_today(devices)
    index = reverse("workshop_devices:index")
    rows = [
        (Status.RECEIVED, _("Received, not yet cleaned or tested")),
        (Status.IN_WORKSHOP, _("In the workshop")),
        (Status.READY, _("Ready: to list for sale, for rental or for a programme")),
        (Status.IN_TRANSIT, _("On their way between two associations")),
        (Status.LISTED, _("On sale")),
        (Status.RESERVED, _("In the rental pool")),
        (Status.ALLOCATED, _("Allocated to a relay partner, not received yet")),
        (Status.AT_PARTNER, _("At a relay partner, not handed over yet")),
    ]
    waiting = [
        {"label": label, "count": figures["by_status"].get(status, 0), "url": f"{index}?status={status}"}
        for status, label in rows
    ]
    batches = workshop_batches(request.user).select_related("donor", "association").order_by("-received_on")[:5]
    return render(
        request,
        "devices/admin/workshop_home.html",
        {
            "waiting": waiting,
            "to_erase": figures["to_erase"],
            "batches": batches,
            "associations": associations_of(request.user, Role.TECHNICIAN),
        },
    )


# --- Labels --------------------------------------------------------------------------------------


def _labels_response(request, devices, filename: str):
    return inline_document(label_sheet_pdf(devices, lambda device: passport_url(request, device)), filename)


@operator_required
@require_GET
def device_label(request, pk):
    device = get_object_or_404(workshop_devices(request.user), pk=pk)
    return _labels_response(request, [device], _("label-%(tag)s.pdf") % {"tag": device.asset_tag})


@operator_required
@require_GET
def devices_labels(request):
    """The labels of the devices selected in the device list (`?id=…&id=…`)."""
    ids = [value for value in request.GET.getlist("id") if value.isdigit()]
    devices = list(workshop_devices(request.user).filter(pk__in=ids).order_by("asset_tag"))
    if not devices:
        raise Http404(_("None of the selected devices is in your workshop."))
    return _labels_response(request, devices, _("labels-%(count)d-devices.pdf") % {"count": len(devices)})


@operator_required
@require_GET
def batch_labels(request, pk):
    batch = get_object_or_404(workshop_batches(request.user), pk=pk)
    devices = list(batch.devices.order_by("pk"))
    if not devices:
        messages.warning(request, _("This batch has no devices yet: import its inventory or scan them first."))
        return redirect("workshop_batches:index")
    return _labels_response(request, devices, _("labels-batch-%(pk)s.pdf") % {"pk": batch.pk})


# --- Intake --------------------------------------------------------------------------------------


@operator_required
def batch_import(request, pk):
    """Upload a donor's inventory file for a batch: it is read at once, then previewed and mapped before
    anything is written (`inventory_import_page`)."""
    batch = get_object_or_404(workshop_batches(request.user).select_related("donor", "association"), pk=pk)
    form = forms.InventoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = tabular.read_table(upload.read())
        except tabular.UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            columns, default_category = inventory.proposal(batch=batch, headers=table.headers)
            upload.seek(0)
            run = InventoryImport(
                batch=batch,
                filename=upload.name[-255:],
                uploaded_by=request.user,
                columns=columns,
                default_category=default_category,
            )
            run.file.save(anonymous_name("inventaire", SPREADSHEET if table.kind != "csv" else CSV), upload, save=False)
            run.save()
            return redirect("workshop_batches:import_run", pk=batch.pk, run_pk=run.pk)
    if form.errors:
        messages.error(request, _("The file cannot be imported: see the message under the field."))
    return render(
        request,
        "devices/admin/batch_import.html",
        {
            "batch": batch,
            "form": form,
            "device_count": batch.devices.count(),
            "runs": batch.imports.select_related("uploaded_by")[:10],
            "targets": inventory.TARGETS.values(),
        },
    )


INLINE_IMPORT_ROWS = 1000  # more rows: imported by a worker, the page shows the progress


@operator_required
def inventory_import_page(request, pk, run_pk):
    """The preview of an uploaded inventory: the mapping (proposed, adjustable, savable for the donor), the
    first rows as they will be stored, the ignored columns and the rows with errors; then the import and
    its progress."""
    batch = get_object_or_404(workshop_batches(request.user).select_related("donor", "association"), pk=pk)
    run = get_object_or_404(batch.imports, pk=run_pk)
    if run.status != InventoryImport.Status.DRAFT:
        return render(request, "devices/admin/inventory_import_run.html", {"batch": batch, "run": run})
    try:
        table = inventory.plan_of_run(run).table
    except (tabular.UnreadableFile, OSError) as exc:
        messages.error(
            request, _("The uploaded file can no longer be read (%(error)s): upload it again.") % {"error": exc}
        )
        return redirect("workshop_batches:import", pk=batch.pk)
    initial = {
        "default_category": run.default_category,
        "skip_errors": run.skip_errors,
        **{forms.InventoryMappingForm.column_field(index): target for index, target in enumerate(run.columns)},
    }
    form = forms.InventoryMappingForm(request.POST or None, headers=table.headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        run.columns, run.default_category = form.columns, form.cleaned_data["default_category"]
        run.skip_errors = form.cleaned_data["skip_errors"]
        run.save(update_fields=["columns", "default_category", "skip_errors"])
    plan = inventory.plan_inventory(
        batch=batch,
        table=table,
        columns=form.columns if form.is_bound and form.is_valid() else run.columns,
        default_category=run.default_category,
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["save_profile"]:
            inventory.profile_save(batch=batch, plan=plan, actor=request.user)
            messages.success(request, _("Mapping saved for %(donor)s.") % {"donor": batch.donor})
        if "import" in request.POST:
            return _inventory_import_confirm(request, batch, run, plan)
        return redirect("workshop_batches:import_run", pk=batch.pk, run_pk=run.pk)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("The mapping has errors: check the highlighted columns."))
    return render(
        request,
        "devices/admin/inventory_import_preview.html",
        {
            "batch": batch,
            "run": run,
            "form": form,
            "plan": plan,
            "preview_fields": [(name, inventory.TARGETS[name]) for name in inventory.PREVIEW_FIELDS],
            "preview_rows": [
                (line, [(name, values.get(name)) for name in inventory.PREVIEW_FIELDS]) for line, values in plan.preview
            ],
            "columns": list(zip(plan.columns, form.column_fields(), strict=True)),
        },
    )


def _inventory_import_confirm(request, batch, run, plan):
    if plan.error_count and not run.skip_errors:
        messages.error(
            request,
            _(
                "%(count)d row(s) have errors: correct the file or the mapping, or tick “skip the rows with "
                "errors”. Nothing was imported."
            )
            % {"count": plan.error_count},
        )
        return redirect("workshop_batches:import_run", pk=batch.pk, run_pk=run.pk)
    queued = InventoryImport.objects.filter(pk=run.pk, status=InventoryImport.Status.DRAFT).update(
        status=InventoryImport.Status.QUEUED, rows_total=len(plan.to_create)
    )
    if queued:  # not when the button was pressed twice
        if len(plan.to_create) <= INLINE_IMPORT_ROWS:
            inventory.inventory_import_start(run_pk=run.pk, actor=request.user)
        else:
            enqueue(devices_tasks.inventory_import, run_pk=run.pk, actor_pk=request.user.pk)
    return redirect("workshop_batches:import_run", pk=batch.pk, run_pk=run.pk)


@operator_required
@require_GET
def inventory_import_progress(request, pk, run_pk):
    """The progress of an import, for its page's progress bar."""
    run = get_object_or_404(
        InventoryImport.objects.filter(batch__in=workshop_batches(request.user)), pk=run_pk, batch=pk
    )
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "rows_done": run.rows_done,
            "rows_total": run.rows_total,
            "percent": run.progress_percent,
            "finished": run.status in (InventoryImport.Status.DONE, InventoryImport.Status.FAILED),
        }
    )


@operator_required
def quick_entry(request):
    """Scan a serial or an asset tag: a known device opens, an unknown serial is registered in the batch."""
    remembered = request.session.get(QUICK_ENTRY_SESSION_KEY, {})
    scope = {"devices": workshop_devices(request.user), "batches": workshop_batches(request.user)}
    matches = []
    if request.method == "POST":
        form = forms.QuickEntryForm(request.POST, **scope)
        if form.is_valid():
            batch, category = form.cleaned_data["batch"], form.cleaned_data["category"]
            remembered = {"batch": batch.pk if batch else None, "category": category, "last": remembered.get("last")}
            request.session[QUICK_ENTRY_SESSION_KEY] = remembered
            matches = form.matches
            if len(matches) == 1:
                return redirect(device_url(matches[0]))
            if not matches:
                try:
                    device = services.device_register(
                        batch=batch, category=category, serial=form.cleaned_data["code"], actor=request.user
                    )
                except ValidationError as exc:
                    show_refusal(request, form, exc)
                else:
                    remembered["last"] = device.pk
                    request.session[QUICK_ENTRY_SESSION_KEY] = remembered
                    messages.success(
                        request,
                        _("Device registered with the asset tag %(tag)s.") % {"tag": device.asset_tag},
                    )
                    return redirect("workshop_quick_entry:index")
        # Ready for the next scan: the code input is empty again (the message repeats the code).
        form.data = form.data.copy()
        form.data["code"] = ""
    else:
        form = forms.QuickEntryForm(
            **scope,
            initial={
                "batch": request.GET.get("batch") or remembered.get("batch"),
                "category": request.GET.get("category") or remembered.get("category"),
            },
        )
    last = None
    if remembered.get("last"):
        last = scope["devices"].filter(pk=remembered["last"]).select_related("batch__donor").first()
    return render(request, "devices/admin/quick_entry.html", {"form": form, "matches": matches, "last": last})


# --- Erasure runs --------------------------------------------------------------------------------


def _events_from_session(request, key):
    pks = request.session.pop(key, None)
    if not pks:
        return None
    return list(DeviceEvent.objects.filter(pk__in=pks).select_related("device").order_by("device__asset_tag"))


@operator_required
def bulk_erasure(request):
    """One erasure run for many devices, with one certificate: all of them or none."""
    if request.method == "POST":
        form = forms.BulkErasureForm(request.POST, request.FILES, devices=workshop_devices(request.user))
        if form.is_valid():
            try:
                events = services.devices_erase_bulk(
                    devices=form.cleaned_data["devices"], actor=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                show_refusal(request, form, exc)
            else:
                request.session[BULK_ERASURE_RESULT_KEY] = [event.pk for event in events]
                messages.success(request, _("Erasure recorded for %(count)d device(s).") % {"count": len(events)})
                return redirect("workshop_bulk_erasure:index")
        else:
            messages.error(request, _("The form has errors: check the highlighted fields."))
    else:  # the device list's bulk action hands its selection over
        form = forms.BulkErasureForm(initial={"devices": request.GET.get("appareils", "")})
    return render(
        request,
        "devices/admin/bulk_erasure.html",
        {"form": form, "events": _events_from_session(request, BULK_ERASURE_RESULT_KEY)},
    )


@operator_required
def erasure_report(request):
    """Import an erasure tool's CSV report (serial or asset tag, method, tool, result, date, operator)."""
    errors = None
    if request.method == "POST":
        form = forms.ErasureReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                events = imports.import_erasure_report(
                    content=form.cleaned_data["file"].read(),
                    actor=request.user,
                    certificate=form.cleaned_data["certificate"],
                    devices=workshop_devices(request.user),
                )
            except imports.ImportRejected as exc:
                errors = exc.errors
                messages.error(request, " ".join(exc.messages))
            else:
                request.session[ERASURE_REPORT_RESULT_KEY] = [event.pk for event in events]
                messages.success(request, _("%(count)d erasure(s) recorded.") % {"count": len(events)})
                return redirect("workshop_erasure_report:index")
    else:
        form = forms.ErasureReportForm()
    return render(
        request,
        "devices/admin/erasure_report.html",
        {
            "form": form,
            "errors": errors,
            "events": _events_from_session(request, ERASURE_REPORT_RESULT_KEY),
            "columns": ERASURE_REPORT_COLUMNS,
        },
    )
