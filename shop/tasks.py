"""The shop's e-mails to buyers, sent after the transaction that caused them commits."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "received": _("Order %(number)s received"),
    "paid": _("Payment confirmed – order %(number)s"),
    "ready": _("Order %(number)s is ready for pickup"),
    "shipped": _("Order %(number)s has been shipped"),
    "withdrawal": _("Withdrawal recorded – order %(number)s"),
    "refunded": _("Refund made – order %(number)s"),
    "quote": _("Your quote %(number)s"),
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_order_email(*, checkout_id: int, kind: str):
    from shop.checkout_views import order_link_key
    from shop.invoices import invoice_pdf_bytes
    from shop.models import Checkout

    checkout = Checkout.objects.select_related("order", "pickup_partner", "organisation").get(pk=checkout_id)
    order = checkout.order
    if order is None:
        return
    order_url = settings.SITE_BASE_URL + reverse("shop_order_detail", args=[order.number])
    if order.user_id is None:  # a guest opens the order page with the signed key of the e-mail
        order_url += f"?cle={order_link_key(order.number)}"
    with translation.override("fr"):
        body = render_to_string(
            f"shop/email/{kind}.txt",
            {"checkout": checkout, "order": order, "order_url": order_url, "settings": settings},
        )
        message = EmailMessage(
            subject=str(SUBJECTS[kind]) % {"number": order.number},
            body=body,
            to=[order.email or checkout.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        invoice = getattr(order, "invoice", None) if kind == "paid" else None
        if invoice is not None:
            message.attach(f"facture-{invoice.number}.pdf", invoice_pdf_bytes(invoice), "application/pdf")
        message.send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_quote_email(*, quote_id: int):
    from shop.models import Quote

    quote = Quote.objects.select_related("organisation", "requested_by").get(pk=quote_id)
    with translation.override("fr"):
        body = render_to_string("shop/email/quote.txt", {"quote": quote, "site_url": settings.SITE_BASE_URL})
        EmailMessage(
            subject=str(SUBJECTS["quote"]) % {"number": quote.reference},
            body=body,
            to=[quote.requested_by.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send()


@shared_task
def reconcile_payments():
    from payments import stripe_api
    from shop.checkout_services import payments_reconcile

    if stripe_api.enabled():
        return payments_reconcile()
    return None
