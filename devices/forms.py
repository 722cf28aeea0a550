"""Forms of the workshop back office. They validate what people type; `devices.services` does the work.

Each action form of the device page hands `service_kwargs()` to its service function, so the field
names follow the services' keyword arguments.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from devices import services
from devices.inventory import TARGET_FIELD, TARGETS
from devices.models import (
    Association,
    Device,
    DevicePhoto,
    Donor,
    IntakeBatch,
    Membership,
)
from devices.tags import asset_tag_normalize
from devices.uploads import CERTIFICATE_UPLOAD, HARDWARE_REPORT_UPLOAD, REPORT_UPLOAD, TABLE_UPLOAD

Category = Device.Category
MAX_BULK_LINES = 1000

# The functions checked by a functional test, by device category. The label (in the language of the
# person recording the test) is what the event keeps and what the public passport shows.
TEST_FUNCTIONS = {
    "power": pgettext_lazy("tested function", "power"),
    "screen": pgettext_lazy("tested function", "screen"),
    "keyboard": pgettext_lazy("tested function", "keyboard"),
    "touchpad": pgettext_lazy("tested function", "touchpad"),
    "touchscreen": pgettext_lazy("tested function", "touchscreen"),
    "usb": pgettext_lazy("tested function", "USB ports"),
    "wifi": pgettext_lazy("tested function", "Wi-Fi"),
    "network": pgettext_lazy("tested function", "wired network"),
    "webcam": pgettext_lazy("tested function", "webcam"),
    "camera": pgettext_lazy("tested function", "camera"),
    "audio": pgettext_lazy("tested function", "audio"),
    "video": pgettext_lazy("tested function", "video output"),
    "battery": pgettext_lazy("tested function", "battery"),
    "panel": pgettext_lazy("tested function", "panel"),
    "video_inputs": pgettext_lazy("tested function", "video inputs"),
    "disks": pgettext_lazy("tested function", "disks"),
}
CATEGORY_TEST_FUNCTIONS = {
    Category.LAPTOP: ["power", "screen", "keyboard", "touchpad", "usb", "wifi", "webcam", "audio", "battery"],
    Category.DESKTOP: ["power", "usb", "network", "audio", "video"],
    Category.SCREEN: ["power", "panel", "video_inputs"],
    Category.SERVER: ["power", "disks", "network"],
    Category.TABLET: ["power", "screen", "touchscreen", "wifi", "camera", "audio", "battery"],
    Category.SMARTPHONE: ["power", "screen", "touchscreen", "wifi", "camera", "audio", "battery"],
    Category.OTHER: ["power"],
}
ERASURE_RESULT_CHOICES = [("success", _("Success")), ("failure", _("Failure"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _note_field(label=None, required=False):
    return forms.CharField(
        label=label or _("Note"), required=required, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
    )


def _pdf_field(label, help_text=""):
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text or _("PDF, 10 MB at most."),
        validators=[CERTIFICATE_UPLOAD],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class PastDateField(forms.DateField):
    """A day, today by default, never in the future. Today means now: the event keeps the time of day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _date_input())
        kwargs.setdefault("initial", timezone.localdate)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")

    def clean(self, value):
        day = super().clean(value)
        return timezone.now() if day == timezone.localdate() else day


def devices_matching(reference: str, devices=None) -> list[Device]:
    """The devices (among `devices`, all by default) an asset tag or a serial number (any case) designates."""
    devices = Device.objects.all() if devices is None else devices
    reference = (reference or "").strip()
    if not reference:
        return []
    tag = asset_tag_normalize(reference)
    if tag:
        found = list(devices.filter(asset_tag=tag))
        if found:
            return found
    return list(devices.annotate(serial_lower=Lower("serial")).filter(serial_lower=reference.lower()).order_by("pk"))


# --- Actions of the device page ---------------------------------------------------------------------


class ActionForm(forms.Form):
    """A step recorded on one device; `service_kwargs()` are the keyword arguments of its service."""

    def __init__(self, *args, device: Device | None = None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class CleanForm(ActionForm):
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()


class TestForm(ActionForm):
    """A checklist of the device's functions: tick each one that works, an unticked one failed."""

    passed = forms.MultipleChoiceField(
        label=_("Functions that work"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every function that works; an unticked function is recorded as failed."),
    )
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.device.category if self.device else Category.OTHER
        self.function_codes = CATEGORY_TEST_FUNCTIONS.get(category, CATEGORY_TEST_FUNCTIONS[Category.OTHER])
        self.fields["passed"].choices = [(code, TEST_FUNCTIONS[code]) for code in self.function_codes]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        checklist = {str(TEST_FUNCTIONS[code]): code in data["passed"] for code in self.function_codes}
        return {"checklist": checklist, "note": data["note"], "occurred_at": data["occurred_at"]}


class ErasureFieldsForm(ActionForm):
    method = forms.CharField(
        label=_("Method or standard"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "NIST SP 800-88 Purge"}),
    )
    tool = forms.CharField(
        label=_("Tool"), max_length=120, required=False, widget=forms.TextInput(attrs={"placeholder": "nwipe"})
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=ERASURE_RESULT_CHOICES, initial="success", widget=forms.RadioSelect
    )
    operator = forms.CharField(label=_("Operator"), max_length=120, required=False)
    erased_on = PastDateField(label=_("Erased on"))
    certificate = _pdf_field(_("Erasure certificate"))
    note = _note_field()


class EraseForm(ErasureFieldsForm):
    pass


class InstallOsForm(ActionForm):
    os = forms.CharField(label=_("Operating system"), max_length=80)
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.device and self.device.os:
            self.fields["os"].initial = self.device.os


class GradeForm(ActionForm):
    grade = forms.ChoiceField(label=_("Grade"), choices=Device.Grade.choices, widget=forms.RadioSelect)
    battery_health = forms.IntegerField(label=_("Battery health (%)"), min_value=0, max_value=100, required=False)
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.device:
            self.fields["grade"].initial = self.device.grade or None
            self.fields["battery_health"].initial = self.device.battery_health
            self.fields["grade"].help_text = " ".join(
                f"{value}: {criteria}" for value, criteria in Device.GRADE_CRITERIA.items()
            )


class MultiplePhotoInput(forms.ClearableFileInput):
    """Several photos at once; on a phone, `capture` opens the rear camera."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__(
            {"accept": "image/jpeg,image/png,image/webp,image/heic", "capture": "environment", **(attrs or {})}
        )


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PhotosForm(ActionForm):
    """The technician photographs the device (several photos, described once; the first may become main)."""

    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG, WebP or HEIC (phones), up to 15 MB each and 10 at a time."),
    )
    alt = forms.CharField(
        label=_("What the photos show (alt text)"),
        max_length=200,
        help_text=_("For people who cannot see them: e.g. “open, keyboard and screen; slight scratch on the lid”."),
    )
    main = forms.BooleanField(label=_("The first of these is the main photo"), required=False)


class PhotoChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, photo):
        return photo.alt


class PhotoMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, photo):
        return photo.alt


class PhotosArrangeForm(ActionForm):
    main = PhotoChoiceField(
        label=_("Main photo"), queryset=DevicePhoto.objects.none(), required=False, widget=forms.RadioSelect
    )
    remove = PhotoMultipleChoiceField(
        label=_("Remove"), queryset=DevicePhoto.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.device:
            photos = self.device.photos.all()
            self.fields["main"].queryset = self.fields["remove"].queryset = photos
            self.fields["main"].initial = next((photo.pk for photo in photos if photo.is_main), None)


class RepairForm(ActionForm):
    parts = forms.CharField(label=_("Parts replaced"), widget=forms.Textarea(attrs={"rows": 2, "cols": 40}))
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()


class ListForSaleForm(ActionForm):
    listing = forms.CharField(
        label=_("Shop listing"), max_length=120, required=False, help_text=_("Reference of the shop product, if known.")
    )


class UnlistForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ReserveForm(ActionForm):
    pass


class ReleaseForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class RecycleForm(ActionForm):
    channel = forms.CharField(
        label=_("DEEE channel"), max_length=150, help_text=_("The approved e-waste channel or collector.")
    )
    certificate = _pdf_field(_("Recycling certificate"))
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()


class HarvestForm(ActionForm):
    parts = forms.CharField(label=_("Parts kept"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}))
    occurred_at = PastDateField(label=_("Date"), required=False)
    note = _note_field()


class TransferForm(ActionForm):
    to_association = forms.ModelChoiceField(label=_("To the association"), queryset=Association.objects.all())
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.device:
            self.fields["to_association"].queryset = Association.objects.exclude(pk=self.device.association_id)


class TransferReceiveForm(ActionForm):
    note = _note_field()


class TransferCancelForm(ActionForm):
    reason = _note_field(_("Reason"))


class CorrectionForm(ActionForm):
    """Correct one recorded characteristic; the log keeps the old and the new value."""

    field = forms.ChoiceField(label=_("Field"))
    value = forms.CharField(
        label=_("New value"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to clear an optional value."),
    )
    note = _note_field(label=_("Reason"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, Device._meta.get_field(name).verbose_name.capitalize()) for name in services.SPEC_FIELDS
        ]

    def clean(self):
        cleaned = super().clean()
        name, raw = cleaned.get("field"), cleaned.get("value", "")
        if not name:
            return cleaned
        model_field = Device._meta.get_field(name)
        if model_field.choices:
            by_text = {}
            for value, label in model_field.choices:
                by_text[str(value).lower()] = value
                by_text[str(label).lower()] = value
            raw = by_text.get(raw.strip().lower(), raw)
        try:
            cleaned["value"] = model_field.formfield().clean(raw)
        except ValidationError as exc:
            self.add_error("value", exc)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"changes": {data["field"]: data["value"]}, "note": data["note"]}


# --- Workshop pages ---------------------------------------------------------------------------------


class QuickEntryForm(forms.Form):
    """A scanner types a serial or an asset tag and presses Enter."""

    code = forms.CharField(
        label=_("Serial number or asset tag"),
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}),
    )
    batch = forms.ModelChoiceField(
        label=_("Intake batch"),
        queryset=IntakeBatch.objects.select_related("donor"),
        required=False,
        help_text=_("Needed to register an unknown serial; kept between scans."),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", "---------"), *Category.choices],
        required=False,
        help_text=_("Needed to register an unknown serial; kept between scans."),
    )

    def __init__(self, *args, devices=None, batches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = Device.objects.all() if devices is None else devices
        if batches is not None:
            self.fields["batch"].queryset = batches.select_related("donor")

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("code") or "").strip()
        self.matches = devices_matching(code, self.devices) if code else []
        if code and not self.matches:
            if asset_tag_normalize(code):
                self.add_error("code", _("No device has the asset tag “%(code)s”.") % {"code": code})
            elif not cleaned.get("batch") or not cleaned.get("category"):
                self.add_error(
                    "code",
                    _("No device has the serial number “%(code)s”. Choose a batch and a category to register it.")
                    % {"code": code},
                )
        cleaned["code"] = code
        return cleaned


class InventoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Inventory file"),
        help_text=_("CSV (any delimiter, UTF-8 or Windows-1252), XLSX or ODS; 20 MB at most."),
        validators=[TABLE_UPLOAD],
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,.ods,.xls,text/csv,application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"
            }
        ),
    )


class InventoryMappingForm(forms.Form):
    """The preview's mapping: one target per column of the file, a category for rows without one."""

    default_category = forms.ChoiceField(
        label=_("Category of rows without one"),
        required=False,
        choices=[("", _("None: such a row is an error"))] + list(Device.Category.choices),
    )
    skip_errors = forms.BooleanField(
        label=_("Import the valid rows and skip the rows with errors (they are listed in the import's report)"),
        required=False,
    )
    save_profile = forms.BooleanField(label=_("Save this mapping for the donor's next files"), required=False)

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— ignored —"))] + [(key, label) for key, label in TARGETS.items()]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[self.column_field(index)] = forms.ChoiceField(label=header, choices=choices, required=False)
        self.order_fields([self.column_field(index) for index in range(len(headers))])

    @staticmethod
    def column_field(index: int) -> str:
        return f"column_{index}"

    def column_fields(self):
        return [self[self.column_field(index)] for index in range(len(self.headers))]

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            name = self.column_field(index)
            target = cleaned.get(name, "")
            registry_field = TARGET_FIELD.get(target, target)
            if registry_field and registry_field in seen:
                self.add_error(
                    name,
                    _("This field is already given to the column “%(header)s”.") % {"header": seen[registry_field]},
                )
            elif registry_field:
                seen[registry_field] = header
        if "serial" not in seen:
            self.add_error(None, _("Choose the column that holds the serial numbers."))
        return cleaned

    @property
    def columns(self) -> list[str]:
        return [self.cleaned_data.get(self.column_field(index), "") for index in range(len(self.headers))]


class ErasureReportForm(forms.Form):
    file = forms.FileField(
        label=_("Erasure report"),
        help_text=_("nwipe log, CSV, JSON, XLSX or ODS; 10 MB at most."),
        validators=[REPORT_UPLOAD],
        widget=forms.ClearableFileInput(attrs={"accept": ".log,.txt,.csv,.json,.xlsx,.ods"}),
    )
    certificate = _pdf_field(
        _("Certificate of the run"), help_text=_("Optional: one PDF attached to every erasure of the report.")
    )


class BulkErasureForm(ErasureFieldsForm):
    """One erasure run: the same method, result and certificate for many devices."""

    devices = forms.CharField(
        label=_("Devices"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 30, "autofocus": True, "spellcheck": "false"}),
        help_text=_("One asset tag or serial number per line: scan them one after the other."),
    )
    field_order = ["devices"]

    def __init__(self, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = Device.objects.all() if devices is None else devices

    def clean_devices(self) -> list[Device]:
        lines = [(number, line.strip()) for number, line in enumerate(self.cleaned_data["devices"].splitlines(), 1)]
        lines = [(number, line) for number, line in lines if line]
        if not lines:
            raise ValidationError(_("Scan or type at least one device."))
        if len(lines) > MAX_BULK_LINES:
            raise ValidationError(_("At most %(max)d devices per run.") % {"max": MAX_BULK_LINES})
        # Two queries whatever the number of lines: by asset tag, then by serial (any case).
        tags = {asset_tag_normalize(line) for _number, line in lines} - {None}
        by_tag = {device.asset_tag: device for device in self.scope.filter(asset_tag__in=tags)}
        by_serial: dict[str, list[Device]] = {}
        serials = {line.lower() for _number, line in lines}
        for device in self.scope.annotate(serial_lower=Lower("serial")).filter(serial_lower__in=serials):
            by_serial.setdefault(device.serial_lower, []).append(device)
        found: dict[int, Device] = {}
        errors = []
        for number, line in lines:
            tag = asset_tag_normalize(line)
            matches = [by_tag[tag]] if tag in by_tag else by_serial.get(line.lower(), [])
            if not matches:
                errors.append(_("Line %(line)d: no device matches “%(ref)s”.") % {"line": number, "ref": line})
            elif len(matches) > 1:
                errors.append(
                    _("Line %(line)d: several devices have the serial “%(ref)s”; give the asset tag.")
                    % {"line": number, "ref": line}
                )
            else:
                found.setdefault(matches[0].pk, matches[0])
        if errors:
            raise ValidationError(errors)
        return list(found.values())

    def service_kwargs(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "devices"}


# --- Model forms ----------------------------------------------------------------------------------


class UserEmailsField(forms.Field):
    """Accounts designated by their e-mail addresses, one per line: no list of every account is shown."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})
    _split = re.compile(r"[\s,;]+")

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value or ""
        users = list(value)
        pks = [u for u in users if not hasattr(u, "email")]
        if pks:
            users = [u for u in users if hasattr(u, "email")] + list(get_user_model().objects.filter(pk__in=pks))
        return "\n".join(sorted(user.email for user in users))

    def to_python(self, value) -> list[str]:
        emails = []
        for item in self._split.split(value or ""):
            item = item.strip().lower()
            if item and item not in emails:
                emails.append(item)
        return emails

    def validate(self, value):
        super().validate(value)
        for email in value:
            validate_email(email)

    def clean(self, value):
        emails = super().clean(value)
        User = get_user_model()
        users = list(User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails))
        missing = sorted(set(emails) - {user.email.lower() for user in users})
        if missing:
            raise ValidationError(
                _("No account uses these addresses: %(emails)s. The person must create an account first.")
                % {"emails": ", ".join(missing)}
            )
        return users

    def has_changed(self, initial, data):
        before = {email.lower() for email in self.prepare_value(initial or []).split()}
        return before != set(self.to_python(data))


class DonorForm(WagtailAdminModelForm):
    users = UserEmailsField(
        label=_("Portal users"),
        required=False,
        help_text=_(
            "E-mail addresses of the donor's people who see its batches in the donor portal, one per line. "
            "Each must already have an account."
        ),
    )

    class Meta:
        model = Donor
        fields = ["name", "kind", "public_name_agreed", "contact_name", "contact_email", "users"]

    def clean_users(self):
        """The donor portal shows the donor's batches at every member: its users are the donor's own people,
        never a member's staff (who would read other members' batches through it)."""
        users = self.cleaned_data["users"]
        staff = sorted(user.email for user in users if user.is_staff or user.memberships.exists())
        if staff:
            raise ValidationError(
                _("%(emails)s: a member's staff account cannot be a portal user of a donor.")
                % {"emails": ", ".join(staff)}
            )
        return users


class UserEmailField(forms.EmailField):
    """One account designated by its e-mail address (no list of every account is shown)."""

    def prepare_value(self, value):
        if isinstance(value, int):
            value = get_user_model().objects.filter(pk=value).values_list("email", flat=True).first()
        return getattr(value, "email", value)

    def clean(self, value):
        email = super().clean(value)
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(
                _("No account uses the address %(email)s: the person must create an account first.") % {"email": email}
            )
        return user


class MembershipForm(WagtailAdminModelForm):
    user = UserEmailField(label=_("Person's e-mail"), help_text=_("The person must already have an account."))

    class Meta:
        model = Membership
        fields = ["user", "association", "role"]


# --- Hardware probe -----------------------------------------------------------------------------------


class ProbeTokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=100, help_text=_("The bench or person using it."))
    association = forms.ModelChoiceField(label=_("Member association"), queryset=Association.objects.none())

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        if len(associations) == 1:
            self.fields["association"].initial = associations[0].pk


class HardwareReportUploadForm(ProbeTokenForm):
    name = None
    file = forms.FileField(
        label=_("Report of the probe (JSON file)"),
        help_text=_("The file written by “reemploi-probe --output” on a machine without network; 2 MB at most."),
        validators=[HARDWARE_REPORT_UPLOAD],
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    field_order = ["file", "association"]


class ReportRegisterForm(forms.Form):
    """Register the device a waiting report describes, in one of my batches."""

    batch = forms.ModelChoiceField(label=_("Intake batch"), queryset=IntakeBatch.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Device.Category.choices)

    def __init__(self, *args, batches, report, **kwargs):
        super().__init__(*args, prefix=f"report-{report.pk}", **kwargs)
        self.fields["batch"].queryset = batches.select_related("donor")
        category = (report.facts or {}).get("category")
        if category in Device.Category.values:
            self.fields["category"].initial = category
