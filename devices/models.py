"""The device registry: donors, intake batches, devices and their append-only event log."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from devices.tags import asset_tag_generate
from reemploi.validators import (
    compact_normalize,
    postcode_normalize,
    rna_normalize,
    siret_normalize,
    validate_bic,
    validate_french_postcode,
    validate_french_vat_number,
    validate_iban,
    validate_rna,
    validate_siret,
)


class PrivateStorage(LazyObject):
    """The `private` storage of settings.STORAGES: never under MEDIA_URL."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def private_storage_of_settings():
    """The field's storage, as a callable so that migrations name it instead of freezing a path."""
    return private_storage


def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_forget_private_storage, dispatch_uid="devices-private-storage")

# A département (35, 2A, 974) or a commune's INSEE code (35238, 2A004, 97411), not a postcode: metropolitan
# départements run 01–95 with Corsica as 2A/2B (never 20), overseas ones 971–976 (a commune adds 2 digits).
TERRITORY_RE = re.compile(
    r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$"
    r"|^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5])\d{3}$"
    r"|^97[1-6]\d{2}$"
)
territory_validator = RegexValidator(
    TERRITORY_RE,
    _("Give a département code (35, 2A, 974) or a commune INSEE code (35238)."),
)


def department_of(territory: str) -> str:
    """The département code of a département or commune INSEE code."""
    return territory[:3] if territory.startswith("97") else territory[:2]


def department_of_postcode(postcode: str) -> str:
    """The département of a French postcode (35000 → 35, 20000 → 2A, 20200 → 2B, 97400 → 974)."""
    postcode = (postcode or "").strip()
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValidationError({"postcode": _("Give a French postcode of five digits.")})
    if postcode.startswith("97"):
        department = postcode[:3]
    elif postcode.startswith("20"):
        department = "2A" if int(postcode) < 20200 else "2B"
    else:
        department = postcode[:2]
    try:
        territory_validator(department)
    except ValidationError:
        raise ValidationError({"postcode": _("This postcode is not in a French département.")}) from None
    return department


class MemberLabel(models.Model):
    """A label or certification a member association holds (Ordi 3.0, DEEE, ISO 9001…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self):
        return self.name


class Association(models.Model):
    """A member association of the network: collects, refurbishes and holds devices.

    One record for every part of the platform: the member page (`content`) adds its editorial text, the
    shop's pickup place, the rental pool, the e-mails, invoices and agreements read the identity, address
    and hours from here. Nothing of it is typed twice.
    """

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association (loi 1901)")
        SCIC = "scic", _("Cooperative (SCIC)")
        COMPANY = "company", _("Company of the social economy")
        OTHER = "other", _("Other")

    class VatStatus(models.TextChoices):
        """How the member's sales are taxed: the wording its invoices carry and the Factur-X VAT category."""

        FRANCHISE = "franchise", _("Not liable for VAT (franchise, article 293 B of the French tax code)")
        MARGIN = "margin", _("VAT on the margin (used goods, article 297 A of the French tax code)")

    SERVICE_FIELDS = ("offers_sale", "offers_rental", "offers_repair", "offers_training", "offers_collection")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("identifier"), unique=True, help_text=_("In addresses: /reseau/<identifier>/."))
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.ASSOCIATION
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(
        _("RNA number"), max_length=10, blank=True, validators=[validate_rna], help_text=_("For associations.")
    )
    # As a seller: the member's invoices, credit notes and quotes carry its own identity and bank details.
    vat_status = models.CharField(
        _("VAT status"), max_length=10, choices=VatStatus.choices, default=VatStatus.FRANCHISE
    )
    vat_number = models.CharField(
        _("VAT number"), max_length=13, blank=True, validators=[validate_french_vat_number], help_text=_("FR…")
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    payment_days = models.PositiveSmallIntegerField(
        _("payment period (days)"),
        default=30,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "Invoices on transfer or mandat administratif are due this many days after issue (30 for "
            "public buyers, at most 60)."
        ),
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_french_postcode])
    city = models.CharField(_("city"), max_length=100, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True, help_text=_("From the postcode."))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True, help_text=_("One line per day or period."))
    offers_sale = models.BooleanField(_("sale"), default=False)
    offers_rental = models.BooleanField(_("rental"), default=False)
    offers_repair = models.BooleanField(_("repair"), default=False)
    offers_training = models.BooleanField(_("training"), default=False)
    offers_collection = models.BooleanField(_("collection"), default=False)
    labels = models.ManyToManyField(MemberLabel, verbose_name=_("labels"), blank=True, related_name="associations")
    is_demo = models.BooleanField(
        _("demo association"), default=False, help_text=_("Invented for the demonstration: shown as such.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("member association")
        verbose_name_plural = _("member associations")
        permissions = [("coordinate_network", _("Can see and act for every member of the network"))]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Numbers as people type them ("356 000 000 00048", "w35…", "35 000") are checked once normalised.
        self.siret = siret_normalize(self.siret)
        self.rna = rna_normalize(self.rna)
        self.postcode = postcode_normalize(self.postcode)
        self.vat_number = compact_normalize(self.vat_number)
        self.iban = compact_normalize(self.iban)
        self.bic = compact_normalize(self.bic)
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.postcode:
            self.department = department_of_postcode(self.postcode)
        if self.vat_status == self.VatStatus.MARGIN and not self.vat_number:
            raise ValidationError(
                {"vat_number": _("A member taxed on the margin has a VAT number: it is on every invoice.")}
            )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def services(self) -> list[str]:
        return [self._meta.get_field(name).verbose_name for name in self.SERVICE_FIELDS if getattr(self, name)]

    def opening_hours_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    def address_lines(self) -> list[str]:
        return [part for part in (self.street, f"{self.postcode} {self.city}".strip()) if part]

    def legal_identity(self) -> str:
        """The member as a legal entity, for agreements and documents: name, legal form, numbers, address."""
        parts = [self.name, self.get_legal_form_display()]
        if self.siret:
            parts.append(_("SIRET %(siret)s") % {"siret": self.siret})
        if self.rna:
            parts.append(_("RNA %(rna)s") % {"rna": self.rna})
        address = ", ".join(self.address_lines())
        if address:
            parts.append(address)
        return ", ".join(str(part) for part in parts)


class Membership(models.Model):
    """A person's role at a member association. The role gives the permissions of its back office
    (`settings.MEMBER_ROLE_PERMISSIONS`, through `devices.backends.MembershipBackend`), and every back office
    lists and acts on the objects of the user's own associations only; a network coordinator sees all."""

    class Role(models.TextChoices):
        TECHNICIAN = "technician", _("Workshop technician")
        SHOP_COUNTER = "shop_counter", _("Shop counter")
        RENTAL_OFFICER = "rental_officer", _("Rental officer")
        MEMBER_ADMIN = "member_admin", _("Member administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("member association"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["association__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "association", "role"], name="devices_membership_once_per_role")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.association}"


class Donor(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        PUBLIC_BODY = "public_body", _("Public body")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        INDIVIDUAL = "individual", _("Individual")

    # What the public passport says of a device's origin: a category, never the donor's identity.
    ORIGIN_LABELS = {
        Kind.LOCAL_AUTHORITY: _("Donated by a local authority"),
        Kind.PUBLIC_BODY: _("Donated by a public body"),
        Kind.COMPANY: _("Donated by a company"),
        Kind.ASSOCIATION: _("Donated by an association"),
        Kind.INDIVIDUAL: _("Donated by an individual"),
    }

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    public_name_agreed = models.BooleanField(
        _("name may appear on device passports"),
        default=False,
        help_text=_("Tick only with the donor's written agreement."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal users"),
        blank=True,
        related_name="donors",
        help_text=_("People of the donor who see its batches in the donor portal."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self):
        return self.name

    def origin_label(self):
        label = self.ORIGIN_LABELS[self.Kind(self.kind)]
        if self.public_name_agreed and self.kind != self.Kind.INDIVIDUAL:
            return f"{label} ({self.name})"
        return label


class IntakeBatch(models.Model):
    donor = models.ForeignKey(Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="batches")
    association = models.ForeignKey(
        Association, verbose_name=_("collecting association"), on_delete=models.PROTECT, related_name="batches"
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    reference = models.CharField(_("contract or reference"), max_length=100, blank=True)
    declared_laptops = models.PositiveIntegerField(_("declared laptops"), default=0)
    declared_desktops = models.PositiveIntegerField(_("declared desktops"), default=0)
    declared_screens = models.PositiveIntegerField(_("declared screens"), default=0)
    declared_other = models.PositiveIntegerField(_("declared other devices"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("intake batch")
        verbose_name_plural = _("intake batches")

    def __str__(self):
        ref = f" – {self.reference}" if self.reference else ""
        return f"{self.donor} – {self.received_on:%d/%m/%Y}{ref}"

    @property
    def declared_total(self):
        return self.declared_laptops + self.declared_desktops + self.declared_screens + self.declared_other


class Device(models.Model):
    class Category(models.TextChoices):
        LAPTOP = "laptop", _("Laptop")
        DESKTOP = "desktop", _("Desktop")
        SCREEN = "screen", _("Screen")
        SERVER = "server", _("Server")
        TABLET = "tablet", _("Tablet")
        SMARTPHONE = "smartphone", _("Smartphone")
        OTHER = "other", _("Other")

    class StorageKind(models.TextChoices):
        NONE = "", _("None")
        HDD = "hdd", _("Hard disk (HDD)")
        SSD = "ssd", _("SSD")
        NVME = "nvme", _("NVMe SSD")
        EMMC = "emmc", _("eMMC")

    class Grade(models.TextChoices):
        A = "A", _("Grade A – very good condition")
        B = "B", _("Grade B – good condition")
        C = "C", _("Grade C – fair condition")

    # Published on the passport and in the shop: what each grade means.
    GRADE_CRITERIA = {
        Grade.A: _("Light signs of use, hardly visible; screen without marks; battery at 80 % or more."),
        Grade.B: _("Visible light scratches on the case; screen without marks; battery at 70 % or more."),
        Grade.C: _("Marked signs of use (scratches, small dents) that do not affect any function."),
    }

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_WORKSHOP = "in_workshop", _("In the workshop")
        READY = "ready", _("Ready (erased and graded)")
        LISTED = "listed", _("Listed for sale")
        RESERVED = "reserved", _("Reserved for rental")
        SOLD = "sold", _("Sold")
        RENTED = "rented", _("Rented")
        DONATED = "donated", _("Donated")
        RECYCLED = "recycled", _("Recycled (DEEE)")
        PARTS = "parts", _("Harvested for parts")
        IN_TRANSIT = "in_transit", _("In transit to another association")
        ALLOCATED = "allocated", _("Allocated to a relay partner")
        AT_PARTNER = "at_partner", _("At the relay partner")

    REUSED = (Status.SOLD, Status.RENTED, Status.DONATED)
    ENDED = (Status.RECYCLED, Status.PARTS)

    asset_tag = models.CharField(_("asset tag"), max_length=7, unique=True, default=asset_tag_generate, editable=False)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    donor_reference = models.CharField(
        _("donor's inventory number"),
        max_length=100,
        blank=True,
        help_text=_("The number the donor knows the device by (its asset management's inventory number)."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    cpu = models.CharField(_("processor"), max_length=120, blank=True)
    ram_gb = models.PositiveSmallIntegerField(_("memory (GB)"), null=True, blank=True)
    storage_kind = models.CharField(_("storage kind"), max_length=10, choices=StorageKind.choices, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    screen_inches = models.DecimalField(
        _("screen size (inches)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    os = models.CharField(_("operating system"), max_length=80, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    battery_health = models.PositiveSmallIntegerField(
        _("battery health (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    batch = models.ForeignKey(
        IntakeBatch, verbose_name=_("intake batch"), on_delete=models.PROTECT, related_name="devices"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("holding association"), on_delete=models.PROTECT, related_name="devices"
    )
    # While in transit: the association it was sent to, which becomes the holder when it records the receipt.
    transfer_to = models.ForeignKey(
        Association,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="incoming_devices",
        null=True,
        blank=True,
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    # Maintained by the services, checked against the event log before every outcome.
    needs_erasure = models.BooleanField(_("needs an erasure"), default=True, editable=False)
    tests_passed = models.BooleanField(_("all functions tested OK"), default=False, editable=False)
    # The current outcome, for reports: categories only, never a person's identity.
    outcome_category = models.CharField(_("beneficiary category"), max_length=30, blank=True, editable=False)
    outcome_territory = models.CharField(_("territory"), max_length=5, blank=True, editable=False)
    outcome_department = models.CharField(_("département"), max_length=3, blank=True, editable=False)
    # Who handed it to its beneficiary, for a donation through a relay partner: the partner's kind only.
    outcome_partner_kind = models.CharField(_("handed over by"), max_length=20, blank=True, editable=False)
    outcome_at = models.DateTimeField(_("outcome on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "serial"], condition=~models.Q(serial=""), name="devices_unique_brand_serial"
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"]), models.Index(fields=["serial"])]
        permissions = [("operate_device", _("Can record workshop steps and outcomes"))]

    def __str__(self):
        label = " ".join(part for part in (self.brand, self.model) if part) or self.get_category_display()
        return f"{self.asset_tag} – {label}"

    def grade_criteria(self):
        return self.GRADE_CRITERIA.get(self.grade, "") if self.grade else ""

    @property
    def is_reused(self):
        return self.status in self.REUSED


class DeviceDisk(models.Model):
    """A disk found in a device by a hardware report: an erasure tool's report names disks, not devices."""

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="disks")
    serial = models.CharField(_("serial number"), max_length=100)
    model = models.CharField(_("model"), max_length=120, blank=True)
    size_gb = models.PositiveIntegerField(_("size (GB)"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Device.StorageKind.choices, blank=True)
    smart_passed = models.BooleanField(_("SMART self-assessment passed"), null=True, blank=True)
    power_on_hours = models.PositiveIntegerField(_("power-on hours"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported on"), default=timezone.now)

    class Meta:
        ordering = ["device", "serial"]
        verbose_name = _("disk")
        verbose_name_plural = _("disks")
        constraints = [models.UniqueConstraint(fields=["device", "serial"], name="devices_disk_once_per_device")]
        indexes = [models.Index(fields=["serial"])]

    def __str__(self):
        return f"{self.device.asset_tag}: {self.model} {self.serial}".strip()


class BeneficiaryCategory(models.TextChoices):
    """Who benefits from a device's second life, without saying who exactly."""

    INDIVIDUAL = "individual", _("Individual buyer")
    CCAS = "org_ccas", _("CCAS (social action centre)")
    ASSOCIATION = "org_association", _("Association")
    CRAFT_SHOP = "org_craft_shop", _("Craftsperson or shopkeeper")
    SCHOOL = "org_school", _("School")
    LOCAL_AUTHORITY = "org_local_authority", _("Local authority")
    OTHER_ORGANISATION = "org_other", _("Other organisation")
    REGION_TRAINEE = "region_trainee", _("Trainee of a Région-funded training")
    YOUTH_MISSION_LOCALE = "youth_mission_locale", _("Young person supported by a Mission locale")
    OTHER_PROGRAMME = "programme_other", _("Beneficiary of another programme")
    SOCIAL_REFERRAL = "social_referral", _("Person referred by a social partner (solidarity price)")


class PartnerKind(models.TextChoices):
    """The kind of relay partner that hands a donated device to its beneficiary: what the passport and the
    donor report say of it."""

    MISSION_LOCALE = "mission_locale", _("Mission locale")
    CCAS = "ccas", _("CCAS (social action centre)")
    SCHOOL = "school", _("School")
    ASSOCIATION = "association", _("Association")
    FRANCE_SERVICES = "france_services", _("France Services")
    OTHER = "other", _("Other social partner")


class AgeBracket(models.TextChoices):
    """A beneficiary's age, as reports count it: a bracket, never a birth date."""

    UNDER_16 = "under_16", _("Under 16")
    FROM_16_TO_25 = "16_25", _("16 to 25")
    FROM_26_TO_44 = "26_44", _("26 to 44")
    FROM_45_TO_64 = "45_64", _("45 to 64")
    FROM_65 = "65_plus", _("65 and over")
    UNKNOWN = "unknown", _("Not given")


class DeviceEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Device events are never modified: record a correction instead."))

    def delete(self):
        raise ValidationError(_("Device events are never deleted: record a correction instead."))


class DeviceEvent(models.Model):
    """One fact of a device's life. Append-only: never edited, never deleted."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        CLEANED = "cleaned", _("Cleaned")
        TESTED = "tested", _("Tested")
        ERASED = "erased", _("Data erasure")
        OS_INSTALLED = "os_installed", _("Operating system installed")
        GRADED = "graded", _("Graded")
        REPAIRED = "repaired", _("Repaired")
        LISTED = "listed", _("Listed for sale")
        UNLISTED = "unlisted", _("Withdrawn from sale")
        RESERVED = "reserved", _("Reserved for rental")
        RELEASED = "released", _("Released from the rental pool")
        SOLD = "sold", _("Sold")
        RENTED = "rented", _("Rented")
        RETURNED = "returned", _("Returned")
        DONATED = "donated", _("Donated")
        RECYCLED = "recycled", _("Recycled (DEEE)")
        HARVESTED = "harvested", _("Harvested for parts")
        TRANSFERRED = "transferred", _("Transferred to another association")  # one step, before 2026-12
        TRANSFER_SENT = "transfer_sent", _("Sent to another association")
        TRANSFER_RECEIVED = "transfer_received", _("Received from another association")
        TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer cancelled")
        CORRECTED = "corrected", _("Correction")
        ALLOCATED = "allocated", _("Allocated to a relay partner")
        PARTNER_RECEIVED = "partner_received", _("Received by the relay partner")
        HANDED_OVER = "handed_over", _("Handed over to a beneficiary")
        PARTNER_RETURNED = "partner_returned", _("Returned by the relay partner")
        CHANNEL_CHOSEN = "channel_chosen", _("Channel chosen")

    OUTCOMES = (Kind.SOLD, Kind.RENTED, Kind.DONATED, Kind.HANDED_OVER)

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded on"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.PROTECT, related_name="+"
    )
    status_before = models.CharField(_("status before"), max_length=20, choices=Device.Status.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=Device.Status.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    evidence = models.FileField(
        _("evidence file"),
        storage=private_storage_of_settings,
        upload_to="devices/evidence/%Y/%m/",
        blank=True,
        max_length=255,
    )
    note = models.TextField(_("note"), blank=True)

    objects = DeviceEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        indexes = [models.Index(fields=["device", "kind"])]

    def __str__(self):
        return f"{self.device.asset_tag} – {self.get_kind_display()} – {self.occurred_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Device events are never modified: record a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Device events are never deleted: record a correction instead."))

    @property
    def erasure_succeeded(self):
        return self.kind == self.Kind.ERASED and self.data.get("result") == "success"


class DevicePhoto(models.Model):
    """A photo a technician took of a device (at grading, from the workshop back office): stored as a Wagtail
    image in the "Appareils" collection, so its renditions (sizes, modern formats) are generated once and
    kept. The shop shows those of the devices it offers; the main one leads. Alt text is required."""

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.PROTECT, related_name="device_photos"
    )
    alt = models.CharField(
        _("description (alt text)"),
        max_length=200,
        help_text=_("What the photo shows, for people who cannot see it: “lid closed, slight scratch on the left”."),
    )
    is_main = models.BooleanField(_("main photo"), default=False)
    taken_at = models.DateTimeField(_("taken on"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-is_main", "taken_at", "pk"]
        verbose_name = _("device photo")
        verbose_name_plural = _("device photos")
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=models.Q(is_main=True), name="devices_one_main_photo_per_device"
            )
        ]

    def __str__(self):
        return f"{self.device.asset_tag}: {self.alt}"


class ImportProfile(models.Model):
    """How a donor's inventory files map to the registry: saved from an import's preview, proposed for the
    donor's next files. Columns are known by their header, normalised (`devices.inventory.header_key`)."""

    donor = models.OneToOneField(
        Donor, verbose_name=_("donor"), on_delete=models.CASCADE, related_name="import_profile"
    )
    columns = models.JSONField(_("columns"), default=dict, blank=True)  # header key → target ("" ignored)
    default_category = models.CharField(_("default category"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")

    def __str__(self):
        return str(self.donor)


class InventoryImport(models.Model):
    """One inventory file uploaded for a batch: previewed and mapped, then imported (by a worker for a
    large file, its progress kept here). The file stays in private storage as the import's evidence."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Preview")
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(
        IntakeBatch, verbose_name=_("intake batch"), on_delete=models.CASCADE, related_name="imports"
    )
    file = models.FileField(
        _("file"), storage=private_storage_of_settings, upload_to="devices/imports/%Y/%m/", max_length=255
    )
    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)
    columns = models.JSONField(_("mapping"), default=list, blank=True)  # one target per column of the file
    default_category = models.CharField(_("default category"), max_length=20, blank=True)
    skip_errors = models.BooleanField(_("skip the rows with errors"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    rows_total = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows imported"), default=0)
    created_count = models.PositiveIntegerField(_("devices registered"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows already in the batch"), default=0)
    errors = models.JSONField(_("rows with errors"), default=list, blank=True)  # [line, message], skipped
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")

    def __str__(self):
        return f"{self.filename} ({self.batch})"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.rows_total else round(100 * self.rows_done / self.rows_total)


class ProbeToken(models.Model):
    """A key a workshop's hardware probe sends its reports with (`probe/reemploi-probe`): one per test bench
    or technician, revocable. Only its SHA-256 is kept; the key is shown once, when it is made."""

    association = models.ForeignKey(
        Association, verbose_name=_("member association"), on_delete=models.CASCADE, related_name="probe_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which bench or person uses it."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("start of the key"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("probe key")
        verbose_name_plural = _("probe keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class HardwareReport(models.Model):
    """What the probe found on a machine: kept as sent (the file), read into facts; applied to its device,
    or waiting for the device to be registered when no device of the workshop has its serial."""

    association = models.ForeignKey(
        Association, verbose_name=_("member association"), on_delete=models.CASCADE, related_name="+"
    )
    device = models.ForeignKey(
        Device, verbose_name=_("device"), null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    token = models.ForeignKey(
        ProbeToken, verbose_name=_("probe key"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(
        _("report"), storage=private_storage_of_settings, upload_to="devices/hardware/%Y/%m/", max_length=255
    )
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    facts = models.JSONField(_("facts"), default=dict)
    # Registry values the report differs on, waiting for staff to accept them: field → [recorded, reported].
    proposed = models.JSONField(_("proposed changes"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received on"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("hardware report")
        verbose_name_plural = _("hardware reports")

    def __str__(self):
        return f"{self.serial or '—'} – {self.received_at:%d/%m/%Y %H:%M}"
