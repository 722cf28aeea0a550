"""The shop's e-mails to buyers: subjects, templates, recipients and attachments, all here.

A change schedules its e-mail with `order_email_after_commit` / `quote_email_after_commit`, inside its own
transaction: nothing leaves if the transaction rolls back. Once it commits, the Celery task of `shop.tasks`
named below loads the rows by id and calls `order_email_send` / `quote_email_send`, which build and send the
message. The tasks are looked up by name so that this module does not import the module that calls it.
"""

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reemploi.queue import enqueue
from shop.einvoice import invoice_pdf_bytes
from shop.order_links import order_link_key
from shop.selectors import pickup_association

ORDER_EMAIL_TASK = "shop.tasks.send_order_email"
QUOTE_EMAIL_TASK = "shop.tasks.send_quote_email"

# Kind of order e-mail → its subject; the body is `templates/shop/email/<kind>.txt`.
ORDER_SUBJECTS = {
    "received": _("Order %(number)s received"),
    "paid": _("Payment confirmed – order %(number)s"),
    "ready": _("Order %(number)s is ready for pickup"),
    "shipped": _("Order %(number)s has been shipped"),
    "withdrawal": _("Withdrawal recorded – order %(number)s"),
    "refunded": _("Refund made – order %(number)s"),
    "reminder": _("Your reservation ends soon – order %(number)s"),
    "expired": _("Reservation ended – order %(number)s"),
    "invoiced": _("Invoice for order %(number)s"),
    "credited": _("Credit note – order %(number)s"),
    "overdue": _("Invoice due – order %(number)s"),
    "payment_received": _("Payment received – order %(number)s"),
    "approved": _("Order %(number)s approved"),
    "approval_needed": _("An order waits for your approval – %(number)s"),
    "refused": _("Order %(number)s refused by your organisation"),
}
QUOTE_SUBJECT = _("Your quote %(number)s")
QUOTE_TEMPLATE = "shop/email/quote.txt"


# --- Scheduling (inside the transaction of the change) ----------------------------------------------------


def order_email_after_commit(checkout, kind: str, invoices=()) -> None:
    """Send the buyer the `kind` e-mail of the checkout's order once the current transaction commits, with
    the Factur-X files of `invoices` (invoices or credit notes) attached."""
    checkout_id = checkout.pk
    invoice_ids = [invoice.pk for invoice in invoices]
    transaction.on_commit(
        lambda: enqueue(
            current_app.tasks[ORDER_EMAIL_TASK], checkout_id=checkout_id, kind=kind, invoice_ids=invoice_ids
        )
    )


def quote_email_after_commit(quote) -> None:
    """Send the answered quote to the member who asked for it once the current transaction commits."""
    quote_id = quote.pk
    transaction.on_commit(lambda: enqueue(current_app.tasks[QUOTE_EMAIL_TASK], quote_id=quote_id))


# --- Building and sending (called by the tasks) -------------------------------------------------------------


def order_url(order) -> str:
    """The order page's absolute address; a guest's carries the signed key that opens it without an account."""
    url = settings.SITE_BASE_URL + reverse("shop_order_detail", args=[order.number])
    if order.user_id is None:
        url += f"?cle={order_link_key(order.number)}"
    return url


def order_email_send(*, checkout, kind: str, invoices=()) -> None:
    """The `kind` e-mail of a placed order, to its buyer (and an organisation's billing address), with the
    invoices or credit notes given attached. A pickup's names the member association with its address and
    opening hours, read from its record."""
    order = checkout.order
    if order is None:
        return
    url = order_url(order)
    with translation.override("fr"):
        body = render_to_string(
            f"shop/email/{kind}.txt",
            {
                "checkout": checkout,
                "order": order,
                "order_url": url,
                "pickup_place": pickup_association(checkout),
                "settings": settings,
                "invoices": invoices,
                "site_url": settings.SITE_BASE_URL,
            },
        )
        recipients = [order.email or checkout.email]
        if kind == "approval_needed":  # to the organisation's approvers, not to the buyer
            recipients = sorted(checkout.organisation.approvers.values_list("email", flat=True))
        if invoices and checkout.organisation and checkout.organisation.billing_email not in recipients:
            recipients.append(checkout.organisation.billing_email)
        message = EmailMessage(
            subject=str(ORDER_SUBJECTS[kind]) % {"number": order.number},
            body=body,
            to=recipients,
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        for invoice in invoices:
            message.attach(f"{invoice.file_stem}.pdf", invoice_pdf_bytes(invoice=invoice), "application/pdf")
        message.send()


def quote_email_send(*, quote) -> None:
    """An answered quote, to the member who asked for it (the PDF is on the quote's page)."""
    with translation.override("fr"):
        body = render_to_string(QUOTE_TEMPLATE, {"quote": quote, "site_url": settings.SITE_BASE_URL})
        EmailMessage(
            subject=str(QUOTE_SUBJECT) % {"number": quote.reference},
            body=body,
            to=[quote.requested_by.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send()
