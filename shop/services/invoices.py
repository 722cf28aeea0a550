"""Invoices: numbered per year without gaps (the counter row is locked in the transaction that issues), and
their PDF, written to the private storage on first use."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from devices.models import private_storage_of_settings
from shop.documents import invoice_pdf
from shop.models import Invoice, InvoiceCounter


def _next_number(year: int) -> str:
    counter, _created = InvoiceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"F-{year}-{counter.last:05d}"


@transaction.atomic
def invoice_issue(*, order) -> Invoice:
    """The order's invoice (once). Numbered when the order is paid, in the same transaction; its PDF is
    written after the commit, on first use (no file left behind by a rolled-back transaction)."""
    existing = Invoice.objects.filter(order=order).first()
    if existing:
        return existing
    now = timezone.now()
    invoice = Invoice.objects.create(
        number=_next_number(timezone.localtime(now).year), order=order, issued_at=now, total=order.total_incl_tax
    )
    return invoice


def invoice_pdf_store(*, invoice: Invoice) -> str:
    checkout = getattr(invoice.order, "checkout", None)
    content = invoice_pdf(invoice, invoice.order, checkout)
    return private_storage_of_settings().save(f"invoices/{invoice.number}.pdf", ContentFile(content))


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The invoice's PDF, written to the private storage the first time it is asked for."""
    storage = private_storage_of_settings()
    if not invoice.pdf or not storage.exists(invoice.pdf):
        invoice.pdf = invoice_pdf_store(invoice=invoice)
        invoice.save(update_fields=["pdf"])
    with storage.open(invoice.pdf, "rb") as handle:
        return handle.read()
