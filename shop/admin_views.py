"""The shop's back office in the Wagtail admin: orders to run, withdrawals, organisations, quotes.

Every view requires `shop.manage_orders` (group "Shop"); the work is done by `shop.after_sale`.
"""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model
from wagtail.admin import messages

from shop import after_sale
from shop.models import ListedDevice, OrderStatus, Organisation, Quote, Withdrawal

Order = get_model("order", "Order")
Line = get_model("order", "Line")

MANAGE_PERMISSION = "shop.manage_orders"


manager_required = permission_required(MANAGE_PERMISSION, raise_exception=True)


def _refusal_message(refusal) -> str:
    return " ".join(refusal.messages)


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
            "next_statuses": [
                s for s in order.available_statuses() if s not in (OrderStatus.WITHDRAWN, OrderStatus.PAID)
            ],
        },
    )


def _order_action(request, number, action, success):
    order = get_object_or_404(Order, number=number)
    try:
        action(order)
    except after_sale.AfterSaleRefused as refusal:
        messages.error(request, _refusal_message(refusal))
    else:
        messages.success(request, success)
    return redirect("shop_admin_order", number=number)


@manager_required
@require_POST
def order_record_payment(request, number):
    return _order_action(
        request,
        number,
        lambda order: after_sale.order_record_payment(
            order=order, actor=request.user, reference=request.POST.get("reference", "")
        ),
        _("Payment recorded: the invoice is issued and sent."),
    )


@manager_required
@require_POST
def order_bind_device(request, number):
    def bind(order):
        line = get_object_or_404(Line, pk=request.POST.get("line"), order=order)
        after_sale.order_bind_device(line=line, asset_tag=request.POST.get("asset_tag", ""), actor=request.user)

    return _order_action(request, number, bind, _("Device bound to the order: the registry records it as sold."))


@manager_required
@require_POST
def order_set_status(request, number):
    status = request.POST.get("status", "")
    if status == OrderStatus.CANCELLED:
        return _order_action(
            request,
            number,
            lambda order: after_sale.order_cancel(order=order, actor=request.user),
            _("Order cancelled."),
        )
    return _order_action(
        request,
        number,
        lambda order: after_sale.order_set_status(order=order, status=status, actor=request.user),
        _("Order status changed to “%(status)s”.") % {"status": status},
    )


@manager_required
@require_POST
def order_refund(request, number):
    def refund(order):
        withdrawal = get_object_or_404(Withdrawal, order=order)
        after_sale.withdrawal_refund(withdrawal=withdrawal, actor=request.user)

    return _order_action(request, number, refund, _("Refund made; the buyer is told by e-mail."))


@manager_required
def withdrawals(request):
    items = Withdrawal.objects.select_related("order__checkout").order_by("state", "-requested_at")
    return render(request, "shop/admin/withdrawals.html", {"withdrawals": items})


@manager_required
def organisations(request):
    items = Organisation.objects.prefetch_related("members").order_by("verified_at", "name")
    return render(request, "shop/admin/organisations.html", {"organisations": items})


@manager_required
@require_POST
def organisation_verify(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    after_sale.organisation_verify(organisation=organisation, actor=request.user)
    messages.success(
        request, _("%(name)s is verified: its members may order on invoice.") % {"name": organisation.name}
    )
    return redirect("shop_admin_organisations")


@manager_required
def quotes(request):
    items = Quote.objects.select_related("organisation", "requested_by").prefetch_related("lines__product")
    return render(request, "shop/admin/quotes.html", {"quotes": items})


@manager_required
@require_POST
def quote_answer(request, pk):
    quote = get_object_or_404(Quote, pk=pk)
    try:
        days = max(1, min(int(request.POST.get("valid_days") or 30), 365))
        after_sale.quote_answer(quote=quote, actor=request.user, valid_days=days, note=request.POST.get("note", ""))
    except ValueError:
        messages.error(request, _("Give the validity in days."))
    except after_sale.AfterSaleRefused as refusal:
        messages.error(request, _refusal_message(refusal))
    else:
        messages.success(request, _("Quote %(reference)s sent.") % {"reference": quote.reference})
    return redirect("shop_admin_quotes")
