"""Quotes: a verified organisation asks for what it needs, whatever today's stock — products of its basket or
configurations (category, minimum specs, grade, quantity) —, a member's counter answers line by line with its
own prices and lead times (the buyer gets the numbered PDF by e-mail), and the buyer accepts online: the quote
becomes an order of the answering member (the seller) at the quoted prices, on transfer or mandat
administratif, whose lines are filled with devices as they become ready (`shop.services.orders`).
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from devices.models import private_storage_of_settings
from shop.documents import quote_pdf
from shop.emails import order_email_after_commit, quote_email_after_commit
from shop.models import Checkout, OrderStatus, Quote, QuoteLine
from shop.selectors import delivery_rate, needs_approval
from shop.services import AfterSaleRefused
from shop.services.listings import workshop_partner

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")

MAX_LINES = 10
SPEC_FIELDS = ("category", "min_ram_gb", "min_storage_gb", "min_grade", "note", "quantity")


def _spec(values: dict) -> dict:
    """A configuration line's fields: empty text stays empty, an empty number is none."""
    text = {"category", "min_grade", "note"}
    return {name: (values.get(name) or "") if name in text else (values.get(name) or None) for name in SPEC_FIELDS}


@transaction.atomic
def quote_request(
    *,
    organisation,
    user,
    basket=None,
    lines=(),
    message: str = "",
    wished_date=None,
    fulfilment: str = Checkout.Fulfilment.DELIVERY,
    preferred_member=None,
) -> Quote:
    """A request for the basket's products and/or the configurations in `lines` (dicts of SPEC_FIELDS)."""
    basket_lines = list(basket.all_lines()) if basket is not None and not basket.is_empty else []
    if not basket_lines and not lines:
        raise AfterSaleRefused(_("Say what you need: at least one line, or products in your basket."))
    quote = Quote.objects.create(
        organisation=organisation,
        requested_by=user,
        message=message,
        wished_date=wished_date,
        fulfilment=fulfilment,
        preferred_member=preferred_member,
    )
    QuoteLine.objects.bulk_create(
        [QuoteLine(quote=quote, product_id=line.product_id, quantity=line.quantity) for line in basket_lines]
        + [QuoteLine(quote=quote, **_spec(spec)) for spec in lines]
    )
    return quote


@transaction.atomic
def quote_answer(
    *, quote: Quote, actor, association, prices: dict | None = None, valid_days: int = 30, note: str = ""
) -> Quote:
    """A member's counter answers; the quote is that member's from now on (it will sell). `prices` gives,
    per line id, (unit price, lead time in days or None); a line left without a price takes its product's
    catalogue price, and a configuration line must be priced. The buyer gets the PDF by e-mail."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.state != Quote.State.REQUESTED:
        raise AfterSaleRefused(_("This quote has already been answered."))
    if association is None:
        raise AfterSaleRefused(_("Choose the member association that answers: it is the one that will sell."))
    prices = prices or {}
    for line in quote.lines.select_related("product__listing"):
        price, lead = prices.get(line.pk, (None, None))
        if price is None and line.product_id:
            price = line.product.listing.price
        if price is None or Decimal(price) < 0:
            raise AfterSaleRefused(_("Give a unit price for “%(line)s”.") % {"line": line.description})
        line.unit_price, line.lead_time_days = Decimal(price), lead
        line.save(update_fields=["unit_price", "lead_time_days"])
    quote.shipping = delivery_rate() if quote.fulfilment == Checkout.Fulfilment.DELIVERY else Decimal("0.00")
    quote.state = Quote.State.ANSWERED
    quote.answered_at = timezone.now()
    quote.valid_until = timezone.localdate() + datetime.timedelta(days=valid_days)
    quote.staff_note = note
    quote.association = association
    quote.save()
    quote_email_after_commit(quote)
    return quote


def quote_pdf_bytes(*, quote: Quote) -> bytes:
    """The answered quote's PDF, written to the private storage the first time it is asked for."""
    storage = private_storage_of_settings()
    if quote.pdf and storage.exists(quote.pdf):
        with storage.open(quote.pdf, "rb") as handle:
            return handle.read()
    content = quote_pdf(quote)
    quote.pdf = storage.save(f"quotes/{quote.reference}.pdf", ContentFile(content))
    Quote.objects.filter(pk=quote.pk).update(pdf=quote.pdf)
    return content


def _order_address(organisation) -> dict:
    return {
        "first_name": "",
        "last_name": organisation.name,
        "line1": organisation.billing_line1,
        "line2": organisation.billing_line2,
        "postcode": organisation.billing_postcode,
        "city": organisation.billing_city,
        "phone": "",
    }


@transaction.atomic
def quote_accept(
    *, quote: Quote, user, method: str, purchase_order: str, service_code: str = "", signed_order=None
) -> Checkout:
    """The buyer accepts the answered quote: an order of the answering member at the quoted prices, on
    transfer or mandat administratif, confirmed at once (or waiting for an approver of the organisation
    above its threshold). Its lines are filled with devices as they become ready."""
    quote = Quote.objects.select_for_update(of=("self",)).select_related("organisation", "association").get(pk=quote.pk)
    if quote.state != Quote.State.ANSWERED:
        raise AfterSaleRefused(_("This quote cannot be accepted: it is not waiting for an answer of yours."))
    if quote.valid_until and quote.valid_until < timezone.localdate():
        raise AfterSaleRefused(_("This quote has expired: ask for a new one."))
    if method not in (Checkout.Method.TRANSFER, Checkout.Method.MANDATE):
        raise AfterSaleRefused(_("A quote is paid on invoice: by bank transfer or mandat administratif."))
    organisation, seller = quote.organisation, quote.association
    if seller is None:  # answered for the whole network before members sold under their own name
        raise AfterSaleRefused(_("This quote names no member association to sell: ask for a new one."))
    partner = workshop_partner(seller)
    shipping = quote.shipping  # as quoted, whatever the rate today
    lines = list(quote.lines.select_related("product"))
    total = sum((line.unit_price * line.quantity for line in lines), Decimal("0.00")) + shipping
    basket = Basket.objects.create(owner=user, status=Basket.SUBMITTED)
    number = OrderNumberGenerator().order_number(basket)
    status = OrderStatus.AWAITING_APPROVAL if needs_approval(user, organisation, total) else OrderStatus.CONFIRMED
    order = Order.objects.create(
        number=number,
        user=user,
        currency="EUR",
        total_incl_tax=total,
        total_excl_tax=total,
        shipping_incl_tax=shipping,
        shipping_excl_tax=shipping,
        shipping_method=_("Home delivery")
        if shipping
        else _("Pickup at %(association)s") % {"association": seller.name},
        shipping_code="delivery" if shipping else "pickup",
        status=status,
        date_placed=timezone.now(),
    )
    for line in lines:
        amount = line.unit_price * line.quantity
        order_line = Line.objects.create(
            order=order,
            partner=partner,
            partner_name=partner.name,
            partner_sku=f"{quote.reference}-{line.pk}",
            product=line.product,
            title=line.description[:255],
            quantity=line.quantity,
            line_price_incl_tax=amount,
            line_price_excl_tax=amount,
            line_price_before_discounts_incl_tax=amount,
            line_price_before_discounts_excl_tax=amount,
            unit_price_incl_tax=line.unit_price,
            unit_price_excl_tax=line.unit_price,
            num_allocated=0,
            status=status,
        )
        QuoteLine.objects.filter(pk=line.pk).update(order_line=order_line)
    record = Checkout.objects.create(
        basket=basket,
        order=order,
        order_number=number,
        user=user,
        email=user.email,
        seller=seller,
        organisation=organisation,
        fulfilment=quote.fulfilment,
        pickup_partner=partner if quote.fulfilment == Checkout.Fulfilment.PICKUP else None,
        address=_order_address(organisation) if quote.fulfilment == Checkout.Fulfilment.DELIVERY else {},
        method=method,
        purchase_order=purchase_order.strip(),
        service_code=service_code.strip(),
        shipping_charge=shipping,
        total=total,
        state=Checkout.State.PLACED,
    )
    quote.state = Quote.State.ORDERED
    quote.accepted_at = timezone.now()
    quote.accepted_by = user
    quote.order = order
    if signed_order is not None:
        quote.signed_order = signed_order
    quote.save()
    order_email_after_commit(record, "received")
    if status == OrderStatus.AWAITING_APPROVAL:
        order_email_after_commit(record, "approval_needed")
    return record
