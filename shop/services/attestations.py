"""Reuse attestations (loi AGEC, article 58, and its decree n° 2021-254): for a buyer organisation, a seller
and a year, the reused equipment bought — each invoiced device line, its invoice and amount, credit notes
deducted —, numbered in the seller's series ("AGEC-2026-00001") and signed with the seller's name. Asked
again with the same figures, the same attestation is given back; with new purchases, a new one is numbered.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from devices.models import private_storage_of_settings
from shop.models import Invoice, InvoiceLine, ReuseAttestation
from shop.services.invoices import next_number

ZERO = Decimal("0.00")


@dataclass
class Purchases:
    """What an organisation bought from a seller in a year: the invoiced device lines and the credit notes."""

    lines: list = field(default_factory=list)  # InvoiceLine of devices (not the delivery)
    credited: Decimal = ZERO  # credit notes on equipment (a credited delivery charge aside)
    devices_credited: int = 0  # devices whose sale a credit note cancelled (withdrawal, cancellation)

    @property
    def devices(self) -> int:
        return sum(line.quantity for line in self.lines) - self.devices_credited

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO) - self.credited


def _year_bounds(year: int):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def purchases(*, organisation, seller, year: int) -> Purchases:
    start, end = _year_bounds(year)
    invoices = Invoice.objects.filter(
        seller=seller, order__checkout__organisation=organisation, issued_at__gte=start, issued_at__lt=end
    )
    result = Purchases()
    for invoice in invoices.filter(kind=Invoice.Kind.INVOICE).prefetch_related("lines").order_by("issued_at", "pk"):
        result.lines += [line for line in invoice.lines.all() if line.order_line_id and not line.delivery]
    credit_lines = InvoiceLine.objects.filter(
        invoice__in=invoices.filter(kind=Invoice.Kind.CREDIT_NOTE), delivery=False
    )
    result.credited = credit_lines.aggregate(total=Sum("amount"))["total"] or ZERO
    result.devices_credited = (
        credit_lines.filter(order_line__isnull=False).aggregate(total=Sum("quantity"))["total"] or 0
    )
    return result


def years_and_sellers(organisation):
    """(year, seller) pairs for which the organisation has invoices, latest year first."""
    pairs = set()
    for seller, issued in Invoice.objects.filter(
        order__checkout__organisation=organisation, kind=Invoice.Kind.INVOICE
    ).values_list("seller", "issued_at"):
        pairs.add((timezone.localtime(issued).year, seller))
    from devices.models import Association

    sellers = Association.objects.in_bulk({seller for _year, seller in pairs})
    return sorted(((year, sellers[seller]) for year, seller in pairs), key=lambda pair: (-pair[0], pair[1].name))


@transaction.atomic
def attestation_issue(*, organisation, seller, year: int) -> ReuseAttestation:
    """The attestation for these figures: the latest one if they have not changed, else a new number."""
    bought = purchases(organisation=organisation, seller=seller, year=year)
    latest = (
        ReuseAttestation.objects.select_for_update()
        .filter(organisation=organisation, seller=seller, year=year)
        .order_by("-issued_at", "-pk")
        .first()
    )
    if latest is not None and latest.devices == bought.devices and latest.total == bought.total:
        return latest
    now = timezone.now()
    return ReuseAttestation.objects.create(
        seller=seller,
        organisation=organisation,
        year=year,
        number=next_number(seller=seller, kind="attestation", year=timezone.localtime(now).year),
        issued_at=now,
        devices=bought.devices,
        total=bought.total,
    )


def attestation_pdf_bytes(*, attestation: ReuseAttestation) -> bytes:
    from shop.documents import attestation_pdf

    storage = private_storage_of_settings()
    if attestation.pdf and storage.exists(attestation.pdf):
        with storage.open(attestation.pdf, "rb") as handle:
            return handle.read()
    bought = purchases(organisation=attestation.organisation, seller=attestation.seller, year=attestation.year)
    content = attestation_pdf(attestation, bought)
    attestation.pdf = storage.save(
        f"attestations/{attestation.seller.slug}/{attestation.number}.pdf", ContentFile(content)
    )
    ReuseAttestation.objects.filter(pk=attestation.pk).update(pdf=attestation.pdf)
    return content


def attestation_file(*, organisation, seller, year: int) -> tuple[bytes, str] | None:
    """The attestation's PDF and file name, or None when the organisation bought nothing from `seller` in `year`."""
    if (year, seller) not in years_and_sellers(organisation):
        return None
    attestation = attestation_issue(organisation=organisation, seller=seller, year=year)
    return attestation_pdf_bytes(attestation=attestation), f"attestation-reemploi-{attestation.number}.pdf"
