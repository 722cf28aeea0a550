"""Several people of one organisation: every member buys; an order of a buyer above the organisation's
approval threshold waits for one of its approvers, who confirms or refuses it (refused, it is cancelled and
its stock freed). Approvers' own orders, and organisations without a threshold, need no approval."""

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.emails import order_email_after_commit
from shop.models import OrderStatus
from shop.selectors import is_approver
from shop.services import AfterSaleRefused

Order = get_model("order", "Order")


def _waiting(order, user):
    """The order, locked, if it waits for an approval and `user` approves for its organisation."""
    order = Order.objects.select_for_update(of=("self",)).select_related("checkout__organisation").get(pk=order.pk)
    organisation = order.checkout.organisation
    if organisation is None or not is_approver(user, organisation):
        raise AfterSaleRefused(_("Only an approver of the organisation confirms its orders."))
    if order.status != OrderStatus.AWAITING_APPROVAL:
        raise AfterSaleRefused(_("This order is not waiting for an approval."))
    return order


@transaction.atomic
def order_approve(*, order, user) -> None:
    """An approver of the buyer's organisation confirms the order: it goes on as any order on invoice."""
    order = _waiting(order, user)
    order.set_status(OrderStatus.CONFIRMED)
    order_email_after_commit(order.checkout, "approved")


@transaction.atomic
def order_refuse(*, order, user) -> None:
    """An approver refuses the order: it is cancelled, its stock freed."""
    from shop.services.orders import order_cancel

    order = _waiting(order, user)
    order_cancel(order=order, actor=user)
    order_email_after_commit(order.checkout, "refused")
