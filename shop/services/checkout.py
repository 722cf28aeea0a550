"""Turning a basket into an order: the buyer's choices, the shipping method, and placing the order once.

`order_place` locks the stock rows, allocates a free unit to each line and places Oscar's order in one
transaction, so the last unit goes to one buyer only. Card payments reach it through `shop.services.payments`
(authorised first, captured after); payments on invoice through `invoice_order_place` (placed at once).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.shipping.methods import FixedPrice, Free
from oscar.core.loading import get_class, get_model

from payments import stripe_api
from shop.catalogue import catalogue_changed
from shop.emails import order_email_after_commit
from shop.models import Checkout, OrderStatus
from shop.selectors import basket_signature, delivery_rate, needs_approval, pickup_partners, verified_organisation
from shop.services import CheckoutRefused

OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")
Voucher = get_model("voucher", "Voucher")
StockRecord = get_model("partner", "StockRecord")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
Country = get_model("address", "Country")


class PickupMethod(Free):
    code = "pickup"

    def __init__(self, partner_name: str):
        self.name = _("Pickup at %(association)s") % {"association": partner_name}


class DeliveryMethod(FixedPrice):
    code = "delivery"

    def __init__(self):
        rate = delivery_rate()
        super().__init__(charge_excl_tax=rate, charge_incl_tax=rate)
        self.name = _("Home delivery")


def shipping_method_for(checkout: Checkout):
    if checkout.fulfilment == Checkout.Fulfilment.PICKUP:
        return PickupMethod(checkout.pickup_partner.name)
    return DeliveryMethod()


INVOICE_METHODS = (Checkout.Method.TRANSFER, Checkout.Method.MANDATE)


@dataclass
class CheckoutChoices:
    email: str
    fulfilment: str
    method: str
    pickup_partner: object = None
    address: dict | None = None
    purchase_order: str = ""
    service_code: str = ""


def seller_for(basket, choices: CheckoutChoices):
    """The member association that sells the whole order: the pickup place, or for a delivery the member
    whose workshop holds every line. One seller per order: each member is its own legal entity, with its own
    invoices, and a payment goes to the one entity that sells (see README, "Seller of record")."""
    if choices.fulfilment == Checkout.Fulfilment.PICKUP:
        return choices.pickup_partner.workshop.association
    holders = list(pickup_partners(basket))
    if not holders:
        raise CheckoutRefused(
            _(
                "No single member association holds every item of your basket, and each association sells and "
                "invoices its own devices: order the items of each association separately."
            )
        )
    return holders[0].workshop.association


def checkout_start(*, basket, user, choices: CheckoutChoices) -> Checkout:
    """Record the buyer's choices for this basket (one checkout per basket, updated until placed)."""
    if basket.is_empty:
        raise CheckoutRefused(_("Your basket is empty."))
    organisation = verified_organisation(user)
    if choices.method in INVOICE_METHODS and organisation is None:
        raise CheckoutRefused(_("Payment on invoice is for verified organisations."))
    if choices.method == Checkout.Method.AT_PICKUP and choices.fulfilment != Checkout.Fulfilment.PICKUP:
        raise CheckoutRefused(_("Payment at pickup is for orders collected at an association."))
    if organisation is not None and choices.method not in INVOICE_METHODS:
        estimate = OrderTotalCalculator().calculate(basket, Free().calculate(basket)).incl_tax
        if needs_approval(user, organisation, estimate):
            raise CheckoutRefused(
                _(
                    "Above %(threshold)s €, an order of %(organisation)s is confirmed by one of its approvers: "
                    "choose payment on invoice, and the order will wait for their approval."
                )
                % {"threshold": organisation.approval_threshold, "organisation": organisation.name}
            )
    if choices.method == Checkout.Method.CARD and not stripe_api.enabled():
        raise CheckoutRefused(_("Card payment is not available at the moment."))
    seller = seller_for(basket, choices)
    method = (
        DeliveryMethod()
        if choices.fulfilment == Checkout.Fulfilment.DELIVERY
        else PickupMethod(choices.pickup_partner.name)
    )
    shipping_charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    with transaction.atomic():
        checkout = Checkout.objects.select_for_update().filter(basket=basket).first()
        if checkout and checkout.state in (Checkout.State.PLACED, Checkout.State.PAID):
            raise CheckoutRefused(_("This basket has already been ordered."))
        if checkout is None:
            checkout = Checkout(basket=basket, order_number=OrderNumberGenerator().order_number(basket))
        checkout.state = Checkout.State.STARTED
        checkout.failure = ""
        checkout.user = user if getattr(user, "is_authenticated", False) else None
        checkout.email = choices.email
        checkout.seller = seller
        checkout.organisation = organisation
        checkout.fulfilment = choices.fulfilment
        checkout.pickup_partner = choices.pickup_partner if choices.fulfilment == Checkout.Fulfilment.PICKUP else None
        checkout.address = choices.address or {}
        checkout.method = choices.method
        checkout.purchase_order = choices.purchase_order
        checkout.service_code = choices.service_code
        checkout.shipping_charge = shipping_charge.incl_tax
        checkout.total = total.incl_tax
        checkout.basket_signature = basket_signature(basket)
        checkout.save()
    return checkout


# --- Placing the order (one transaction, stock rows locked) ------------------------------------------


def _lock_and_allocate_stock(checkout: Checkout, lines) -> None:
    """Point each line at a stock record with a free unit, under row locks, or refuse."""
    product_ids = [line.product_id for line in lines]
    records = list(StockRecord.objects.select_for_update().filter(product_id__in=product_ids).order_by("pk"))
    seller_partners = set(
        StockRecord.objects.filter(
            pk__in=[record.pk for record in records], partner__workshop__association=checkout.seller_id
        ).values_list("partner_id", flat=True)
    )
    for line in lines:
        candidates = [record for record in records if record.product_id == line.product_id]
        if checkout.fulfilment == Checkout.Fulfilment.PICKUP:
            candidates = [record for record in candidates if record.partner_id == checkout.pickup_partner_id]
        elif checkout.seller_id:  # one seller per order: its workshop's stock only
            candidates = [record for record in candidates if record.partner_id in seller_partners]
        free = [record for record in candidates if record.net_stock_level >= line.quantity]
        if not free:
            raise CheckoutRefused(
                _("Sorry, “%(product)s” has just been sold out. It has not been charged; please review your basket.")
                % {"product": line.product.get_title()}
            )
        record = max(free, key=lambda r: r.net_stock_level)
        record.num_allocated = (record.num_allocated or 0) + line.quantity  # the in-memory copy, for later lines
        if line.stockrecord_id != record.pk:
            line.stockrecord = record
            line.save(update_fields=["stockrecord"])


def _lock_vouchers(basket, user) -> None:
    """Oscar checks a voucher when it enters a basket: two baskets holding one single-use voucher (a solidarity
    voucher given to one person) would both be ordered. The vouchers' rows are locked and checked again."""
    voucher_ids = list(basket.vouchers.values_list("pk", flat=True))
    if not voucher_ids:
        return
    for voucher in Voucher.objects.select_for_update().filter(pk__in=voucher_ids).order_by("pk"):
        available, _message = voucher.is_available_to_user(user=user)
        if not (voucher.is_active() and available):
            raise CheckoutRefused(
                _(
                    "The code %(code)s can no longer be used (already used, expired or revoked). It has not been "
                    "charged; remove it from your basket to order at the normal price."
                )
                % {"code": voucher.code}
            )


def _addresses(checkout: Checkout):
    address = checkout.address or {}
    if not address:
        return None, None
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="FR",
        defaults={"iso_3166_1_a3": "FRA", "iso_3166_1_numeric": "250", "printable_name": "France", "name": "France"},
    )
    fields = {
        "first_name": address.get("first_name", ""),
        "last_name": address.get("last_name", ""),
        "line1": address.get("line1", ""),
        "line2": address.get("line2", ""),
        "line4": address.get("city", ""),
        "postcode": address.get("postcode", ""),
        "country": country,
    }
    shipping = None
    if checkout.fulfilment == Checkout.Fulfilment.DELIVERY:
        shipping = ShippingAddress.objects.create(phone_number=address.get("phone") or "", **fields)
    billing = BillingAddress.objects.create(**fields)
    return shipping, billing


def order_place(*, checkout: Checkout, status: str) -> Checkout:
    """Place the checkout's order once; refuses (CheckoutRefused) if the basket changed or stock ran out."""
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update(of=("self",))
            .select_related("basket", "pickup_partner")
            .get(pk=checkout.pk)
        )
        if checkout.order_id:
            return checkout
        if checkout.state == Checkout.State.CANCELLED:
            raise CheckoutRefused(_("This checkout was cancelled."))
        basket = checkout.basket
        basket.strategy = Selector().strategy(user=checkout.user)
        lines = list(basket.all_lines())
        if basket_signature(basket) != checkout.basket_signature:
            raise CheckoutRefused(
                _("Your basket changed during payment. It has not been charged; please check it again.")
            )
        buyer = checkout.user or AnonymousUser()  # Oscar records a voucher's use with a user object
        _lock_vouchers(basket, buyer)
        _lock_and_allocate_stock(checkout, lines)
        basket._lines = None  # lines re-read with their new stock records
        Applicator().apply(basket, buyer)  # then the offers of its vouchers (a solidarity price)
        shipping_method = shipping_method_for(checkout)
        shipping_charge = shipping_method.calculate(basket)
        total = OrderTotalCalculator().calculate(basket, shipping_charge)
        shipping_address, billing_address = _addresses(checkout)
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            user=buyer,
            shipping_address=shipping_address,
            billing_address=billing_address,
            order_number=checkout.order_number,
            status=status,
            guest_email="" if checkout.user else checkout.email,
        )
        basket.submit()
        catalogue_changed()  # Oscar's allocation updates the stock rows without a save signal
        checkout.order = order
        checkout.state = Checkout.State.PLACED
        checkout.save(update_fields=["order", "state"])
        order_email_after_commit(checkout, "received")
    return checkout


def invoice_order_place(*, checkout: Checkout) -> Checkout:
    """Transfer or mandat administratif: the order is placed at once, confirmed (or waiting for an approver
    of the organisation, above its threshold); it is invoiced at delivery and paid after the invoice."""
    waits = checkout.user_id and needs_approval(checkout.user, checkout.organisation, checkout.total)
    with transaction.atomic():
        placed = order_place(
            checkout=checkout, status=OrderStatus.AWAITING_APPROVAL if waits else OrderStatus.CONFIRMED
        )
        if waits:
            order_email_after_commit(placed, "approval_needed")
    return placed


def reservation_deadline(now=None) -> datetime.datetime:
    """Until when devices reserved now for a payment at pickup are held: SHOP_PICKUP_RESERVATION_DAYS
    days, to the end of that day (Paris time), so a buyer has every opening hour of the last day."""
    now = timezone.localtime(now)
    last_day = now.date() + datetime.timedelta(days=settings.SHOP_PICKUP_RESERVATION_DAYS)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59, 59)))


def pickup_order_place(*, checkout: Checkout) -> Checkout:
    """Payment at pickup: the order is placed at once, its devices held for the buyer until the
    reservation's deadline; staff record the payment at the counter when they hand the devices over."""
    with transaction.atomic():
        checkout = order_place(checkout=checkout, status=OrderStatus.AWAITING_PAYMENT)
        if checkout.reserved_until is None:
            checkout.reserved_until = reservation_deadline()
            checkout.save(update_fields=["reserved_until"])
    return checkout
