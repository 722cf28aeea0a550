"""The buyer's checkout: delivery and payment choices, the card step (Stripe.js), the return after 3-D Secure.

Views stay thin: `shop.services.checkout` and `shop.services.payments` do the work.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments import stripe_api
from payments.csp import allows_stripe
from shop.forms import CheckoutForm
from shop.models import Checkout
from shop.order_links import guest_order_remember
from shop.selectors import basket_signature, delivery_rate, pickup_partners, verified_organisation
from shop.services import CheckoutRefused
from shop.services.checkout import CheckoutChoices, checkout_start, invoice_order_place, pickup_order_place
from shop.services.payments import card_authorise, card_fulfil

CHECKOUT_SESSION_KEY = "shop:checkout"


def _remember_guest_order(request, record: Checkout) -> None:
    if record.user_id is None:
        guest_order_remember(request.session, record.order_number)


def checkout(request):
    basket = request.basket
    if basket.is_empty:
        messages.info(request, _("Your basket is empty."))
        return redirect("basket:summary")
    partners = pickup_partners(basket)
    organisation = verified_organisation(request.user)
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
        delivery_rate=delivery_rate(),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices = CheckoutChoices(
            email=data["email"],
            fulfilment=data["fulfilment"],
            method=data["method"],
            pickup_partner=data.get("pickup_partner"),
            address=form.address(),
            purchase_order=data.get("purchase_order", ""),
            service_code=data.get("service_code", ""),
        )
        try:
            record = checkout_start(basket=basket, user=request.user, choices=choices)
            if record.method == Checkout.Method.CARD:
                return redirect("shop_checkout_payment")
            if record.method == Checkout.Method.AT_PICKUP:
                record = pickup_order_place(checkout=record)
            else:
                record = invoice_order_place(checkout=record)
        except CheckoutRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("basket:summary")
        _remember_guest_order(request, record)
        if record.method == Checkout.Method.AT_PICKUP:
            messages.success(request, _("Thank you: your devices are reserved. You pay when you collect them."))
        else:
            messages.success(request, _("Thank you: your order is placed and waits for your payment."))
        return redirect("shop_order_detail", number=record.order_number)
    return render(
        request,
        "shop/checkout.html",
        {"form": form, "basket": basket, "delivery_rate": delivery_rate(), "organisation": organisation},
    )


@allows_stripe
def checkout_payment(request):
    """The card step: Stripe.js tokenises the card, the server authorises the amount, then places the order."""
    basket = request.basket
    if basket.pk is None or basket.is_empty:  # a visitor with no basket yet, or opening the page directly
        messages.info(request, _("Your basket is empty."))
        return redirect("basket:summary")
    record = Checkout.objects.filter(basket=basket, state=Checkout.State.STARTED, method=Checkout.Method.CARD).first()
    if record is None or not stripe_api.enabled():
        return redirect("shop_checkout")
    if basket_signature(basket) != record.basket_signature:
        messages.warning(request, _("Your basket changed: please check your order again."))
        return redirect("shop_checkout")
    request.session[CHECKOUT_SESSION_KEY] = record.pk
    context = {
        "checkout": record,
        "basket": basket,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_test_mode": stripe_api.test_mode(),
    }
    if request.method == "POST":
        token = request.POST.get("token", "")
        if not token.startswith("tok_"):
            context["error"] = _("The card could not be read: please enter it again.")
            return render(request, "shop/payment.html", context, status=400)
        status, client_secret, error = card_authorise(checkout=record, token=token)
        if error:
            context["error"] = error
            return render(request, "shop/payment.html", context)
        if status == "requires_action":
            context["authenticate_secret"] = client_secret
            return render(request, "shop/payment.html", context)
        return _after_authorisation(request, record.payment_intent_id)
    return render(request, "shop/payment.html", context)


def _after_authorisation(request, payment_intent_id):
    record, problem = card_fulfil(payment_intent_id=payment_intent_id)
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
