"""The shop's background work (Celery): the e-mails of `shop.emails`, sent after the commit of the change that
caused them, the beat job that settles card payments left in doubt, and the one that reminds the buyers paying
at pickup and releases the reservations that have passed. Each task loads its rows by id and
calls the module that does the work."""

from celery import shared_task

from payments import stripe_api
from shop import emails
from shop.models import Checkout, Invoice, Quote
from shop.services.invoices import invoices_remind
from shop.services.orders import reservations_expire, reservations_remind
from shop.services.payments import payments_reconcile


@shared_task(name=emails.ORDER_EMAIL_TASK, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_order_email(*, checkout_id: int, kind: str, invoice_ids=()):
    checkout = Checkout.objects.select_related("order", "pickup_partner__workshop__association", "organisation").get(
        pk=checkout_id
    )
    invoices = list(Invoice.objects.filter(pk__in=invoice_ids).select_related("seller").order_by("pk"))
    emails.order_email_send(checkout=checkout, kind=kind, invoices=invoices)


@shared_task(name=emails.QUOTE_EMAIL_TASK, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_quote_email(*, quote_id: int):
    emails.quote_email_send(quote=Quote.objects.select_related("organisation", "requested_by").get(pk=quote_id))


@shared_task
def reconcile_payments():
    if stripe_api.enabled():
        return payments_reconcile()
    return None


@shared_task
def remind_overdue_invoices():
    """The buyers of invoices past their due date, reminded once a week until paid."""
    return invoices_remind()


@shared_task
def pickup_reservations():
    """Remind the buyers whose reservation ends soon; cancel the reservations that have passed."""
    return {"reminded": reservations_remind(), "expired": reservations_expire()}
