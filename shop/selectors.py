"""Reads of the shop: what a basket may be collected from or costs, who buys on organisation terms, and
whether an order may still be withdrawn from."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from shop.models import OrderStatus, Organisation

StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")

WITHDRAWABLE_STATUSES = (OrderStatus.PAID, OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED, OrderStatus.HANDED_OVER)


def delivery_rate() -> Decimal:
    return Decimal(settings.SHOP_DELIVERY_FLAT_RATE)


def basket_signature(basket) -> list:
    """What the buyer agrees to pay for: (product id, quantity, unit price) of each line, in a stable order."""
    return sorted([line.product_id, line.quantity, str(line.unit_price_incl_tax)] for line in basket.all_lines())


def pickup_partners(basket):
    """Workshops holding free stock for every line of the basket (where the buyer can collect it all)."""
    lines = list(basket.all_lines())
    records = StockRecord.objects.filter(product_id__in=[line.product_id for line in lines])
    candidates = None
    for line in lines:
        holders = {
            record.partner_id
            for record in records
            if record.product_id == line.product_id and record.net_stock_level >= line.quantity
        }
        candidates = holders if candidates is None else candidates & holders
    return Partner.objects.filter(pk__in=candidates or []).order_by("name")


def verified_organisation(user) -> Organisation | None:
    """The verified organisation the user buys for (on invoice, with quotes), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Organisation.objects.filter(members=user, verified_at__isnull=False).order_by("pk").first()


def organisation_of(user) -> Organisation | None:
    """The organisation whose profile the user fills in, verified or not."""
    return Organisation.objects.filter(members=user).first()


def withdrawal_deadline(order) -> datetime.datetime | None:
    record = getattr(order, "checkout", None)
    if record is None or record.handed_over_at is None:
        return None
    return record.handed_over_at + datetime.timedelta(days=settings.SHOP_WITHDRAWAL_DAYS)


def can_withdraw(order) -> bool:
    """Consumers may withdraw from payment until 14 days after they received the goods."""
    record = getattr(order, "checkout", None)
    if record is None or record.organisation_id or hasattr(order, "withdrawal"):
        return False
    if order.status not in WITHDRAWABLE_STATUSES:
        return False
    deadline = withdrawal_deadline(order)
    return deadline is None or timezone.now() <= deadline
