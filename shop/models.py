"""The shop's own records beside Oscar's: workshops (Oscar partners), listings and the devices under them."""

from decimal import Decimal
from urllib.parse import quote

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from devices.models import Association, Device, private_storage_of_settings
from shop.search_words import listing_words


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
    # The words the listing is found by (`shop.search_words`): lower case, no accents, sizes with their units.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self):
        return f"{self.brand} {self.model_name} ({self.get_grade_display()})"

    def save(self, *args, **kwargs):
        self.search_text = f" {listing_words(self)} "  # spaced at both ends: words are matched from their start
        super().save(*args, **kwargs)

    def grade_criteria(self):
        return Device.GRADE_CRITERIA.get(self.grade, "")


class ListedDevice(models.Model):
    """A registry device offered under a product; bound to an order line when it is handed over."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="shop_listings")
    # Empty for a device bound straight from the workshop to a line of an accepted quote.
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="listed_devices"
    )
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="listed_devices")
    order_line = models.ForeignKey(
        "order.Line", null=True, blank=True, on_delete=models.PROTECT, related_name="bound_devices"
    )
    # An order on invoice bills each device at its delivery: the invoice that did.
    invoice = models.ForeignKey("shop.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="devices")
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


class OrderStatus:
    """Oscar stores and displays the status string itself, so the values are the French labels staff see."""

    AWAITING_PAYMENT = "En attente de paiement"
    # On transfer or mandat administratif: accepted, delivered, then invoiced; paid after the invoice.
    CONFIRMED = "Confirmée"
    # An organisation's order above its approval threshold, placed by a buyer: an approver confirms it.
    AWAITING_APPROVAL = "En attente d'approbation"
    PAID = "Payée"
    READY_FOR_PICKUP = "Prête au retrait"
    SHIPPED = "Expédiée"
    HANDED_OVER = "Remise"
    WITHDRAWN = "Rétractée"
    CANCELLED = "Annulée"

    PIPELINE = {
        AWAITING_PAYMENT: (PAID, CANCELLED),
        AWAITING_APPROVAL: (CONFIRMED, CANCELLED),
        CONFIRMED: (READY_FOR_PICKUP, SHIPPED, HANDED_OVER, CANCELLED),
        PAID: (READY_FOR_PICKUP, SHIPPED, HANDED_OVER, WITHDRAWN, CANCELLED),
        READY_FOR_PICKUP: (HANDED_OVER, WITHDRAWN, CANCELLED),
        SHIPPED: (HANDED_OVER, WITHDRAWN),
        HANDED_OVER: (WITHDRAWN,),
        WITHDRAWN: (),
        CANCELLED: (),
    }


class Organisation(models.Model):
    """A buyer organisation; once verified by staff its members buy on organisation terms (invoice)."""

    class Kind(models.TextChoices):
        CCAS = "ccas", _("CCAS / CIAS")
        ASSOCIATION = "association", _("Association")
        CRAFTSMAN = "artisan", _("Craftsman")
        SHOP = "commerce", _("Shopkeeper")
        SCHOOL = "school", _("School")
        LOCAL_AUTHORITY = "collectivite", _("Local authority")
        OTHER = "other", _("Other organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    billing_line1 = models.CharField(_("billing address"), max_length=255)
    billing_line2 = models.CharField(_("address (continued)"), max_length=255, blank=True)
    billing_postcode = models.CharField(_("postcode"), max_length=5)
    billing_city = models.CharField(_("city"), max_length=120)
    billing_email = models.EmailField(_("billing e-mail"))
    public_buyer = models.BooleanField(
        _("public buyer (pays by mandat administratif)"),
        default=False,
        help_text=_("Public bodies pay through their accountant after a service certifies the invoice."),
    )
    members = models.ManyToManyField("accounts.User", related_name="organisations", verbose_name=_("members"))
    # Roles: every member buys; an approver also confirms the orders of the others above the threshold.
    approvers = models.ManyToManyField(
        "accounts.User", related_name="approved_organisations", verbose_name=_("approvers"), blank=True
    )
    approval_threshold = models.DecimalField(
        _("approval needed above (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("An order of a buyer above this total waits for an approver of the organisation. Empty: none."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        verbose_name = _("buyer organisation")
        verbose_name_plural = _("buyer organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Checkout(models.Model):
    """One checkout of one basket: the buyer's choices, its payment and, once placed, its order.

    Card payments keep exactly one PaymentIntent per checkout (created with an idempotency key); the
    fulfilment that turns an authorised payment into an order reads everything it needs from this row, so
    the return page and the webhook run the same code and either may come first.
    """

    class Fulfilment(models.TextChoices):
        PICKUP = "pickup", _("Pickup at the association")
        DELIVERY = "delivery", _("Home delivery")

    class Method(models.TextChoices):
        CARD = "card", _("Bank card")
        AT_PICKUP = "at_pickup", _("Payment at pickup")
        TRANSFER = "transfer", _("Bank transfer on invoice")
        MANDATE = "mandate", _("Mandat administratif")

    class CounterMeans(models.TextChoices):
        """How a buyer paying at pickup pays at the counter."""

        CARD_TERMINAL = "card_terminal", _("card terminal")
        CASH = "cash", _("cash")
        CHEQUE = "cheque", _("cheque")

    class Carrier(models.TextChoices):
        """Who carries a home delivery; `TRACKING_URLS` gives where the buyer follows the parcel."""

        COLISSIMO = "colissimo", "Colissimo (La Poste)"
        CHRONOPOST = "chronopost", "Chronopost"
        MONDIAL_RELAY = "mondial_relay", "Mondial Relay"
        DPD = "dpd", "DPD"
        GLS = "gls", "GLS"

    TRACKING_URLS = {
        Carrier.COLISSIMO: "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        Carrier.CHRONOPOST: "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
        Carrier.MONDIAL_RELAY: "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition={number}",
        Carrier.DPD: "https://trace.dpd.fr/fr/trace/{number}",
        Carrier.GLS: "https://gls-group.com/FR/fr/suivi-colis/?match={number}",
    }

    class State(models.TextChoices):
        STARTED = "started", _("awaiting card authorisation")
        PLACED = "placed", _("order placed")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    basket = models.OneToOneField("basket.Basket", on_delete=models.PROTECT, related_name="checkout")
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="checkout"
    )
    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    # The member association that sells (holds and hands over every device of the order), on its invoices.
    seller = models.ForeignKey(
        Association, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("seller")
    )
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(_("e-mail"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="checkouts"
    )
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    pickup_partner = models.ForeignKey(
        "partner.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.JSONField(_("address"), default=dict, blank=True)
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    purchase_order = models.CharField(_("purchase order number"), max_length=60, blank=True)
    service_code = models.CharField(_("service code"), max_length=60, blank=True)
    shipping_charge = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    total = models.DecimalField(_("total (incl. VAT)"), max_digits=10, decimal_places=2)
    # What the buyer agreed to pay for: (product id, quantity, unit price) of each basket line.
    basket_signature = models.JSONField(default=list)
    payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The Stripe customer of the last card attempt: if Stripe's answer to the PaymentIntent was lost, its
    # authorisations are found through it and released (next attempt, reconciliation).
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTED)
    failure = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over on"), null=True, blank=True)
    # Payment at pickup: the devices are held for the buyer until then (SHOP_PICKUP_RESERVATION_DAYS); a
    # reminder goes out the day before; past it, the reservation is cancelled and the stock released.
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminded on"), null=True, blank=True)
    # Home delivery: the parcel's carrier and tracking number, given when the order is shipped.
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        permissions = [("manage_orders", _("Can run shop orders, withdrawals, organisations and quotes"))]

    def __str__(self):
        return self.order_number

    @property
    def tracking_url(self) -> str:
        template = self.TRACKING_URLS.get(self.carrier)
        return template.format(number=quote(self.tracking_number)) if template and self.tracking_number else ""


class DocumentCounter(models.Model):
    """The last number a seller gave in one series (invoices or credit notes) for one year. The row is locked
    in the transaction that draws a number, so numbers follow each other without gaps, and a rolled-back
    transaction gives its number back."""

    seller = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "kind", "year"], name="shop_one_counter_per_series")]

    def __str__(self):
        return f"{self.seller_id} {self.kind} {self.year}: {self.last}"


class InvoiceQuerySet(models.QuerySet):
    def overdue(self, today):
        """Invoices past their due date, unpaid, with something left once their credit notes are deducted."""
        credited = Coalesce(
            models.Sum("credit_notes__total"), models.Value(Decimal("0.00")), output_field=models.DecimalField()
        )
        return (
            self.filter(kind=Invoice.Kind.INVOICE, paid_at__isnull=True, due_date__lt=today)
            .annotate(credited_amount=credited)
            .filter(total__gt=models.F("credited_amount"))
        )


class Invoice(models.Model):
    """An invoice or a credit note, issued by the member that sold (its own series, `DocumentCounter`).

    A card or counter payment is invoiced once paid, for the whole order; an order on transfer or mandat
    administratif is invoiced at each delivery ("service fait"), for the devices delivered, and is due
    `payment_days` later. A credit note refers to the invoice it corrects or refunds.
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    PREFIXES = {Kind.INVOICE: "F", Kind.CREDIT_NOTE: "A"}

    seller = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("seller"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("number"), max_length=20)
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="invoices")
    credited = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("invoice credited"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("issued on"))
    due_date = models.DateField(_("due on"), null=True, blank=True)
    total = models.DecimalField(_("total (incl. VAT)"), max_digits=10, decimal_places=2)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    reminded_at = models.DateTimeField(_("last reminded on"), null=True, blank=True)
    pdf = models.CharField(max_length=255, blank=True)  # name in the private storage

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["issued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["seller", "number"], name="shop_invoice_number_per_seller")]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def file_stem(self) -> str:
        word = "avoir" if self.is_credit_note else "facture"
        return f"{word}-{self.seller.slug}-{self.number}"


class InvoiceLine(models.Model):
    """What an invoice bills: units of an order line (the devices delivered), the delivery, a correction."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("order.Line", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (incl. VAT)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("amount (incl. VAT)"), max_digits=10, decimal_places=2)
    asset_tags = models.TextField(_("asset tags"), blank=True)
    delivery = models.BooleanField(default=False)  # the delivery charge, not equipment

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.description}"


class ReuseAttestation(models.Model):
    """What a buyer organisation bought from one seller in one year, reused equipment in the sense of the loi
    AGEC (article 58): numbered in the seller's series, issued again only when the figures changed."""

    seller = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+", verbose_name=_("seller"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="attestations", verbose_name=_("buyer organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("number"), max_length=24)
    issued_at = models.DateTimeField(_("issued on"))
    devices = models.PositiveIntegerField(_("devices"))
    total = models.DecimalField(_("amount (incl. VAT)"), max_digits=12, decimal_places=2)
    pdf = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("reuse attestation")
        verbose_name_plural = _("reuse attestations")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["seller", "number"], name="shop_attestation_number_per_seller")]

    def __str__(self):
        return self.number


class Withdrawal(models.Model):
    """The buyer's use of the 14-day withdrawal right (Code de la consommation, L221-18)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        REFUNDED = "refunded", _("refunded")

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="withdrawal")
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    reason = models.TextField(_("reason (optional)"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED)
    refund_id = models.CharField(max_length=255, blank=True)
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.order.number} ({self.get_state_display()})"


class Quote(models.Model):
    """A quote request from an organisation, answered by a member's counter with a PDF, which the buyer may order."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ANSWERED = "answered", _("answered")
        ORDERED = "ordered", _("ordered")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="quotes")
    # A request is addressed to the whole network (any member's counter may answer); once answered, the quote
    # belongs to the member whose counter answered it (empty: answered by a coordinator for the network).
    association = models.ForeignKey(
        Association,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shop_quotes",
        verbose_name=_("answered by"),
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED)
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    staff_note = models.TextField(_("note to the buyer"), blank=True)
    pdf = models.CharField(max_length=255, blank=True)
    # What the buyer asks beyond the lines: when, and delivered or collected at a member.
    wished_date = models.DateField(_("wished delivery date"), null=True, blank=True)
    fulfilment = models.CharField(
        _("fulfilment"), max_length=10, choices=Checkout.Fulfilment.choices, default=Checkout.Fulfilment.DELIVERY
    )
    preferred_member = models.ForeignKey(
        Association,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member association preferred"),
    )
    # The delivery charge quoted with the answer (none for a pickup): part of the total the buyer accepts.
    shipping = models.DecimalField(_("delivery (incl. VAT)"), max_digits=8, decimal_places=2, default=0)
    # Accepted online: the engagement or purchase order, the signed order if uploaded, and the order it became.
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_order = models.FileField(
        _("signed purchase order"),
        storage=private_storage_of_settings,
        upload_to="quotes/signed/%Y/",
        max_length=255,
        blank=True,
    )
    order = models.OneToOneField("order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="quote")

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Quote %(pk)s – %(organisation)s") % {"pk": self.pk, "organisation": self.organisation}

    @property
    def reference(self) -> str:
        return f"D-{self.created_at:%Y}-{self.pk:05d}"

    def lines_total(self):
        return sum(((line.unit_price or 0) * line.quantity for line in self.lines.all()), Decimal("0.00"))

    def total(self):
        """What the buyer accepts: the priced lines and the quoted delivery."""
        return self.lines_total() + (self.shipping or 0)


class QuoteLine(models.Model):
    """A product of the catalogue (asked from the basket) or a configuration the buyer needs, whatever today's
    stock: a category, minimum specs and grade. Staff price each line; once accepted, its order line is
    filled with devices that match as they become ready."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Device.Category.choices, blank=True)
    min_ram_gb = models.PositiveSmallIntegerField(_("memory at least (GB)"), null=True, blank=True)
    min_storage_gb = models.PositiveIntegerField(_("storage at least (GB)"), null=True, blank=True)
    min_grade = models.CharField(_("grade at least"), max_length=1, choices=Device.Grade.choices, blank=True)
    note = models.CharField(_("details"), max_length=255, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    order_line = models.OneToOneField(
        "order.Line", null=True, blank=True, on_delete=models.PROTECT, related_name="quote_line"
    )
    unit_price = models.DecimalField(_("unit price (incl. VAT)"), max_digits=8, decimal_places=2, null=True, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"

    @property
    def description(self) -> str:
        if self.product_id:
            return self.product.get_title()
        parts = [str(self.get_category_display())]
        if self.min_ram_gb:
            parts.append(_("%(gb)s GB of memory or more") % {"gb": self.min_ram_gb})
        if self.min_storage_gb:
            parts.append(_("%(gb)s GB of storage or more") % {"gb": self.min_storage_gb})
        if self.min_grade:
            parts.append(_("grade %(grade)s or better") % {"grade": self.min_grade})
        if self.note:
            parts.append(self.note)
        return ", ".join(str(part) for part in parts)

    def matches(self, device) -> bool:
        """Whether `device` fills this line: listed under its product, or of its category and at least its specs."""
        if self.product_id:
            return device.shop_listings.filter(product_id=self.product_id, order_line__isnull=True).exists()
        return (
            device.category == self.category
            and (not self.min_ram_gb or (device.ram_gb or 0) >= self.min_ram_gb)
            and (not self.min_storage_gb or (device.storage_gb or 0) >= self.min_storage_gb)
            and (not self.min_grade or (device.grade and device.grade <= self.min_grade))
        )
