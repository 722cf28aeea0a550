"""The rental portal: training programmes, applications, their history, agreements and payments.

States of an application (each change goes through one function of `rental.services`):

    submitted ──► info_requested ──► submitted (the trainee answers)
    submitted / info_requested ──► waitlisted (approved, no device yet) ──► approved (a device is assigned)
    submitted / info_requested ──► approved ──► signed ──► active (picked up) ──► closed (returned)
    submitted / info_requested / waitlisted ──► rejected
    submitted / info_requested / waitlisted ──► cancelled (by the trainee, while no device is assigned)
    approved / signed ──► cancelled (by the officer; the device goes back to the pool)

Across the network (no status change): while no device is assigned, an officer may propose to move the
application to another member (`transfer_to`), which the trainee accepts or declines; the trainee may change
the pickup member. The waiting list offers a laptop of the pickup member first, then of any member in the
trainee's département (`rental.services.waitlist_allocate`).

Personal data of rejected, cancelled and closed applications is purged after the retention period; the row
stays, anonymised, for the figures (programme, association, département, dates, amounts).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from devices.models import Association, Device, private_storage_of_settings
from reemploi.money import euros


class TrainingProgramme(models.Model):
    """A Région-funded training maintained by staff; applicants choose it or declare their own training."""

    title = models.CharField(_("title"), max_length=200)
    training_body = models.CharField(_("training body"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, default="Région Bretagne")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_open = models.BooleanField(
        _("open to applications"), default=True, help_text=_("Untick to hide it from the application form.")
    )

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="rental_programme_dates_in_order"
            )
        ]

    def __str__(self):
        return f"{self.title} – {self.training_body} ({self.starts_on:%m/%Y}–{self.ends_on:%m/%Y})"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        WAITLISTED = "waitlisted", _("Approved, waiting for a device")
        APPROVED = "approved", _("Approved: agreement to sign")
        SIGNED = "signed", _("Agreement signed: device to pick up")
        ACTIVE = "active", _("Loan in progress")
        CLOSED = "closed", _("Device returned: loan closed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    # A device is bound to at most one application in these states.
    HOLDING_DEVICE = (Status.APPROVED, Status.SIGNED, Status.ACTIVE)
    # Finished: personal data is purged after the retention period.
    FINISHED = (Status.CLOSED, Status.REJECTED, Status.CANCELLED)

    class PaymentMethod(models.TextChoices):
        COUNTER = "counter", _("At the association's counter")
        CARD = "card", _("Bank card (monthly subscription)")
        SEPA = "sepa_debit", _("SEPA Direct Debit (monthly subscription)")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rental_applications",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Identity and contact
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30)
    address = models.CharField(_("address"), max_length=250)
    postcode = models.CharField(_("postcode"), max_length=5)
    commune = models.CharField(_("commune"), max_length=100)
    # Kept after the purge: the territory of the registry's outcome, never a person.
    department = models.CharField(_("département"), max_length=3)
    # Training: a programme of the list, or declared by the applicant
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("training programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    training_body = models.CharField(_("training body"), max_length=200, blank=True)
    training_title = models.CharField(_("training title"), max_length=200, blank=True)
    training_funder = models.CharField(_("funder"), max_length=200, blank=True)
    training_starts_on = models.DateField(_("training starts on"))
    training_ends_on = models.DateField(_("training ends on"))
    proof = models.FileField(
        _("proof of enrolment"),
        storage=private_storage_of_settings,
        upload_to="rental/proofs/%Y/%m/",
        blank=True,
        max_length=255,
    )
    # Needs
    needs_webcam = models.BooleanField(_("needs a webcam"), default=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    pickup_association = models.ForeignKey(
        Association, verbose_name=_("pickup association"), on_delete=models.PROTECT, related_name="rental_applications"
    )
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted on"))
    # A move to another member proposed by an officer, until the trainee accepts or declines it.
    transfer_to = models.ForeignKey(
        Association,
        verbose_name=_("transfer proposed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rental_transfers_proposed",
    )
    transfer_proposed_at = models.DateTimeField(_("transfer proposed on"), null=True, blank=True)
    # Decision and device
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rental_applications",
    )
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=7, decimal_places=2, null=True, blank=True)
    # Payment
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True)
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=255, blank=True)
    stripe_subscription_id = models.CharField(_("Stripe subscription"), max_length=255, blank=True, db_index=True)
    # Direct debit: the SEPA mandate the trainee accepted online before the first debit (Stripe keeps the
    # acceptance's IP address and browser; its reference is on the trainee's bank statements).
    sepa_mandate_id = models.CharField(_("Stripe mandate"), max_length=255, blank=True)
    sepa_mandate_reference = models.CharField(_("SEPA mandate reference"), max_length=64, blank=True)
    sepa_mandate_accepted_at = models.DateTimeField(_("SEPA mandate accepted on"), null=True, blank=True)
    subscription_cancelled_at = models.DateTimeField(_("subscription cancelled on"), null=True, blank=True)
    # Dates
    submitted_at = models.DateTimeField(_("submitted on"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    picked_up_on = models.DateField(_("picked up on"), null=True, blank=True)
    due_on = models.DateField(_("return due on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_condition = models.TextField(_("condition at return"), blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    due_reminders_sent = models.JSONField(_("due-date reminders sent"), default=list, blank=True)
    overdue_reminded_on = models.DateField(_("last overdue reminder"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("rental application")
        verbose_name_plural = _("rental applications")
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(status__in=["approved", "signed", "active"]),
                name="rental_one_loan_per_device",
            ),
        ]
        indexes = [models.Index(fields=["status", "waitlisted_at"]), models.Index(fields=["status", "due_on"])]
        permissions = [("manage_rentals", _("Can review rental applications and run loans"))]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"LOC-{self.pk:05d}" if self.pk else "LOC-?"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def training_label(self) -> str:
        if self.programme_id:
            return str(self.programme)
        return f"{self.training_title} – {self.training_body}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def has_running_subscription(self) -> bool:
        """A Stripe subscription (card or SEPA) takes the monthly amount: no counter payment beside it."""
        return bool(self.stripe_subscription_id) and self.subscription_cancelled_at is None


class ApplicationEvent(models.Model):
    """One step of an application's history, shown to the trainee (`message`) and to staff."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    occurred_at = models.DateTimeField(_("date"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_after = models.CharField(_("status"), max_length=20, choices=Application.Status.choices)
    title = models.CharField(_("step"), max_length=200)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application.reference} – {self.title}"


class Agreement(models.Model):
    """The loan agreement of an approved application: what it says is fixed at the device's assignment."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="agreement"
    )
    asset_tag = models.CharField(_("asset tag"), max_length=7)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    device_label = models.CharField(_("device"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("return due on"))
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=7, decimal_places=2)
    created_at = models.DateTimeField(_("drawn up on"), auto_now_add=True)
    signed_name = models.CharField(_("signed by (typed name)"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed on"), null=True, blank=True)
    signed_ip = models.GenericIPAddressField(_("signed from address"), null=True, blank=True)
    signed_file = models.FileField(
        _("signed agreement"),
        storage=private_storage_of_settings,
        upload_to="rental/agreements/%Y/%m/",
        blank=True,
        max_length=255,
    )

    class Meta:
        verbose_name = _("loan agreement")
        verbose_name_plural = _("loan agreements")

    def __str__(self):
        return f"{self.application.reference} – {self.asset_tag}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Payment(models.Model):
    """A monthly payment: recorded by staff at the counter, or by Stripe's invoice webhooks."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2)
    method = models.CharField(_("method"), max_length=20, choices=Application.PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PAID)
    occurred_at = models.DateTimeField(_("date"))
    stripe_invoice_id = models.CharField(_("Stripe invoice"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_invoice_id"],
                condition=~models.Q(stripe_invoice_id=""),
                name="rental_one_row_per_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.application.reference} – {euros(self.amount)} – {self.get_status_display()}"


class StripePlan(models.Model):
    """The Stripe Product and monthly Plan of one amount, created once (localstripe has no Prices)."""

    amount_cents = models.PositiveIntegerField(_("amount (cents)"), unique=True)
    product_id = models.CharField(_("Stripe product"), max_length=255)
    plan_id = models.CharField(_("Stripe plan"), max_length=255)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe plan")
        verbose_name_plural = _("Stripe plans")

    def __str__(self):
        return self.plan_id
