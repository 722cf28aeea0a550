"""Oscar's `order_placed`: the solidarity vouchers of the order are marked used."""

from django.dispatch import receiver
from oscar.apps.order.signals import order_placed

from programmes import vouchers


@receiver(order_placed, dispatch_uid="programmes-vouchers-used")
def solidarity_vouchers_used(sender, order, **kwargs):
    vouchers.vouchers_record_use(order)
