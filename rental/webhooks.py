"""Stripe invoice events of the loans' subscriptions, recorded once each (`payments.webhooks` stores the event
in the same transaction). localstripe emits `invoice.payment_succeeded`, Stripe also `invoice.paid`: both
lead to the same single payment row, keyed by the invoice."""

from payments.webhooks import on
from rental import services


@on("invoice.paid", "invoice.payment_succeeded")
def invoice_paid(event):
    services.payment_record_invoice(invoice=event["data"]["object"], paid=True)


@on("invoice.payment_failed")
def invoice_failed(event):
    services.payment_record_invoice(invoice=event["data"]["object"], paid=False)
