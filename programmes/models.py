"""Donation programmes and the relay partners that hand their devices to beneficiaries.

A programme (e.g. La Poste's laptops for the young people the Mission locale du Pays de Redon supports) names
its donors or funder, the members that refurbish its devices, the relay partners that meet the beneficiaries,
the beneficiary categories and situations it serves, its territory, quota and period.

An allocation is one device's way through a relay partner (each change goes through `programmes.services`,
which also writes the device's event in the registry):

    allocated ──► received (by the partner) ──► handed_over (to a beneficiary: the donation's outcome)
    allocated / received ──► returned (unused or broken, back to the member's workshop)

The registry never holds a beneficiary's name: a category, an age bracket, a territory, a situation from
the programme's list, and the partner's own reference if it keeps one.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.offer.models import Benefit

from devices.models import AgeBracket, Association, BeneficiaryCategory, Device, Donor, PartnerKind, territory_validator


class RelayPartner(models.Model):
    """An organisation that meets the beneficiaries (Mission locale, CCAS, school, association), with its own
    staff accounts: they see the devices allocated to it, never the donors' internal data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("identifier"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    territory = models.CharField(
        _("territory"),
        max_length=5,
        blank=True,
        validators=[territory_validator],
        help_text=_("Département code (35) or commune INSEE code (35236) where it works."),
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Receives the reminders, with its staff."))
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff accounts"),
        blank=True,
        related_name="relay_partners",
        help_text=_("The people of this partner who use the relay portal (/relais/)."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("relay partner")
        verbose_name_plural = _("relay partners")

    def __str__(self):
        return self.name


def _categories_validator(value):
    if not isinstance(value, list) or not value or set(value) - set(BeneficiaryCategory.values):
        raise ValidationError(_("Choose at least one beneficiary category from the list."))


class ProgrammeQuerySet(models.QuerySet):
    def active(self, on=None):
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("identifier"), unique=True, help_text=_("In addresses: /donateurs/programmes/<id>/."))
    story = models.TextField(_("story"), blank=True, help_text=_("What the programme is for, told to its donors."))
    donors = models.ManyToManyField(Donor, verbose_name=_("donors"), blank=True, related_name="programmes")
    funder = models.ForeignKey(
        Donor,
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_programmes",
    )
    members = models.ManyToManyField(Association, verbose_name=_("refurbishing members"), related_name="programmes")
    partners = models.ManyToManyField(RelayPartner, verbose_name=_("relay partners"), related_name="programmes")
    categories = models.JSONField(
        _("eligible beneficiary categories"), default=list, validators=[_categories_validator]
    )
    situations = models.TextField(
        _("situations"),
        blank=True,
        help_text=_("One per line (e.g. job seeker, student): the partner chooses one at each hand-over."),
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True, help_text=_("E.g. Pays de Redon."))
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True, help_text=_("Devices at most; empty: none."))
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    receipt_terms = models.TextField(
        _("what the beneficiary signs"),
        blank=True,
        help_text=_("Printed on the hand-over receipt above the signatures."),
    )
    loan_to_own = models.BooleanField(_("loan to own"), default=False)
    loan_terms = models.TextField(_("loan-to-own terms"), blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder after (days)"),
        default=30,
        help_text=_("The partner is reminded of a device not handed over after this many days."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("donation programme")
        verbose_name_plural = _("donation programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="programmes_dates_in_order",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The registry's events name the programme (they hold no ids of this app): its name is frozen once a
        # device has been allocated.
        if self.pk and self.allocations.exists():
            before = Programme.objects.filter(pk=self.pk).values_list("name", flat=True).first()
            if before and before != self.name:
                raise ValidationError(
                    {"name": _("Devices have been allocated under this name: it can no longer be changed.")}
                )

    def situation_list(self) -> list[str]:
        return [line.strip() for line in self.situations.splitlines() if line.strip()]

    def category_choices(self) -> list[tuple[str, str]]:
        labels = dict(BeneficiaryCategory.choices)
        return [(value, labels[value]) for value in self.categories if value in labels]

    def is_active(self, on=None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Allocation(models.Model):
    class Status(models.TextChoices):
        ALLOCATED = "allocated", _("To receive")
        RECEIVED = "received", _("At the partner")
        HANDED_OVER = "handed_over", _("Handed over")
        RETURNED = "returned", _("Returned")

    class ReturnCondition(models.TextChoices):
        UNUSED = "unused", _("Unused")
        BROKEN = "broken", _("Broken or damaged")

    OPEN = (Status.ALLOCATED, Status.RECEIVED)

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.PROTECT, related_name="allocations")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="allocations"
    )
    partner = models.ForeignKey(
        RelayPartner, verbose_name=_("relay partner"), on_delete=models.PROTECT, related_name="allocations"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("member"), on_delete=models.PROTECT, related_name="allocations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ALLOCATED)
    allocated_at = models.DateTimeField(_("allocated on"), default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    beneficiary_category = models.CharField(
        _("beneficiary category"), max_length=30, choices=BeneficiaryCategory.choices, blank=True
    )
    age_bracket = models.CharField(_("age bracket"), max_length=10, choices=AgeBracket.choices, blank=True)
    territory = models.CharField(_("territory"), max_length=5, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    situation = models.CharField(_("situation"), max_length=100, blank=True)
    partner_reference = models.CharField(
        _("partner's own reference"),
        max_length=50,
        blank=True,
        help_text=_("A file number of yours if you keep one: never the beneficiary's name."),
    )
    returned_at = models.DateTimeField(_("returned on"), null=True, blank=True)
    return_condition = models.CharField(_("condition"), max_length=10, choices=ReturnCondition.choices, blank=True)
    return_note = models.TextField(_("note"), blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["-allocated_at", "-pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(status__in=["allocated", "received"]),
                name="programmes_one_open_allocation_per_device",
            )
        ]
        indexes = [models.Index(fields=["partner", "status"]), models.Index(fields=["programme", "status"])]

    def __str__(self):
        return f"{self.device.asset_tag} → {self.partner}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def reminder_due(self, now=None) -> bool:
        """Not handed over after the programme's reminder delay, and not reminded within that delay."""
        now = now or timezone.now()
        delay = timedelta(days=self.programme.reminder_days)
        since = self.reminded_at or self.received_at or self.allocated_at
        return self.is_open and since + delay <= now


class AllocationRule(models.Model):
    """One line of a member's order of channels for its ready devices: the first line that matches a device
    (its category, its grade at least) and whose channel still has room proposes that channel."""

    class Channel(models.TextChoices):
        PROGRAMME = "programme", _("A donation programme (within its quota)")
        RENTAL = "rental", _("The rental pool (up to a minimum)")
        SALE = "sale", _("Sale in the shop")

    association = models.ForeignKey(
        Association, verbose_name=_("member"), on_delete=models.CASCADE, related_name="allocation_rules"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("Lower first."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("For the programme channel."),
    )
    category = models.CharField(
        _("device category"), max_length=20, choices=Device.Category.choices, blank=True, help_text=_("Empty: any.")
    )
    min_grade = models.CharField(
        _("grade at least"), max_length=1, choices=Device.Grade.choices, blank=True, help_text=_("Empty: any.")
    )
    rental_minimum = models.PositiveSmallIntegerField(
        _("rental pool minimum"),
        null=True,
        blank=True,
        help_text=_("For the rental channel: devices of this category kept in the pool. Empty: always."),
    )

    class Meta:
        ordering = ["association", "position", "pk"]
        verbose_name = _("allocation rule")
        verbose_name_plural = _("allocation rules")

    def __str__(self):
        return f"{self.association} #{self.position}: {self.get_channel_display()}"

    def clean(self):
        if self.channel == self.Channel.PROGRAMME and not self.programme_id:
            raise ValidationError({"programme": _("Choose the programme of this line.")})
        if self.channel != self.Channel.PROGRAMME and self.programme_id:
            raise ValidationError({"programme": _("Only a programme line names a programme.")})
        member = self.association_id
        if self.programme_id and member and not self.programme.members.filter(pk=member).exists():
            raise ValidationError({"programme": _("This member does not refurbish devices for that programme.")})

    def matches(self, device: Device) -> bool:
        if self.category and device.category != self.category:
            return False
        if self.min_grade:
            # A is the best grade: "at least B" accepts A and B.
            return bool(device.grade) and device.grade <= self.min_grade
        return True


# --- Solidarity prices ----------------------------------------------------------------------------------


class SolidarityPrice(models.Model):
    """The most a holder of a solidarity voucher pays for one device of a category in the shop (e.g. a laptop
    at 80 € at most). Each is an Oscar voucher offer (`programmes.vouchers.solidarity_price_save`)."""

    category = models.CharField(_("device category"), max_length=20, choices=Device.Category.choices, unique=True)
    max_price = models.DecimalField(
        _("price at most (incl. VAT)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    offer = models.OneToOneField(
        "offer.ConditionalOffer", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category"]
        verbose_name = _("solidarity price")
        verbose_name_plural = _("solidarity prices")

    def __str__(self):
        return f"{self.get_category_display()} : {self.max_price} €"


class SolidarityVoucher(models.Model):
    """A single-use voucher a social partner gives to a person it supports: one device at the solidarity
    price, before its expiry; the sale records the holder's category, never who they are."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, not used")
        USED = "used", _("Used")
        REVOKED = "revoked", _("Revoked")

    HOLDER_CATEGORIES = (
        BeneficiaryCategory.SOCIAL_REFERRAL,
        BeneficiaryCategory.YOUTH_MISSION_LOCALE,
        BeneficiaryCategory.REGION_TRAINEE,
    )

    partner = models.ForeignKey(
        RelayPartner, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="vouchers"
    )
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    holder_category = models.CharField(_("holder's category"), max_length=30, choices=BeneficiaryCategory.choices)
    expires_on = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("issued on"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    voucher = models.OneToOneField(
        "voucher.Voucher", null=True, editable=False, on_delete=models.SET_NULL, related_name="solidarity"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("solidarity voucher")
        verbose_name_plural = _("solidarity vouchers")

    def __str__(self):
        return self.code

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.ISSUED and self.expires_on < timezone.localdate()


class SolidarityCapBenefit(Benefit):
    """Oscar benefit of a solidarity price: one unit of the range at most `value` euros, the discount being
    its price above that cap (nothing when it already costs less)."""

    class Meta:
        proxy = True
        app_label = "programmes"
        verbose_name = _("solidarity price benefit")
        verbose_name_plural = _("solidarity price benefits")

    @property
    def name(self):
        return _("Solidarity price: %(value)s € at most") % {"value": self.value}

    @property
    def description(self):
        return self.name

    def apply(self, basket, condition, offer, **kwargs):
        from oscar.apps.offer.benefits import apply_discount
        from oscar.apps.offer.results import ZERO_DISCOUNT, BasketDiscount

        # The dearest eligible unit: the holder gets the most out of their single voucher.
        for price, line in reversed(self.get_applicable_lines(offer, basket)):
            if line.quantity_without_offer_discount(offer) < 1:
                continue
            discount = max(Decimal("0.00"), price - self.value)
            if not discount:
                return ZERO_DISCOUNT
            apply_discount(line, discount, 1, offer)
            return BasketDiscount(discount)
        return ZERO_DISCOUNT
