"""Invoices and credit notes under each seller's identity: Factur-X files that validate, numbers without gaps
per seller (real threads), invoices at delivery for orders on transfer or mandat administratif."""

import datetime
import io
from decimal import Decimal

import facturx
import pytest
from django.db import connection, transaction
from django.utils import timezone
from lxml import etree
from oscar.core.loading import get_model
from pypdf import PdfReader

from devices.models import Association
from shop.einvoice import invoice_pdf_bytes
from shop.models import Checkout, DocumentCounter, Invoice, ListedDevice, OrderStatus
from shop.services import AfterSaleRefused
from shop.services.invoices import (
    credit_note_issue,
    invoice_issue,
    invoices_overdue,
    invoices_remind,
    next_number,
)
from shop.services.listings import workshop_partner
from shop.services.orders import order_bind_device, order_deliver_part, order_record_payment, order_set_status
from tests import factories
from tests.concurrency import at_once
from tests.einvoice_checks import embedded_xml, pdfa3_problems, schematron_errors
from tests.shop.helpers import invoice_order, listed_product, verified_buyer

Order = get_model("order", "Order")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]

RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"ram": RAM}


@pytest.fixture
def declic(db):
    return Association.objects.create(
        name="Déclic",
        slug="declic",
        legal_form=Association.LegalForm.ASSOCIATION,
        siret="35600000000048",
        rna="W353001234",
        street="12 rue de Vannes",
        postcode="35600",
        city="Redon",
        email="contact@declic.example",
        vat_status=Association.VatStatus.MARGIN,
        vat_number="FR40303265045",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


@pytest.fixture
def leon(db):
    """A member not liable for VAT (franchise, article 293 B): no VAT number, its SIREN as tax registration."""
    return Association.objects.create(
        name="Atelier du Léon", slug="leon", siret="73282932000074", street="1 quai", postcode="29200", city="Brest"
    )


@pytest.fixture
def buyer(db):
    user = factories.UserFactory(email="achats@ccas-redon.example")
    verified_buyer(user)
    return user


def _total(xml: bytes, tag: str) -> Decimal:
    return Decimal(
        etree.fromstring(xml).findtext(
            f".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{tag}", namespaces=NS
        )
    )


def _delivered(order, actor=None):
    for line in order.lines.all():
        for _unit in range(line.quantity - line.bound_devices.count()):
            tag = ListedDevice.objects.filter(product=line.product, order_line__isnull=True).values_list(
                "device__asset_tag", flat=True
            )[0]
            order_bind_device(line=line, asset_tag=tag, actor=actor)
    order_set_status(order=order, status=OrderStatus.HANDED_OVER, actor=actor)
    return order


def _paid_at_counter(buyer, declic, units=1):
    products = [listed_product(declic, units=1, price=Decimal("149.50")) for _ in range(units)]
    order = invoice_order(buyer, products, pickup_partner=workshop_partner(declic), method=Checkout.Method.AT_PICKUP)
    order_record_payment(order=order, actor=None, reference="", means="card_terminal")
    return order


def _assert_valid_facturx(invoice) -> bytes:
    document = invoice_pdf_bytes(invoice=invoice)
    assert pdfa3_problems(document) == []
    xml = embedded_xml(document)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron_errors(xml) == []
    return xml


def test_an_invoice_paid_at_the_counter_is_a_valid_facturx_file_under_the_sellers_identity(buyer, declic):
    order = _paid_at_counter(buyer, declic, units=2)
    invoice = order.invoices.get()
    assert invoice.seller == declic and invoice.number == f"F-{timezone.localdate().year}-00001"
    xml = _assert_valid_facturx(invoice)
    assert _total(xml, "GrandTotalAmount") == order.total_incl_tax == invoice.total
    assert _total(xml, "DuePayableAmount") == Decimal("0.00")  # paid
    root = etree.fromstring(xml)
    seller = root.find(".//ram:SellerTradeParty", NS)
    assert seller.findtext("ram:Name", namespaces=NS) == "Déclic"
    assert seller.findtext(".//ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS) == "FR40303265045"
    assert seller.find("ram:SpecifiedLegalOrganization/ram:ID", NS).get("schemeID") == "0002"
    tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert tax.findtext("ram:CategoryCode", namespaces=NS) == "E"
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-F"
    # The page people read says the same.
    text = PdfReader(io.BytesIO(invoice_pdf_bytes(invoice=invoice))).pages[0].extract_text()
    for expected in ("Déclic", "SIRET : 35600000000048", "RNA : W353001234", "FR40303265045", "297 A", "Payée le"):
        assert expected in text


def test_a_credit_note_refers_to_its_invoice_and_validates(buyer, declic):
    invoice = _paid_at_counter(buyer, declic).invoices.get()
    with pytest.raises(AfterSaleRefused):
        credit_note_issue(invoice=invoice, reason="Trop perçu", amount=invoice.total + 1)
    note = credit_note_issue(invoice=invoice, reason="Geste commercial : rayure non signalée", amount=Decimal("20.00"))
    assert note.number == f"A-{timezone.localdate().year}-00001" and note.credited == invoice
    xml = _assert_valid_facturx(note)
    root = etree.fromstring(xml)
    assert root.findtext(".//{*}ExchangedDocument/{*}TypeCode") == "381"
    assert root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == invoice.number
    assert _total(xml, "GrandTotalAmount") == Decimal("20.00")
    # The rest of the invoice may be credited, no more.
    rest = credit_note_issue(invoice=invoice, reason="Rétractation")
    assert rest.total == invoice.total - Decimal("20.00") and rest.number.endswith("00002")
    with pytest.raises(AfterSaleRefused):
        credit_note_issue(invoice=invoice, reason="Encore")


def test_a_public_buyer_is_invoiced_at_delivery_with_its_engagement_number_and_service_code(buyer, declic):
    from shop.models import Organisation

    Organisation.objects.filter(members=buyer).update(public_buyer=True)
    products = [listed_product(declic, units=1, price=Decimal("180.00")) for _ in range(3)]
    order = invoice_order(buyer, products, method=Checkout.Method.MANDATE, service_code="SERV-INFO-01")
    record = Checkout.objects.get(order=order)
    assert order.status == OrderStatus.CONFIRMED and not order.invoices.exists()

    # A first delivery of one device: its invoice, due after the seller's period.
    first = order.lines.order_by("pk").first()
    tag = ListedDevice.objects.filter(product=first.product).values_list("device__asset_tag", flat=True)[0]
    order_bind_device(line=first, asset_tag=tag, actor=None)
    order_deliver_part(order=order, actor=None)
    invoice = order.invoices.get()
    assert invoice.total == Decimal("180.00") + order.shipping_incl_tax
    assert invoice.due_date == timezone.localdate() + datetime.timedelta(days=30) and invoice.paid_at is None
    xml = _assert_valid_facturx(invoice)
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:BuyerReference", namespaces=NS) == "SERV-INFO-01"
    assert (
        root.findtext(".//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=NS)
        == record.purchase_order
    )
    buyer_party = root.find(".//ram:BuyerTradeParty", NS)
    siret = record.organisation.siret
    assert buyer_party.findtext("ram:GlobalID", namespaces=NS) == siret
    assert buyer_party.find("ram:SpecifiedLegalOrganization/ram:ID", NS).text == siret[:9]
    assert root.findtext(
        ".//ram:DueDateDateTime/udt:DateTimeString", namespaces={**NS, "udt": UDT}
    ) == invoice.due_date.strftime("%Y%m%d")
    assert root.findtext(".//ram:PayeePartyCreditorFinancialAccount/ram:IBANID", namespaces=NS) == declic.iban
    assert _total(xml, "DuePayableAmount") == invoice.total
    terms = root.findtext(".//ram:SpecifiedTradePaymentTerms/ram:Description", namespaces=NS)
    assert "40" in terms and "commande publique" in terms

    # The rest is handed over: a second invoice for it; each is paid on its own.
    _delivered(order)
    second = order.invoices.exclude(pk=invoice.pk).get()
    assert second.total == Decimal("360.00") and second.lines.count() == 2
    assert invoice.total + second.total == order.total_incl_tax
    order_record_payment(order=order, actor=None, reference="Mandat 2026-1")
    record.refresh_from_db()
    assert record.state == Checkout.State.PLACED  # one invoice left to pay
    order_record_payment(order=order, actor=None, reference="Mandat 2026-2")
    record.refresh_from_db()
    assert record.state == Checkout.State.PAID
    assert list(order.invoices.values_list("payment_reference", flat=True)) == ["Mandat 2026-1", "Mandat 2026-2"]


def test_a_card_order_is_invoiced_at_payment_only_and_a_transfer_order_not_before_delivery(buyer, declic):
    order = invoice_order(buyer, [listed_product(declic)], method=Checkout.Method.TRANSFER)
    with pytest.raises(AfterSaleRefused):
        order_record_payment(order=order, actor=None, reference="VIR-1")  # nothing invoiced yet
    assert not Invoice.objects.exists()
    _delivered(order)
    assert order.invoices.count() == 1


def test_a_member_not_liable_for_vat_invoices_under_the_franchise(buyer, leon):
    order = _paid_at_counter(buyer, leon)
    xml = _assert_valid_facturx(order.invoices.get())
    root = etree.fromstring(xml)
    tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert tax.findtext("ram:CategoryCode", namespaces=NS) == "E"
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=NS) == "VATEX-FR-FRANCHISE"
    assert "293 B" in tax.findtext("ram:ExemptionReason", namespaces=NS)
    registration = root.find(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert registration.get("schemeID") == "FC" and registration.text == "732829320"


def test_overdue_invoices_are_listed_and_reminded_once_a_week(buyer, declic, mailoutbox):
    order = _delivered(invoice_order(buyer, [listed_product(declic)]))
    invoice = order.invoices.get()
    assert invoices_overdue() == []
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert invoices_overdue() == [invoice]
    mailoutbox.clear()
    assert invoices_remind() == 1 and invoices_remind() == 0
    assert "Facture à régler" in mailoutbox[0].subject and mailoutbox[0].attachments
    assert invoices_remind(now=timezone.now() + datetime.timedelta(days=8)) == 1
    order_record_payment(order=order, actor=None, reference="VIR-9")
    assert invoices_overdue() == []


# --- Numbering -----------------------------------------------------------------------------------------


def test_two_sellers_never_share_a_series_and_a_rollback_gives_its_number_back(declic, leon):
    year = timezone.localdate().year
    with transaction.atomic():
        assert next_number(seller=declic, kind=Invoice.Kind.INVOICE, year=year) == f"F-{year}-00001"
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(seller=declic, kind=Invoice.Kind.INVOICE, year=year)
        raise RuntimeError
    with transaction.atomic():
        assert next_number(seller=declic, kind=Invoice.Kind.INVOICE, year=year) == f"F-{year}-00002"
        assert next_number(seller=leon, kind=Invoice.Kind.INVOICE, year=year) == f"F-{year}-00001"
        assert next_number(seller=declic, kind=Invoice.Kind.CREDIT_NOTE, year=year) == f"A-{year}-00001"
    assert DocumentCounter.objects.count() == 3


def test_invoice_numbers_have_no_gap_per_seller_under_concurrency(buyer, declic, leon):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the concurrent run is on PostgreSQL (DATABASE_URL)")
    orders = []
    for member in (declic, leon) * 4:
        product = listed_product(member)
        orders.append(
            invoice_order(buyer, [product], pickup_partner=workshop_partner(member), method=Checkout.Method.AT_PICKUP)
        )
    for order in orders:  # placed and waiting: the invoices are issued all at once below
        Checkout.objects.filter(order=order).update(paid_at=timezone.now())

    at_once(*[(lambda order=order: invoice_issue(order=Order.objects.get(pk=order.pk))) for order in orders])
    for member in (declic, leon):
        numbers = sorted(Invoice.objects.filter(seller=member).values_list("number", flat=True))
        assert numbers == [f"F-{timezone.localdate().year}-{n:05d}" for n in range(1, 5)]
