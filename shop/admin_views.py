"""The shop's back office in the Wagtail admin: what waits today, orders to run, withdrawals, organisations,
quotes.

Every view requires `shop.manage_orders` (a member's shop counter, group "Shop", or a network coordinator);
the URLs are registered by `shop.wagtail_hooks`. A counter lists and reaches the objects of their own members
only (`shop.selectors.counter_orders` and the others): another member's order, withdrawal or answered quote
answers 404, in GET and POST alike; a device is bound only to a line of the counter's own workshop. Buyer
organisations and unanswered quote requests are the network's, open to every counter.

Each step on an order, an organisation or a quote is a `reemploi.admin_steps.ObjectStepView`: its form
checks what staff typed, its service in `shop.services` does the work and may refuse. A refused or invalid
step answers, as these pages always have, with a redirect to the page it was posted from and the message on
top (the forms are one line each; staff retype nothing but a reference or an asset tag).
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from oscar.core.loading import get_model
from wagtail.admin import messages

from devices.models import Association
from devices.scoping import is_coordinator
from programmes.models import SolidarityPrice
from programmes.vouchers import voucher_lookup
from reemploi.admin_steps import ObjectStepView, steps_shown
from reemploi.downloads import private_download
from shop import forms
from shop.einvoice import invoice_pdf_bytes
from shop.models import Checkout, Invoice, ListedDevice, OrderStatus, Organisation, Quote, Withdrawal
from shop.selectors import (
    INVOICE_METHODS,
    counter_agenda,
    counter_associations,
    counter_invoices,
    counter_lines,
    counter_orders,
    counter_organisations,
    counter_quotes,
    counter_withdrawals,
)
from shop.services import AfterSaleRefused
from shop.services import orders as order_services
from shop.services.attestations import attestation_file, years_and_sellers
from shop.services.invoices import invoices_due, invoices_overdue
from shop.services.organisations import organisation_verify
from shop.services.quotes import quote_answer

Order = get_model("order", "Order")

MANAGE_PERMISSION = "shop.manage_orders"
URL_NAMESPACE = "shop_admin:"  # the namespace of `shop.wagtail_hooks.ShopAdminViewSet`


manager_required = permission_required(MANAGE_PERMISSION, raise_exception=True)


def order_url(order) -> str:
    return reverse(f"{URL_NAMESPACE}order", args=[order.number])


# --- The steps ---------------------------------------------------------------------------------------------


class ShopStepView(ObjectStepView):
    """A step of the shop's back office, posted to `<route_prefix><lookup>/<route>/` (French, like the other
    back-office addresses) and named `shop_admin:<slug>`."""

    permission = MANAGE_PERMISSION
    url_namespace = URL_NAMESPACE
    route = ""

    @classmethod
    def urlpattern(cls, route_prefix: str = ""):
        converter = "int" if cls.lookup_field == "pk" else "str"
        return path(f"{route_prefix}<{converter}:lookup>/{cls.route}/", cls.as_view(), name=cls.slug)

    @classmethod
    def get_form(cls, obj, data=None, files=None):
        # Not prefixed: the pages post `reference`, `line`, `asset_tag`, `status`, `valid_days`, `note`.
        return cls.form_class(data, files)

    def render_page(self, obj, *, bound):
        """Back to the page the step was posted from; the refusal (already on top) or the form's errors."""
        _step, form = bound
        for name, errors in form.errors.items():
            if name != NON_FIELD_ERRORS:
                messages.error(self.request, f"{form.fields[name].label} – {' '.join(errors)}")
        return redirect(self.success_url(obj))


class OrderStepView(ShopStepView):
    model = Order
    lookup_field = "number"
    object_kwarg = "order"
    success_text = ""

    @classmethod
    def get_form(cls, order, data=None, files=None):
        return cls.form_class(data, files, order=order)

    def get_queryset(self):
        return counter_orders(self.request.user).select_related("checkout")

    def success_message(self, order, result) -> str:
        return str(self.success_text)

    def success_url(self, order) -> str:
        return order_url(order)


class OrderPaymentView(OrderStepView):
    """A transfer or mandat administratif has arrived."""

    slug, route, label = "payment", "paiement", gettext_lazy("Record the payment")
    form_class = forms.OrderPaymentForm
    service = staticmethod(order_services.order_record_payment)
    success_text = gettext_lazy("Payment recorded: the invoice is issued and sent.")

    @classmethod
    def allows(cls, order) -> bool:
        record = getattr(order, "checkout", None)
        if record is None or record.state != Checkout.State.PLACED or record.method == Checkout.Method.CARD:
            return False
        if record.method in INVOICE_METHODS:  # paid after an invoice issued at delivery
            return bool(invoices_due(order))
        return True

    def success_message(self, order, record) -> str:
        if record.method in INVOICE_METHODS:
            return _("Payment recorded against the oldest unpaid invoice.")
        return str(self.success_text)


class OrderBindDeviceView(OrderStepView):
    """The counter scans the device handed over for a line of its own workshop."""

    slug, route, label = "bind", "appareil", gettext_lazy("Scan a device for a line")
    form_class = forms.OrderBindDeviceForm
    allowed_statuses = order_services.BINDABLE_STATUSES
    success_text = gettext_lazy("Device bound to the order: the registry records it as sold.")

    def perform(self, order, form):
        data = form.cleaned_data
        if not counter_lines(self.request.user, order).filter(pk=data["line"].pk).exists():
            raise ValidationError(
                _("This line is held by another member's workshop: its counter hands the device over.")
            )
        return order_services.order_bind_device(line=data["line"], asset_tag=data["asset_tag"], actor=self.request.user)


class OrderDeliverPartView(OrderStepView):
    """An order on invoice delivered in parts: the devices scanned so far leave now, and are invoiced."""

    slug, route, label = "deliver_part", "livraison-partielle", gettext_lazy("Deliver the devices scanned so far")
    form_class = forms.OrderStepForm
    service = staticmethod(order_services.order_deliver_part)
    success_text = gettext_lazy("Delivery recorded: the invoice of these devices is issued and sent.")

    @classmethod
    def allows(cls, order) -> bool:
        record = getattr(order, "checkout", None)
        return (
            record is not None
            and record.method in INVOICE_METHODS
            and order.status in (OrderStatus.CONFIRMED, OrderStatus.READY_FOR_PICKUP)
            and ListedDevice.objects.filter(order_line__order=order, invoice__isnull=True).exists()
        )


class InvoiceCorrectView(OrderStepView):
    """A price correction: a credit note for an amount of one of the order's invoices (refunded by card)."""

    slug, route, label = "correct", "avoir", gettext_lazy("Issue a credit note")
    form_class = forms.InvoiceCorrectionForm
    success_text = gettext_lazy("Credit note issued and sent to the buyer.")

    @classmethod
    def allows(cls, order) -> bool:
        return order.invoices.filter(kind=Invoice.Kind.INVOICE).exists()

    def perform(self, order, form):
        data = form.cleaned_data
        return order_services.invoice_correct(
            invoice=data["invoice"], amount=data["amount"], reason=data["reason"], actor=self.request.user
        )


class OrderStatusView(OrderStepView):
    """Ready for pickup, shipped, handed over — or cancelled, which frees the stock."""

    slug, route, label = "status", "statut", gettext_lazy("Change the status")
    form_class = forms.OrderStatusForm

    @classmethod
    def allows(cls, order) -> bool:
        return any(status in forms.STAFF_STATUSES for status in order.available_statuses())

    def perform(self, order, form):
        status = form.cleaned_data["status"]
        if status == OrderStatus.CANCELLED:
            order_services.order_cancel(order=order, actor=self.request.user)
        else:
            order_services.order_set_status(
                order=order,
                status=status,
                actor=self.request.user,
                carrier=form.cleaned_data.get("carrier", ""),
                tracking_number=form.cleaned_data.get("tracking_number", ""),
            )
        return status

    def success_message(self, order, status) -> str:
        if status == OrderStatus.CANCELLED:
            return _("Order cancelled.")
        return _("Order status changed to “%(status)s”.") % {"status": status}


class OrderRefundView(OrderStepView):
    """A withdrawn order, refunded in full (through Stripe for card payments)."""

    slug, route, label = "refund", "remboursement", gettext_lazy("Refund")
    form_class = forms.OrderRefundForm
    success_text = gettext_lazy("Refund made; the buyer is told by e-mail.")

    @classmethod
    def allows(cls, order) -> bool:
        withdrawal = getattr(order, "withdrawal", None)
        return withdrawal is not None and withdrawal.state == Withdrawal.State.REQUESTED

    def perform(self, order, form):
        withdrawal = Withdrawal.objects.filter(order=order).first()
        if withdrawal is None:
            raise AfterSaleRefused(_("The buyer has not withdrawn from this order: there is nothing to refund."))
        return order_services.withdrawal_refund(withdrawal=withdrawal, actor=self.request.user)


ORDER_STEPS: list[type[OrderStepView]] = [
    OrderBindDeviceView,
    OrderDeliverPartView,
    OrderPaymentView,
    OrderStatusView,
    OrderRefundView,
    InvoiceCorrectView,
]


class OrganisationVerifyView(ShopStepView):
    object_kwarg = "organisation"
    slug, route, label = "organisation_verify", "verifier", gettext_lazy("Verify")
    form_class = forms.OrganisationVerifyForm
    service = staticmethod(organisation_verify)

    @classmethod
    def allows(cls, organisation) -> bool:
        return not organisation.is_verified

    def get_queryset(self):
        return counter_organisations(self.request.user)

    def success_message(self, organisation, result) -> str:
        return _("%(name)s is verified: its members may order on invoice.") % {"name": organisation.name}

    def success_url(self, organisation) -> str:
        return reverse(f"{URL_NAMESPACE}organisations")


class QuoteAnswerView(ShopStepView):
    """Any member's counter answers a request; the quote is then the answering member's."""

    object_kwarg = "quote"
    slug, route, label = "quote_answer", "repondre", gettext_lazy("Send the quote")
    form_class = forms.QuoteAnswerForm

    @classmethod
    def allows(cls, quote) -> bool:
        return quote.state == Quote.State.REQUESTED

    @classmethod
    def get_form(cls, quote, data=None, files=None):
        return cls.form_class(data, files, quote=quote, auto_id=f"%s-{quote.pk}")

    def get_queryset(self):
        return counter_quotes(self.request.user)

    def perform(self, quote, form):
        data = form.cleaned_data
        return quote_answer(
            quote=quote,
            actor=self.request.user,
            association=answering_association(self.request.user, data.get("association")),
            prices=form.prices(),
            valid_days=data["valid_days"],
            note=data["note"],
        )

    def success_message(self, quote, result) -> str:
        return _("Quote %(reference)s sent.") % {"reference": quote.reference}

    def success_url(self, quote) -> str:
        return reverse(f"{URL_NAMESPACE}quotes")


def answering_association(user, chosen):
    """The member a quote's answer is given for (the one that will sell): the one chosen among the counter's
    own, or their only one; a coordinator chooses one."""
    mine = counter_associations(user)
    if chosen is not None:
        if not mine.filter(pk=chosen.pk).exists():
            raise ValidationError(_("You do not answer for this member association."))
        return chosen
    members = list(mine[:2])
    if len(members) != 1:
        raise ValidationError(_("Choose the member association that answers."))
    return members[0]


# --- The pages ---------------------------------------------------------------------------------------------

# The orders list's "payment" filter.
PAYMENT_FILTERS = {"carte": (Checkout.Method.CARD,), "facture": INVOICE_METHODS}


# What waits, on the landing page: (count of `counter_agenda`, label, list URL name, its query string).
MEMBER_AGENDA = [
    ("to_prepare", gettext_lazy("paid orders to prepare or ship"), "orders", {"statut": OrderStatus.PAID}),
    (
        "awaiting_pickup",
        gettext_lazy("orders ready, waiting to be collected"),
        "orders",
        {"statut": OrderStatus.READY_FOR_PICKUP},
    ),
    (
        "to_deliver",
        gettext_lazy("orders on invoice to deliver"),
        "orders",
        {"statut": OrderStatus.CONFIRMED, "paiement": "facture"},
    ),
    ("overdue_invoices", gettext_lazy("invoices past their due date"), "invoices", {}),
    ("withdrawals_to_refund", gettext_lazy("withdrawals to refund"), "withdrawals", {}),
]
NETWORK_AGENDA = [
    ("quotes_to_answer", gettext_lazy("quote requests to answer"), "quotes", {}),
    ("organisations_to_verify", gettext_lazy("buyer organisations to verify"), "organisations", {}),
]


def _agenda_rows(agenda: dict, lines) -> list[dict]:
    return [
        {
            "kind": kind,
            "count": agenda[kind],
            "label": label,
            "url": reverse(f"{URL_NAMESPACE}{url_name}") + (f"?{urlencode(query)}" if query else ""),
        }
        for kind, label, url_name, query in lines
    ]


@manager_required
@require_GET
def home(request):
    """`/admin/boutique/`: what waits for the counter today, for their own members and for the whole network,
    each count linking to its list."""
    agenda = counter_agenda(request.user)
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "shop/admin/home.html",
        {
            "coordinator": coordinator,
            "members": [] if coordinator else list(counter_associations(request.user)),
            "member_rows": _agenda_rows(agenda, MEMBER_AGENDA),
            "network_rows": _agenda_rows(agenda, NETWORK_AGENDA),
        },
    )


@manager_required
def orders(request):
    status = request.GET.get("statut", "")
    payment = request.GET.get("paiement", "")
    members = counter_associations(request.user)
    member = members.filter(slug=request.GET.get("membre", "")).first() if request.GET.get("membre") else None
    queryset = (
        counter_orders(request.user, association=member)
        .select_related("checkout__pickup_partner", "checkout__organisation", "user")
        .order_by("-date_placed")
    )
    if status:
        queryset = queryset.filter(status=status)
    if payment in PAYMENT_FILTERS:
        queryset = queryset.filter(checkout__method__in=PAYMENT_FILTERS[payment])
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    members = list(members)
    return render(
        request,
        "shop/admin/orders.html",
        {
            "page_obj": page,
            "statuses": list(OrderStatus.PIPELINE),
            "status": status,
            "payment": payment if payment in PAYMENT_FILTERS else "",
            # The filter by member, for the coordinator and for counters of several members.
            "members": members if len(members) > 1 else [],
            "member": member,
        },
    )


@manager_required
def order(request, number):
    order = get_object_or_404(
        counter_orders(request.user).select_related(
            "checkout__pickup_partner", "checkout__organisation", "checkout__seller"
        ),
        number=number,
    )
    lines = order.lines.select_related("partner").prefetch_related(
        Prefetch("bound_devices", queryset=ListedDevice.objects.select_related("device"))
    )
    steps = {step["view"].slug: step for step in steps_shown(ORDER_STEPS, order)}
    if OrderBindDeviceView.slug in steps:
        # Only the lines of the counter's own workshops: another member's counter hands those devices over.
        own_lines = counter_lines(request.user, order)
        if own_lines.exists():
            steps[OrderBindDeviceView.slug]["form"].fields["line"].queryset = own_lines
        else:
            del steps[OrderBindDeviceView.slug]
    return render(
        request,
        "shop/admin/order.html",
        {
            "order": order,
            "checkout": getattr(order, "checkout", None),
            "lines": lines,
            "withdrawal": getattr(order, "withdrawal", None),
            "invoices": order.invoices.select_related("seller", "credited"),
            "steps": steps,
        },
    )


@manager_required
@require_GET
def invoice_download(request, number, pk):
    """An invoice or credit note of an order of the counter's own members (Factur-X PDF)."""
    order = get_object_or_404(counter_orders(request.user), number=number)
    invoice = get_object_or_404(order.invoices.select_related("seller"), pk=pk)
    return private_download(invoice_pdf_bytes(invoice=invoice), f"{invoice.file_stem}.pdf")


@manager_required
@require_GET
def invoices(request):
    """The invoices of the counter's own members as sellers: the overdue ones first (reminded every week by
    the beat job), then the latest issued."""
    sellers = None if is_coordinator(request.user) else counter_associations(request.user)
    issued = (
        counter_invoices(request.user)
        .select_related("seller", "order__checkout__organisation")
        .order_by("-issued_at", "-pk")
    )
    page = Paginator(issued, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/admin/invoices.html",
        {"overdue": invoices_overdue(sellers=sellers), "page_obj": page, "today": timezone.localdate()},
    )


@manager_required
@require_GET
def voucher_check(request):
    """A solidarity voucher shown at the counter: whether it can still be used, until when, for whom (a
    category). The sale itself goes through the basket with the code (payment at pickup)."""
    code = request.GET.get("code", "").strip()
    voucher = voucher_lookup(code) if code else None
    return render(
        request,
        "shop/admin/voucher_check.html",
        {"code": code, "voucher": voucher, "prices": SolidarityPrice.objects.all()},
    )


@manager_required
def withdrawals(request):
    items = counter_withdrawals(request.user).select_related("order__checkout").order_by("state", "-requested_at")
    return render(request, "shop/admin/withdrawals.html", {"withdrawals": items})


@manager_required
def organisations(request):
    items = counter_organisations(request.user).prefetch_related("members").order_by("verified_at", "name")
    rows = [(organisation, steps_shown([OrganisationVerifyView], organisation)) for organisation in items]
    return render(request, "shop/admin/organisations.html", {"organisations": rows})


@manager_required
def quotes(request):
    items = (
        counter_quotes(request.user)
        .select_related("organisation", "requested_by", "association")
        .prefetch_related("lines__product")
    )
    members = list(counter_associations(request.user))
    coordinator = is_coordinator(request.user)
    rows = []
    for quote in items:
        steps = steps_shown([QuoteAnswerView], quote)
        for step in steps:
            _offer_answering_members(step["form"], members, coordinator=coordinator)
        rows.append((quote, steps))
    return render(request, "shop/admin/quotes.html", {"quotes": rows})


def _offer_answering_members(form, members, *, coordinator: bool) -> None:
    """The answer form offers the counter's own members when they have several (a coordinator: any, or none
    for the network); a counter of one member answers for it without being asked."""
    field = form.fields["association"]
    if coordinator:
        return
    if len(members) > 1:
        field.queryset = Association.objects.filter(pk__in=[member.pk for member in members])
        field.empty_label = None
    else:
        del form.fields["association"]


@manager_required
@require_GET
def attestations(request):
    """Reuse attestations (loi AGEC) of the public buyers: a coordinator produces any, a counter those of its own
    members as sellers; one line per buyer, seller and year with purchases."""
    sellers = None if is_coordinator(request.user) else set(counter_associations(request.user))
    rows = []
    for organisation in Organisation.objects.filter(public_buyer=True, verified_at__isnull=False).order_by("name"):
        for year, seller in years_and_sellers(organisation):
            if sellers is None or seller in sellers:
                rows.append({"organisation": organisation, "year": year, "seller": seller})
    return render(request, "shop/admin/attestations.html", {"rows": rows})


@manager_required
@require_GET
def attestation_download(request, organisation, year, seller):
    organisation = get_object_or_404(Organisation, pk=organisation, verified_at__isnull=False)
    member = get_object_or_404(Association, slug=seller)
    if not (is_coordinator(request.user) or counter_associations(request.user).filter(pk=member.pk).exists()):
        raise Http404
    found = attestation_file(organisation=organisation, seller=member, year=year)
    if found is None:
        raise Http404
    return private_download(*found)


@manager_required
@require_GET
def quote_signed_order(request, pk):
    """The purchase order the buyer signed and uploaded when accepting a quote of the counter's own member."""
    quote = get_object_or_404(counter_quotes(request.user).exclude(signed_order=""), pk=pk)
    with quote.signed_order.open("rb") as handle:
        return private_download(handle.read(), f"bon-de-commande-{quote.reference}.pdf")
