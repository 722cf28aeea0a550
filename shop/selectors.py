"""Reads of the shop: what a basket may be collected from or costs, who buys on organisation terms, whether
an order may still be withdrawn from, and what a member's shop counter sees in the back office.

A shop counter works for one or more member associations (`devices.models.Membership`, role shop counter).
An order belongs to the member(s) whose workshop (Oscar partner) holds one of its lines or is its pickup
place; a withdrawal to its order's members. A quote request is addressed to the whole network, so every
counter sees it until one answers it; then it belongs to the answering member. Buyer organisations are the
network's customers, verified once for all members. A network coordinator sees everything.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.images.models import Image

from devices.models import Association, DevicePhoto
from devices.scoping import Role, associations_of, is_coordinator
from shop.models import Checkout, Invoice, ListedDevice, OrderStatus, Organisation, Quote, Withdrawal

StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

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
    return Partner.objects.filter(pk__in=candidates or []).select_related("workshop__association").order_by("name")


def pickup_association(checkout) -> Association | None:
    """The member association where the buyer collects the order (its address and hours are read from it)."""
    workshop = getattr(getattr(checkout, "pickup_partner", None), "workshop", None)
    return workshop.association if workshop else None


def verified_organisation(user) -> Organisation | None:
    """The verified organisation the user buys for (on invoice, with quotes), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Organisation.objects.filter(members=user, verified_at__isnull=False).order_by("pk").first()


def organisation_of(user) -> Organisation | None:
    """The organisation whose profile the user fills in, verified or not."""
    return Organisation.objects.filter(members=user).first()


def is_approver(user, organisation) -> bool:
    return organisation.approvers.filter(pk=user.pk).exists()


def needs_approval(user, organisation, total: Decimal) -> bool:
    """Whether an order of `user` for `organisation` waits for one of its approvers (above its threshold)."""
    threshold = organisation.approval_threshold if organisation else None
    return threshold is not None and total > threshold and not is_approver(user, organisation)


def orders_awaiting_approval(organisation):
    return (
        Order.objects.filter(checkout__organisation=organisation, status=OrderStatus.AWAITING_APPROVAL)
        .select_related("user", "checkout")
        .order_by("date_placed")
    )


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


# --- The back office of a member's shop counter -----------------------------------------------------------


def counter_associations(user):
    """The member associations whose shop counter `user` runs (all of them for a network coordinator)."""
    return associations_of(user, Role.SHOP_COUNTER)


def counter_partners(user):
    """The Oscar partners (workshops) of the counter's own members."""
    if is_coordinator(user):
        return Partner.objects.all()
    return Partner.objects.filter(workshop__association__in=counter_associations(user))


def counter_orders(user, *, association: Association | None = None):
    """The orders of the counter's own members (a line held by their workshop, or picked up there), or of
    `association` only, when it is one of theirs."""
    if is_coordinator(user) and association is None:
        return Order.objects.all()
    members = counter_associations(user)
    if association is not None:
        members = members.filter(pk=association.pk)
    theirs = Order.objects.filter(
        Q(lines__partner__workshop__association__in=members)
        | Q(checkout__pickup_partner__workshop__association__in=members)
        | Q(checkout__seller__in=members)
    )
    return Order.objects.filter(pk__in=theirs.values("pk"))


def counter_lines(user, order):
    """The lines of `order` held by the counter's own workshops: the ones whose devices they hand over."""
    return order.lines.filter(partner__in=counter_partners(user))


def counter_withdrawals(user):
    return Withdrawal.objects.filter(order__in=counter_orders(user))


def counter_quotes(user):
    """Requests not yet answered (addressed to the network), and the quotes the counter's members answered."""
    if is_coordinator(user):
        return Quote.objects.all()
    return Quote.objects.filter(Q(state=Quote.State.REQUESTED) | Q(association__in=counter_associations(user)))


def counter_organisations(user):
    """Buyer organisations are the network's customers: every counter sees and verifies them."""
    return Organisation.objects.all()


INVOICE_METHODS = (Checkout.Method.TRANSFER, Checkout.Method.MANDATE)


def counter_invoices(user):
    """The invoices and credit notes the counter's own members issued as sellers (a coordinator: all)."""
    if is_coordinator(user):
        return Invoice.objects.all()
    return Invoice.objects.filter(seller__in=counter_associations(user))


def counter_agenda(user) -> dict[str, int]:
    """What waits for the counter today, counted over their own members' orders and the network's requests."""
    orders = counter_orders(user)
    return {
        "to_prepare": orders.filter(status=OrderStatus.PAID).count(),
        "awaiting_pickup": orders.filter(status=OrderStatus.READY_FOR_PICKUP).count(),
        "to_deliver": orders.filter(status=OrderStatus.CONFIRMED, checkout__method__in=INVOICE_METHODS).count(),
        "overdue_invoices": counter_invoices(user).overdue(timezone.localdate()).count(),
        "withdrawals_to_refund": counter_withdrawals(user).filter(state=Withdrawal.State.REQUESTED).count(),
        "quotes_to_answer": counter_quotes(user).filter(state=Quote.State.REQUESTED).count(),
        "organisations_to_verify": counter_organisations(user).filter(verified_at__isnull=True).count(),
    }


# --- Photos of what is on sale ----------------------------------------------------------------------------

GALLERY_SIZE = 12


def _on_sale_photos():
    return DevicePhoto.objects.filter(device__shop_listings__order_line__isnull=True).select_related("image")


def product_photos(product, limit: int = GALLERY_SIZE) -> list[DevicePhoto]:
    """The first `limit` photos of the devices offered under `product`, main ones first (two queries: the
    photos with their images, then every rendition already made of those images)."""
    return list(
        _on_sale_photos()
        .filter(device__shop_listings__product=product)
        .prefetch_related(Prefetch("image", queryset=Image.objects.prefetch_renditions()))
        .order_by("-is_main", "device_id", "taken_at", "pk")[:limit]
    )


def on_sale_asset_tags():
    """(product id, asset tag) of every device on sale, in the order they were listed."""
    return (
        ListedDevice.objects.filter(order_line__isnull=True)
        .order_by("pk")
        .values_list("product_id", "device__asset_tag")
    )


def main_photos():
    """(product id, image id) of every photo of a device on sale, each product's main photo first."""
    return (
        _on_sale_photos()
        .order_by("device__shop_listings__product_id", "-is_main", "device_id", "pk")
        .values_list("device__shop_listings__product_id", "image_id")
    )


def images_with_renditions(image_ids) -> dict[int, Image]:
    """The images of `image_ids` with their renditions already made (two queries, whatever their number)."""
    return {image.pk: image for image in Image.objects.filter(pk__in=set(image_ids)).prefetch_renditions()}
