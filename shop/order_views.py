"""The buyer's orders: the list, an order's page (devices' passports, invoice), the invoice PDF, withdrawal.

A guest opens an order from the link of its e-mails (`shop.order_links`); once opened, the session remembers it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from oscar.core.loading import get_model

from reemploi.downloads import private_download
from shop.einvoice import invoice_pdf_bytes
from shop.forms import WithdrawalForm
from shop.models import Invoice, ListedDevice
from shop.order_links import guest_order_remember, guest_orders, order_link_valid
from shop.selectors import INVOICE_METHODS, can_withdraw, pickup_association, withdrawal_deadline
from shop.services import AfterSaleRefused
from shop.services.orders import withdrawal_request

Order = get_model("order", "Order")


def _can_see_order(request, order) -> bool:
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    if order.number in guest_orders(request.session):
        return True
    key = request.GET.get("cle", "")
    if key and order.user_id is None:
        if not order_link_valid(order.number, key):
            return False
        guest_order_remember(request.session, order.number)
        return True
    return False


def _order_for(request, number):
    """The order if this visitor may see it; None when an anonymous visitor should log in first (whether or
    not the number exists: an order's existence is not revealed); 404 otherwise."""
    anonymous_without_access = (
        not request.user.is_authenticated and not request.GET.get("cle") and number not in guest_orders(request.session)
    )
    if anonymous_without_access:
        return None
    order = get_object_or_404(Order.objects.select_related("checkout"), number=number)
    if not _can_see_order(request, order):
        raise Http404
    return order


def _to_login(request):
    return redirect(f"{reverse('account_login')}?next={request.path}")


def order_detail(request, number):
    order = _order_for(request, number)
    if order is None:
        return _to_login(request)
    record = getattr(order, "checkout", None)
    lines = order.lines.prefetch_related(
        Prefetch("bound_devices", queryset=ListedDevice.objects.select_related("device"))
    )
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "checkout": record,
            "pickup_place": pickup_association(record),
            "lines": lines,
            "invoices": order.invoices.select_related("seller", "credited"),
            "on_invoice": record is not None and record.method in INVOICE_METHODS,
            "withdrawal": getattr(order, "withdrawal", None),
            "can_withdraw": can_withdraw(order),
            "withdrawal_deadline": withdrawal_deadline(order),
        },
    )


@require_GET
def order_invoice(request, number, pk=None):
    """An invoice or credit note of the order (Factur-X PDF); without `pk`, its first invoice (the address
    e-mails of earlier orders carry)."""
    order = _order_for(request, number)
    if order is None:
        return _to_login(request)
    invoices = order.invoices.select_related("seller")
    invoice = invoices.filter(pk=pk).first() if pk else invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if invoice is None:
        raise Http404
    return private_download(invoice_pdf_bytes(invoice=invoice), f"{invoice.file_stem}.pdf")


def order_withdraw(request, number):
    order = _order_for(request, number)
    if order is None:
        return _to_login(request)
    if not can_withdraw(order):
        messages.error(request, _("This order can no longer be withdrawn from."))
        return redirect("shop_order_detail", number=number)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal_request(order=order, reason=form.cleaned_data["reason"])
        except AfterSaleRefused as refusal:  # withdrawn meanwhile (a second tab), or the deadline just passed
            messages.error(request, " ".join(refusal.messages))
            return redirect("shop_order_detail", number=number)
        messages.success(request, _("Your withdrawal is recorded. An acknowledgment has been sent by e-mail."))
        return redirect("shop_order_detail", number=number)
    return render(
        request,
        "shop/withdrawal_confirm.html",
        {"order": order, "form": form, "deadline": withdrawal_deadline(order)},
    )


@login_required
def my_orders(request):
    orders = (
        Order.objects.filter(user=request.user)
        .select_related("checkout")
        .prefetch_related("invoices__seller")
        .prefetch_related(Prefetch("lines__bound_devices", queryset=ListedDevice.objects.select_related("device")))
        .order_by("-date_placed")
    )
    # The other spaces this account opens: a donor's or a relay partner's people find them here.
    portals = []
    if request.user.donors.exists():
        portals.append((_("Donor portal"), reverse("devices:donor_home")))
    if request.user.relay_partners.exists():
        portals.append((_("Relay partner portal"), reverse("programmes:home")))
    return render(request, "shop/my_orders.html", {"orders": orders, "portals": portals})
