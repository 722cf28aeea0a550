"""Solidarity prices and the single-use vouchers social partners give to the people they support.

Each solidarity price is an Oscar voucher offer (a range of the category's products, a condition of one unit,
the `SolidarityCapBenefit`); each voucher is an Oscar single-use voucher carrying every solidarity offer.
Oscar applies it in the basket; the shop's order placement locks the voucher and checks it again
(`shop.services.checkout`), so two checkouts with one voucher give one order. A revoked voucher ends now;
an expired one ends at the end of its last day. The partner sees whether and when its vouchers were used,
never what was bought.
"""

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from devices.models import Device
from programmes.models import RelayPartner, SolidarityCapBenefit, SolidarityPrice, SolidarityVoucher

Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
ProductClass = get_model("catalogue", "ProductClass")
Range = get_model("offer", "Range")
Voucher = get_model("voucher", "Voucher")
OrderDiscount = get_model("order", "OrderDiscount")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at a counter
MAX_VALIDITY = timedelta(days=366)
Status = SolidarityVoucher.Status


def _product_class(category: str):
    """The shop's product class of a device category (the shop names it `reemploi-<category>`)."""
    product_class, _created = ProductClass.objects.get_or_create(
        slug=f"reemploi-{category}",
        defaults={"name": str(Device.Category(category).label), "requires_shipping": True, "track_stock": True},
    )
    return product_class


def _open_vouchers():
    return Voucher.objects.filter(solidarity__status=Status.ISSUED, end_datetime__gt=timezone.now())


@transaction.atomic
def solidarity_price_save(*, category: str, max_price: Decimal) -> SolidarityPrice:
    """Set the most a voucher holder pays for a device of `category`; the open vouchers carry it at once."""
    if category not in Device.Category.values:
        raise ValidationError({"category": _("Choose a device category from the list.")})
    if max_price is None or Decimal(max_price) < 0:
        raise ValidationError({"max_price": _("Give a price of zero or more.")})
    price, _created = SolidarityPrice.objects.select_for_update().get_or_create(
        category=category, defaults={"max_price": max_price}
    )
    price.max_price = Decimal(max_price)
    label = str(Device.Category(category).label)
    if price.offer is None:
        product_range, _created = Range.objects.get_or_create(name=f"Prix solidaire – {label}")
        product_range.classes.add(_product_class(category))
        condition = Condition.objects.create(range=product_range, type=Condition.COUNT, value=1)
        benefit = Benefit.objects.create(
            range=product_range,
            proxy_class=f"{SolidarityCapBenefit.__module__}.{SolidarityCapBenefit.__name__}",
            value=price.max_price,
            max_affected_items=1,
        )
        price.offer = ConditionalOffer.objects.create(
            name=f"Prix solidaire – {label}",
            offer_type=ConditionalOffer.VOUCHER,
            condition=condition,
            benefit=benefit,
            max_basket_applications=1,
            exclusive=True,
        )
        for voucher in _open_vouchers():
            voucher.offers.add(price.offer)
    else:
        Benefit.objects.filter(pk=price.offer.benefit_id).update(value=price.max_price)
    price.full_clean()
    price.save()
    return price


def _new_code() -> str:
    while True:
        code = (
            "SOL-"
            + "".join(secrets.choice(CODE_ALPHABET) for _n in range(4))
            + "-"
            + "".join(secrets.choice(CODE_ALPHABET) for _n in range(4))
        )
        if not Voucher.objects.filter(code=code).exists():
            return code


@transaction.atomic
def voucher_issue(*, partner: RelayPartner, actor, holder_category: str, expires_on) -> SolidarityVoucher:
    """A single-use voucher for one person the partner supports: their category only, never their name."""
    if holder_category not in SolidarityVoucher.HOLDER_CATEGORIES:
        raise ValidationError({"holder_category": _("Choose the holder's category from the list.")})
    today = timezone.localdate()
    if expires_on is None or expires_on < today:
        raise ValidationError({"expires_on": _("The voucher must be valid until today at least.")})
    if expires_on > today + MAX_VALIDITY:
        raise ValidationError({"expires_on": _("A voucher is valid for one year at most.")})
    offers = [price.offer for price in SolidarityPrice.objects.select_related("offer") if price.offer]
    if not offers:
        raise ValidationError(_("No solidarity price is set yet: the network's team sets them first."))
    code = _new_code()
    end = timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59)))
    voucher = Voucher.objects.create(
        name=f"Bon solidaire {code}",
        code=code,
        usage=Voucher.SINGLE_USE,
        start_datetime=timezone.now(),
        end_datetime=end,
    )
    voucher.offers.add(*offers)
    return SolidarityVoucher.objects.create(
        partner=partner,
        code=code,
        holder_category=holder_category,
        expires_on=expires_on,
        issued_by=actor if getattr(actor, "pk", None) else None,
        voucher=voucher,
    )


@transaction.atomic
def voucher_revoke(*, voucher: SolidarityVoucher, actor) -> SolidarityVoucher:
    """Revoke a voucher not used yet (lost, given by mistake): it can no longer be applied or ordered with."""
    voucher = SolidarityVoucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.status == Status.USED:
        raise ValidationError(_("Voucher %(code)s has been used: it cannot be revoked.") % {"code": voucher.code})
    if voucher.status == Status.REVOKED:
        raise ValidationError(_("Voucher %(code)s is already revoked.") % {"code": voucher.code})
    voucher.status = Status.REVOKED
    voucher.revoked_at = timezone.now()
    voucher.save(update_fields=["status", "revoked_at"])
    if voucher.voucher_id:
        Voucher.objects.filter(pk=voucher.voucher_id).update(end_datetime=voucher.revoked_at)
    return voucher


def _of_order(order):
    """The solidarity vouchers an order was placed with (through Oscar's discounts of the order)."""
    voucher_ids = OrderDiscount.objects.filter(order=order, voucher_id__isnull=False).values_list("voucher_id")
    return SolidarityVoucher.objects.filter(voucher_id__in=voucher_ids)


def vouchers_record_use(order) -> int:
    """After an order: its solidarity vouchers are used (called on Oscar's `order_placed`)."""
    return _of_order(order).filter(status=Status.ISSUED).update(status=Status.USED, used_at=timezone.now())


def holder_category_of(order) -> str:
    """The beneficiary category of the solidarity voucher an order was placed with, or ""."""
    return _of_order(order).values_list("holder_category", flat=True).first() or ""


def voucher_lookup(code: str) -> SolidarityVoucher | None:
    """The voucher a person shows at a counter (typed or scanned; case and spaces forgiven), or None."""
    code = "".join((code or "").split()).upper()
    return SolidarityVoucher.objects.select_related("partner").filter(code=code).first() if code else None
