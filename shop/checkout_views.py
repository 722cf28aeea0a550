"""The buyer's side: checkout, card payment, order page (invoice, withdrawal), organisation and quotes.

Views stay thin: `shop.checkout_services`, `shop.after_sale` and the forms do the work.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from oscar.core.loading import get_model

from payments import stripe_api
from reemploi.downloads import private_download
from shop import after_sale
from shop import checkout_services as services
from shop.forms import CheckoutForm, OrganisationForm, QuoteRequestForm, WithdrawalForm
from shop.invoices import invoice_pdf_bytes
from shop.models import Checkout, ListedDevice, Organisation, Quote

Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")

GUEST_ORDERS_SESSION_KEY = "shop:guest_orders"
CHECKOUT_SESSION_KEY = "shop:checkout"
ORDER_LINK_SALT = "shop.order-link"
ORDER_LINK_MAX_AGE = 60 * 60 * 24 * 120  # a guest's link in the e-mails works for four months


def order_link_key(number: str) -> str:
    return signing.TimestampSigner(salt=ORDER_LINK_SALT).sign(number).split(":", 1)[1]


def _can_see_order(request, order) -> bool:
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    if order.number in request.session.get(GUEST_ORDERS_SESSION_KEY, []):
        return True
    key = request.GET.get("cle", "")
    if key and order.user_id is None:
        try:
            signing.TimestampSigner(salt=ORDER_LINK_SALT).unsign(f"{order.number}:{key}", max_age=ORDER_LINK_MAX_AGE)
        except signing.BadSignature:
            return False
        request.session[GUEST_ORDERS_SESSION_KEY] = [*request.session.get(GUEST_ORDERS_SESSION_KEY, []), order.number]
        return True
    return False


def _order_for(request, number):
    """The order if this visitor may see it; None when an anonymous visitor should log in first (whether or
    not the number exists: an order's existence is not revealed); 404 otherwise."""
    anonymous_without_access = (
        not request.user.is_authenticated
        and not request.GET.get("cle")
        and number not in request.session.get(GUEST_ORDERS_SESSION_KEY, [])
    )
    if anonymous_without_access:
        return None
    order = get_object_or_404(Order.objects.select_related("checkout", "invoice"), number=number)
    if not _can_see_order(request, order):
        raise Http404
    return order


def _remember_guest_order(request, checkout):
    if checkout.user_id is None:
        numbers = request.session.get(GUEST_ORDERS_SESSION_KEY, [])
        if checkout.order_number not in numbers:
            request.session[GUEST_ORDERS_SESSION_KEY] = [*numbers, checkout.order_number]


# --- Checkout ------------------------------------------------------------------------------------------


def checkout(request):
    basket = request.basket
    if basket.is_empty:
        messages.info(request, _("Your basket is empty."))
        return redirect("basket:summary")
    partners = services.pickup_partners(basket)
    organisation = services.verified_organisation(request.user)
    existing = Checkout.objects.filter(basket=basket, state=Checkout.State.STARTED).first()
    initial = {}
    if request.user.is_authenticated:
        initial.update(email=request.user.email, first_name=request.user.first_name, last_name=request.user.last_name)
    if existing:
        initial.update(existing.address, email=existing.email, fulfilment=existing.fulfilment, method=existing.method)
        initial.update(pickup_partner=existing.pickup_partner_id, purchase_order=existing.purchase_order)
    form = CheckoutForm(
        request.POST or None,
        initial=initial,
        pickup_partners=partners,
        delivery_rate=services.delivery_rate(),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices = services.CheckoutChoices(
            email=data["email"],
            fulfilment=data["fulfilment"],
            method=data["method"],
            pickup_partner=data.get("pickup_partner"),
            address=form.address(),
            purchase_order=data.get("purchase_order", ""),
            service_code=data.get("service_code", ""),
        )
        try:
            record = services.checkout_start(basket=basket, user=request.user, choices=choices)
            if record.method == Checkout.Method.CARD:
                return redirect("shop_checkout_payment")
            record = services.invoice_order_place(record)
        except services.CheckoutRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("basket:summary")
        _remember_guest_order(request, record)
        messages.success(request, _("Thank you: your order is placed and waits for your payment."))
        return redirect("shop_order_detail", number=record.order_number)
    return render(
        request,
        "shop/checkout.html",
        {"form": form, "basket": basket, "delivery_rate": services.delivery_rate(), "organisation": organisation},
    )


def checkout_payment(request):
    """The card step: Stripe.js tokenises the card, the server authorises the amount, then places the order."""
    basket = request.basket
    record = Checkout.objects.filter(basket=basket, state=Checkout.State.STARTED, method=Checkout.Method.CARD).first()
    if record is None or not stripe_api.enabled():
        return redirect("shop_checkout")
    if services.basket_signature(basket) != record.basket_signature:
        messages.warning(request, _("Your basket changed: please check your order again."))
        return redirect("shop_checkout")
    request.session[CHECKOUT_SESSION_KEY] = record.pk
    context = {
        "checkout": record,
        "basket": basket,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    if request.method == "POST":
        token = request.POST.get("token", "")
        if not token.startswith("tok_"):
            context["error"] = _("The card could not be read: please enter it again.")
            return render(request, "shop/payment.html", context, status=400)
        status, client_secret, error = services.card_authorise(record, token)
        if error:
            context["error"] = error
            return render(request, "shop/payment.html", context)
        if status == "requires_action":
            context["authenticate_secret"] = client_secret
            return render(request, "shop/payment.html", context)
        return _after_authorisation(request, record.payment_intent_id)
    return render(request, "shop/payment.html", context)


def _after_authorisation(request, payment_intent_id):
    record, problem = services.card_fulfil(payment_intent_id)
    if problem and not (record and record.order_id):
        messages.error(request, problem)
        return redirect("basket:summary")
    _remember_guest_order(request, record)
    if record.state == Checkout.State.PAID:
        messages.success(request, _("Thank you: your payment is confirmed and your order is placed."))
    else:
        messages.info(request, _("Your order is placed; the payment confirmation will follow by e-mail."))
    return redirect("shop_order_detail", number=record.order_number)


@require_POST
def checkout_confirm(request):
    """After 3-D Secure in the browser: the same fulfilment as the webhook's."""
    payment_intent_id = request.POST.get("payment_intent", "")
    record = Checkout.objects.filter(payment_intent_id=payment_intent_id).first()
    if record is None or request.session.get(CHECKOUT_SESSION_KEY) != record.pk:
        raise Http404
    return _after_authorisation(request, payment_intent_id)


# --- Orders --------------------------------------------------------------------------------------------


def order_detail(request, number):
    order = _order_for(request, number)
    if order is None:
        return redirect(f"{reverse('account_login')}?next={request.path}")
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
            "lines": lines,
            "invoice": getattr(order, "invoice", None),
            "withdrawal": getattr(order, "withdrawal", None),
            "can_withdraw": after_sale.can_withdraw(order),
            "withdrawal_deadline": after_sale.withdrawal_deadline(order),
        },
    )


@require_GET
def order_invoice(request, number):
    order = _order_for(request, number)
    if order is None:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    invoice = getattr(order, "invoice", None)
    if invoice is None:
        raise Http404
    return private_download(invoice_pdf_bytes(invoice), f"facture-{invoice.number}.pdf")


def order_withdraw(request, number):
    order = _order_for(request, number)
    if order is None:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not after_sale.can_withdraw(order):
        messages.error(request, _("This order can no longer be withdrawn from."))
        return redirect("shop_order_detail", number=number)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        after_sale.withdrawal_request(order=order, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your withdrawal is recorded. An acknowledgment has been sent by e-mail."))
        return redirect("shop_order_detail", number=number)
    return render(
        request,
        "shop/withdrawal_confirm.html",
        {"order": order, "form": form, "deadline": after_sale.withdrawal_deadline(order)},
    )


@login_required
def my_orders(request):
    orders = (
        Order.objects.filter(user=request.user)
        .select_related("checkout", "invoice")
        .prefetch_related(Prefetch("lines__bound_devices", queryset=ListedDevice.objects.select_related("device")))
        .order_by("-date_placed")
    )
    return render(request, "shop/my_orders.html", {"orders": orders})


# --- Organisations and quotes --------------------------------------------------------------------------


@login_required
def organisation_profile(request):
    organisation = Organisation.objects.filter(members=request.user).first()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if organisation and organisation.is_verified:
        for field in ("name", "siret", "kind", "public_buyer"):
            form.fields[field].disabled = True
    if request.method == "POST" and form.is_valid():
        changed = form.has_changed()
        organisation = form.save()
        organisation.members.add(request.user)
        if changed and not organisation.is_verified:
            messages.success(
                request, _("Your organisation is recorded. Our team will verify it within two working days.")
            )
        else:
            messages.success(request, _("Your organisation profile is saved."))
        return redirect("shop_organisation")
    quotes = organisation.quotes.order_by("-created_at") if organisation else []
    return render(request, "shop/organisation.html", {"form": form, "organisation": organisation, "quotes": quotes})


@login_required
def quote_request(request):
    organisation = services.verified_organisation(request.user)
    if organisation is None:
        messages.error(request, _("Quotes are for verified organisations: fill in your organisation profile first."))
        return redirect("shop_organisation")
    basket = request.basket
    form = QuoteRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if basket.is_empty:
            messages.error(request, _("Add the products and quantities you need to your basket first."))
            return redirect("basket:summary")
        quote = after_sale.quote_request(
            organisation=organisation, user=request.user, basket=basket, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Your quote request is sent. We will answer by e-mail."))
        return redirect("shop_quote_detail", pk=quote.pk)
    return render(request, "shop/quote_request.html", {"form": form, "basket": basket, "organisation": organisation})


def _quote_for(request, pk):
    return get_object_or_404(
        Quote.objects.select_related("organisation").prefetch_related("lines__product"),
        pk=pk,
        organisation__members=request.user,
    )


@login_required
def quote_detail(request, pk):
    quote = _quote_for(request, pk)
    return render(request, "shop/quote_detail.html", {"quote": quote, "today": timezone.localdate()})


@login_required
@require_GET
def quote_pdf(request, pk):
    quote = _quote_for(request, pk)
    if quote.state == Quote.State.REQUESTED:
        raise Http404
    return private_download(after_sale.quote_pdf_bytes(quote), f"devis-{quote.reference}.pdf")


@login_required
@require_POST
def quote_order(request, pk):
    quote = _quote_for(request, pk)
    try:
        after_sale.quote_to_basket(quote=quote, basket=request.basket)
    except after_sale.AfterSaleRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("shop_quote_detail", pk=pk)
    messages.success(request, _("The quote is in your basket: choose delivery and payment to order."))
    return redirect("shop_checkout")
