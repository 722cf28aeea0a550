"""The shop's own records beside Oscar's: workshops (Oscar partners), listings and the devices under them."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from devices.models import Association, Device
from shop.wording import fold


class Workshop(models.Model):
    """Ties a member association of the registry to its Oscar partner (where buyers pick devices up)."""

    association = models.OneToOneField(Association, on_delete=models.PROTECT, related_name="workshop")
    partner = models.OneToOneField("partner.Partner", on_delete=models.PROTECT, related_name="workshop")

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return str(self.association)


class Listing(models.Model):
    """What buyers filter on, for one product (a model + configuration + grade).

    Kept in indexed columns rather than Oscar's attribute tables (one row per attribute value), so that
    combined filters and their counts are single SQL queries however large the catalogue grows.
    """

    class Keyboard(models.TextChoices):
        AZERTY_FR = "azerty_fr", _("French AZERTY")
        QWERTY_US = "qwerty_us", _("QWERTY (US)")
        QWERTZ = "qwertz", _("QWERTZ")
        NONE = "", _("No keyboard")

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="listing")
    category = models.CharField(_("category"), max_length=20, choices=Device.Category.choices, db_index=True)
    brand = models.CharField(_("brand"), max_length=60, db_index=True)
    model_name = models.CharField(_("model"), max_length=120)
    cpu = models.CharField(_("processor"), max_length=120, blank=True)
    ram_gb = models.PositiveSmallIntegerField(_("memory (GB)"), null=True, blank=True, db_index=True)
    storage_kind = models.CharField(_("storage kind"), max_length=10, choices=Device.StorageKind.choices, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True, db_index=True)
    screen_inches = models.DecimalField(
        _("screen size (inches)"), max_digits=4, decimal_places=1, null=True, blank=True, db_index=True
    )
    os = models.CharField(_("operating system"), max_length=80, blank=True, db_index=True)
    keyboard = models.CharField(_("keyboard layout"), max_length=12, choices=Keyboard.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Device.Grade.choices, db_index=True)
    price = models.DecimalField(_("price (incl. VAT)"), max_digits=8, decimal_places=2)
    battery_health_min = models.PositiveSmallIntegerField(
        _("minimum battery health (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # Lower-case, accent-free words of the title and facts: what the text search reads on SQLite.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self):
        return f"{self.brand} {self.model_name} ({self.get_grade_display()})"

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.product.title, self.brand, self.model_name, self.cpu, self.os]))
        super().save(*args, **kwargs)

    def grade_criteria(self):
        return Device.GRADE_CRITERIA.get(self.grade, "")


class ListedDevice(models.Model):
    """A registry device offered under a product; bound to an order line when it is handed over."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="shop_listings")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="listed_devices")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="listed_devices")
    order_line = models.OneToOneField(
        "order.Line", null=True, blank=True, on_delete=models.PROTECT, related_name="bound_device"
    )
    listed_at = models.DateTimeField(_("listed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("listed device")
        verbose_name_plural = _("listed devices")
        indexes = [models.Index(fields=["product", "partner"])]
        constraints = [
            # A device is on offer under one product at a time; sold ones keep their line as history.
            models.UniqueConstraint(
                fields=["device"], condition=models.Q(order_line__isnull=True), name="shop_one_open_listing_per_device"
            )
        ]

    def __str__(self):
        return f"{self.device.asset_tag} → {self.product}"
