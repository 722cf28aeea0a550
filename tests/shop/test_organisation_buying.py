"""Organisations buy as their rules require: quotes beyond today's stock filled as devices come, an approver
above a threshold, reuse attestations whose totals are the year's invoices."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model
from pypdf import PdfReader

from devices import services as device_services
from devices.models import Association, BeneficiaryCategory, Device, Donor, IntakeBatch
from shop.models import Checkout, Invoice, ListedDevice, OrderStatus, Organisation, Quote, ReuseAttestation
from shop.services import AfterSaleRefused, CheckoutRefused
from shop.services.approvals import order_approve, order_refuse
from shop.services.attestations import attestation_issue, attestation_pdf_bytes, purchases
from shop.services.invoices import credit_note_issue
from shop.services.orders import order_bind_device, order_deliver_part, order_set_status
from shop.services.quotes import quote_accept, quote_answer, quote_pdf_bytes, quote_request
from tests import factories
from tests.shop.helpers import invoice_order, listed_product, verified_buyer

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]

LAPTOPS = {"category": Device.Category.LAPTOP, "min_ram_gb": 8, "min_storage_gb": 256, "min_grade": "B", "quantity": 10}


@pytest.fixture
def declic(db):
    return Association.objects.create(
        name="Déclic", slug="declic", siret="35600000000048", street="12 rue de Vannes", postcode="35600", city="Redon"
    )


@pytest.fixture
def ccas(db):
    buyer = factories.UserFactory(email="achats@ccas-redon.example")
    organisation = verified_buyer(buyer)
    organisation.public_buyer = True
    organisation.save()
    return organisation, buyer


def _ready(association, *, n, ram=8, storage=256, grade="B", category=Device.Category.LAPTOP):
    donor, _created = Donor.objects.get_or_create(name="La Poste", defaults={"kind": Donor.Kind.COMPANY})
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{association.slug}-{n}")
    devices = []
    for unit in range(n):
        device = device_services.device_register(
            batch=batch, category=category, serial=f"SN-{batch.pk}-{unit}", ram_gb=ram, storage_gb=storage
        )
        device_services.device_test(device=device, actor=None, checklist={"écran": True})
        device_services.device_erase(device=device, actor=None, method="NIST SP 800-88 Purge")
        device_services.device_grade(device=device, actor=None, grade=grade)
        devices.append(device)
    return devices


def _accepted_quote(organisation, buyer, declic):
    quote = quote_request(
        organisation=organisation, user=buyer, lines=[LAPTOPS], message="Pour les ateliers numériques"
    )
    line = quote.lines.get()
    assert line.product is None and "8 Go de mémoire ou plus" in line.description
    with pytest.raises(AfterSaleRefused):  # a configuration has no catalogue price: staff give one
        quote_answer(quote=quote, actor=None, association=declic)
    quote_answer(quote=quote, actor=None, association=declic, prices={line.pk: (Decimal("150.00"), 21)})
    quote.refresh_from_db()
    assert quote.state == Quote.State.ANSWERED and quote.lines_total() == Decimal("1500.00")
    assert quote.total() == Decimal("1500.00") + quote.shipping and quote.shipping > 0  # delivery quoted
    assert PdfReader(io.BytesIO(quote_pdf_bytes(quote=quote))).pages
    record = quote_accept(
        quote=quote, user=buyer, method=Checkout.Method.MANDATE, purchase_order="EJ-2027-0042", service_code="SC-7"
    )
    return quote, record


def test_a_quote_beyond_stock_becomes_an_order_filled_as_devices_come(ccas, declic):
    organisation, buyer = ccas
    product = listed_product(declic, units=4, price=Decimal("199.00"))  # only 4 on sale today
    Device.objects.filter(shop_listings__product=product).update(ram_gb=8, storage_gb=256)
    quote, record = _accepted_quote(organisation, buyer, declic)
    order = record.order
    line = order.lines.get()
    assert order.status == OrderStatus.CONFIRMED and record.seller == declic
    assert (line.quantity, line.unit_price_incl_tax) == (10, Decimal("150.00"))  # the quoted price, not 199
    assert order.total_incl_tax == Decimal("1500.00") + order.shipping_incl_tax
    assert record.purchase_order == "EJ-2027-0042" and quote.reference in line.partner_sku
    assert not StockRecord.objects.get(product=product).num_allocated  # nothing held at acceptance

    # Refusals: another category, under the specs, another member's device.
    phone = _ready(declic, n=1, category=Device.Category.SMARTPHONE)[0]
    small = _ready(declic, n=1, ram=4)[0]
    elsewhere = _ready(Association.objects.create(name="Léon", slug="leon"), n=1)[0]
    for device in (phone, small, elsewhere):
        with pytest.raises(AfterSaleRefused):
            order_bind_device(line=line, asset_tag=device.asset_tag, actor=None)

    # First delivery: the 4 devices on sale (they leave the catalogue), invoiced at once.
    for tag in ListedDevice.objects.filter(product=product).values_list("device__asset_tag", flat=True):
        order_bind_device(line=line, asset_tag=tag, actor=None)
    assert StockRecord.objects.get(product=product).num_in_stock == 0
    order_deliver_part(order=order, actor=None)
    first = order.invoices.get()
    assert first.lines.first().quantity == 4 and first.total == Decimal("600.00") + order.shipping_incl_tax

    # Six more come out of the workshop, ready (never listed): bound, handed over, invoiced.
    for device in _ready(declic, n=6, ram=16, grade="A"):
        order_bind_device(line=line, asset_tag=device.asset_tag, actor=None)
    order_set_status(order=order, status=OrderStatus.HANDED_OVER, actor=None)
    second = order.invoices.exclude(pk=first.pk).get()
    assert second.total == Decimal("900.00") and first.total + second.total == order.total_incl_tax
    sold = Device.objects.filter(shop_listings__order_line=line)
    assert sold.count() == 10 and set(sold.values_list("status", flat=True)) == {Device.Status.SOLD}
    assert set(sold.values_list("outcome_category", flat=True)) == {BeneficiaryCategory.CCAS}
    with pytest.raises(AfterSaleRefused):  # the line is full
        order_bind_device(line=line, asset_tag=_ready(declic, n=1)[0].asset_tag, actor=None)


def test_an_expired_or_unanswered_quote_cannot_be_accepted(ccas, declic):
    organisation, buyer = ccas
    quote = quote_request(organisation=organisation, user=buyer, lines=[LAPTOPS])
    with pytest.raises(AfterSaleRefused):
        quote_accept(quote=quote, user=buyer, method=Checkout.Method.MANDATE, purchase_order="EJ-1")
    quote_answer(quote=quote, actor=None, association=declic, prices={quote.lines.get().pk: (Decimal("100"), None)})
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(AfterSaleRefused):
        quote_accept(quote=quote, user=buyer, method=Checkout.Method.MANDATE, purchase_order="EJ-1")
    assert not Order.objects.exists()


def test_a_buyers_order_above_the_threshold_waits_for_an_approver(ccas, declic, mailoutbox):
    organisation, buyer = ccas
    approver = factories.UserFactory(email="direction@ccas-redon.example")
    organisation.members.add(approver)
    organisation.approvers.add(approver)
    Organisation.objects.filter(pk=organisation.pk).update(approval_threshold=Decimal("300.00"))
    small = listed_product(declic, units=2, price=Decimal("150.00"))
    large = listed_product(declic, units=8, price=Decimal("150.00"))

    assert invoice_order(buyer, [small]).status == OrderStatus.CONFIRMED  # under the threshold
    waiting = invoice_order(buyer, [large, large, large])
    assert waiting.status == OrderStatus.AWAITING_APPROVAL
    told = [message for message in mailoutbox if waiting.number in message.subject and "approbation" in message.subject]
    assert len(told) == 1 and told[0].to == ["direction@ccas-redon.example"]
    with pytest.raises(AfterSaleRefused):  # not bindable before approval
        order_bind_device(line=waiting.lines.first(), asset_tag="X", actor=None)
    with pytest.raises(AfterSaleRefused):  # a buyer does not approve
        order_approve(order=waiting, user=buyer)
    order_approve(order=waiting, user=approver)
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.CONFIRMED
    assert invoice_order(approver, [large]).status == OrderStatus.CONFIRMED  # an approver's own order

    refused = invoice_order(buyer, [large, small])
    stock = StockRecord.objects.get(product=large)
    allocated = stock.num_allocated
    order_refuse(order=refused, user=approver)
    refused.refresh_from_db()
    assert refused.status == OrderStatus.CANCELLED
    assert StockRecord.objects.get(product=large).num_allocated == allocated - 1

    # Paying by card would bypass the approver: refused above the threshold.
    with pytest.raises(CheckoutRefused):
        invoice_order(
            buyer,
            [large, large, large],
            method=Checkout.Method.AT_PICKUP,
            pickup_partner=large.stockrecords.get().partner,
        )


def test_the_reuse_attestation_totals_the_years_invoices_and_is_renumbered_when_they_change(ccas, declic):
    organisation, buyer = ccas
    orders = [invoice_order(buyer, [listed_product(declic, price=Decimal(price))]) for price in ("120.00", "80.00")]
    for order in orders:
        line = order.lines.get()
        tag = ListedDevice.objects.filter(product=line.product).values_list("device__asset_tag", flat=True)[0]
        order_bind_device(line=line, asset_tag=tag, actor=None)
        order_set_status(order=order, status=OrderStatus.HANDED_OVER, actor=None)
    year = timezone.localdate().year
    bought = purchases(organisation=organisation, seller=declic, year=year)
    invoiced = sum(
        line.amount
        for invoice in Invoice.objects.filter(order__in=orders)
        for line in invoice.lines.all()
        if line.order_line_id
    )
    assert (bought.devices, bought.total) == (2, invoiced) and invoiced == Decimal("200.00")

    attestation = attestation_issue(organisation=organisation, seller=declic, year=year)
    assert attestation.number == f"AGEC-{year}-00001" and attestation.total == Decimal("200.00")
    assert attestation_issue(organisation=organisation, seller=declic, year=year) == attestation  # same figures
    text = PdfReader(io.BytesIO(attestation_pdf_bytes(attestation=attestation))).pages[0].extract_text()
    assert "AGEC" in text and "Déclic" in text and "CCAS de Redon" in text and "200,00" in text

    credit_note_issue(invoice=orders[1].invoices.get(), reason="Écran rayé", amount=Decimal("30.00"))
    renewed = attestation_issue(organisation=organisation, seller=declic, year=year)
    assert renewed.number == f"AGEC-{year}-00002" and renewed.total == Decimal("170.00")
    assert ReuseAttestation.objects.count() == 2
    assert purchases(organisation=organisation, seller=declic, year=year - 1).devices == 0


def test_attestations_are_downloaded_by_the_organisations_members_only(client, ccas, declic):
    organisation, buyer = ccas
    order = invoice_order(buyer, [listed_product(declic)])
    line = order.lines.get()
    order_bind_device(line=line, asset_tag=ListedDevice.objects.get(product=line.product).device.asset_tag, actor=None)
    order_set_status(order=order, status=OrderStatus.HANDED_OVER, actor=None)
    url = f"/boutique/organisation/attestations/{timezone.localdate().year}/declic.pdf"
    client.force_login(buyer)
    page = client.get("/boutique/organisation/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client.get(url.replace(str(timezone.localdate().year), "2001")).status_code == 404
    stranger = type(client)()
    stranger_user = factories.UserFactory(email="autre@mairie.example")
    verified_buyer(stranger_user, name="Mairie d'ailleurs")
    stranger.force_login(stranger_user)
    assert stranger.get(url).status_code == 404


def test_a_quote_line_does_not_take_a_device_held_for_another_order(ccas, declic):
    organisation, buyer = ccas
    product = listed_product(declic, units=1)
    Device.objects.filter(shop_listings__product=product).update(ram_gb=8, storage_gb=256)
    other = factories.UserFactory(email="achats@ecole.example")
    verified_buyer(other, name="École Saint-Michel")
    invoice_order(other, [product])  # the only unit, held for that order
    _quote, record = _accepted_quote(organisation, buyer, declic)
    tag = ListedDevice.objects.get(product=product).device.asset_tag
    with pytest.raises(AfterSaleRefused, match="réservées"):
        order_bind_device(line=record.order.lines.get(), asset_tag=tag, actor=None)
