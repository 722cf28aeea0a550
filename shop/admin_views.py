"""The shop's back office in the Wagtail admin: orders to run, withdrawals, organisations, quotes.

Every view requires `shop.manage_orders` (group "Shop"); the URLs are registered by `shop.wagtail_hooks`.
Each step on an order, an organisation or a quote is a `reemploi.admin_steps.ObjectStepView`: its form
checks what staff typed, its service in `shop.services` does the work and may refuse. A refused or invalid
step answers, as these pages always have, with a redirect to the page it was posted from and the message on
top (the forms are one line each; staff retype nothing but a reference or an asset tag).
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from oscar.core.loading import get_model
from wagtail.admin import messages

from reemploi.admin_steps import ObjectStepView, steps_shown
from shop import forms
from shop.models import Checkout, ListedDevice, OrderStatus, Organisation, Quote, Withdrawal
from shop.services import orders as order_services
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
        return Order.objects.select_related("checkout")

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
        return record is not None and record.state == Checkout.State.PLACED and record.method != Checkout.Method.CARD


class OrderBindDeviceView(OrderStepView):
    """Staff scan the device handed over for a line."""

    slug, route, label = "bind", "appareil", gettext_lazy("Scan a device for a line")
    form_class = forms.OrderBindDeviceForm
    allowed_statuses = order_services.BINDABLE_STATUSES
    success_text = gettext_lazy("Device bound to the order: the registry records it as sold.")

    def perform(self, order, form):
        data = form.cleaned_data
        return order_services.order_bind_device(line=data["line"], asset_tag=data["asset_tag"], actor=self.request.user)


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
            order_services.order_set_status(order=order, status=status, actor=self.request.user)
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
        withdrawal = get_object_or_404(Withdrawal, order=order)
        return order_services.withdrawal_refund(withdrawal=withdrawal, actor=self.request.user)


ORDER_STEPS: list[type[OrderStepView]] = [OrderBindDeviceView, OrderPaymentView, OrderStatusView, OrderRefundView]


class OrganisationVerifyView(ShopStepView):
    model = Organisation
    object_kwarg = "organisation"
    slug, route, label = "organisation_verify", "verifier", gettext_lazy("Verify")
    form_class = forms.OrganisationVerifyForm
    service = staticmethod(organisation_verify)

    @classmethod
    def allows(cls, organisation) -> bool:
        return not organisation.is_verified

    def success_message(self, organisation, result) -> str:
        return _("%(name)s is verified: its members may order on invoice.") % {"name": organisation.name}

    def success_url(self, organisation) -> str:
        return reverse(f"{URL_NAMESPACE}organisations")


class QuoteAnswerView(ShopStepView):
    model = Quote
    object_kwarg = "quote"
    slug, route, label = "quote_answer", "repondre", gettext_lazy("Send the quote at catalogue prices")
    form_class = forms.QuoteAnswerForm
    service = staticmethod(quote_answer)

    @classmethod
    def allows(cls, quote) -> bool:
        return quote.state == Quote.State.REQUESTED

    @classmethod
    def get_form(cls, quote, data=None, files=None):
        return cls.form_class(data, files, auto_id=f"%s-{quote.pk}")

    def success_message(self, quote, result) -> str:
        return _("Quote %(reference)s sent.") % {"reference": quote.reference}

    def success_url(self, quote) -> str:
        return reverse(f"{URL_NAMESPACE}quotes")


# --- The pages ---------------------------------------------------------------------------------------------


@manager_required
@require_GET
def home(request):
    """`/admin/boutique/`: the orders, where the shop's work starts."""
    return redirect(f"{URL_NAMESPACE}orders")


@manager_required
def orders(request):
    status = request.GET.get("statut", "")
    queryset = Order.objects.select_related("checkout__pickup_partner", "checkout__organisation", "user").order_by(
        "-date_placed"
    )
    if status:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "shop/admin/orders.html",
        {"page_obj": page, "statuses": list(OrderStatus.PIPELINE), "status": status},
    )


@manager_required
def order(request, number):
    order = get_object_or_404(
        Order.objects.select_related("checkout__pickup_partner", "checkout__organisation", "invoice"), number=number
    )
    lines = order.lines.select_related("partner").prefetch_related(
        Prefetch("bound_devices", queryset=ListedDevice.objects.select_related("device"))
    )
    return render(
        request,
        "shop/admin/order.html",
        {
            "order": order,
            "checkout": getattr(order, "checkout", None),
            "lines": lines,
            "withdrawal": getattr(order, "withdrawal", None),
            "steps": {step["view"].slug: step for step in steps_shown(ORDER_STEPS, order)},
        },
    )


@manager_required
def withdrawals(request):
    items = Withdrawal.objects.select_related("order__checkout").order_by("state", "-requested_at")
    return render(request, "shop/admin/withdrawals.html", {"withdrawals": items})


@manager_required
def organisations(request):
    items = Organisation.objects.prefetch_related("members").order_by("verified_at", "name")
    rows = [(organisation, steps_shown([OrganisationVerifyView], organisation)) for organisation in items]
    return render(request, "shop/admin/organisations.html", {"organisations": rows})


@manager_required
def quotes(request):
    items = Quote.objects.select_related("organisation", "requested_by").prefetch_related("lines__product")
    rows = [(quote, steps_shown([QuoteAnswerView], quote)) for quote in items]
    return render(request, "shop/admin/quotes.html", {"quotes": rows})
