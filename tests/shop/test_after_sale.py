"""After the order: organisations on invoice, quotes, binding devices, handing over, withdrawal and refund."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from devices.models import Device, Membership
from payments import stripe_api
from reemploi.validators import luhn_valid
from shop.models import Checkout, DocumentCounter, Invoice, OrderStatus, Organisation, Quote, Withdrawal
from shop.services import AfterSaleRefused, orders
from tests import factories
from tests.concurrency import at_once
from tests.shop.helpers import add_to_basket, checkout_form, pay

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

# Transactional: e-mails leave after the commit of the transaction that caused them, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("base_data")]


def valid_siret(prefix="4420100") -> str:
    """Complete a prefix into a 14-digit number whose SIREN and SIRET both pass the Luhn key."""
    for siren_end in range(100):
        siren = f"{prefix}{siren_end:02d}"
        if not luhn_valid(siren):
            continue
        for nic in range(100000):
            siret = f"{siren}{nic:05d}"
            if luhn_valid(siret):
                return siret
    raise AssertionError("no valid SIRET")


@pytest.fixture
def shop_staff(db, workshop):
    """The shop counter of the workshop holding the stock (`stocked_product`'s default member)."""
    from django.contrib.auth.models import Group

    user = factories.UserFactory(email="boutique@reemploi.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Shop"))
    Membership.objects.create(user=user, association=workshop, role=Membership.Role.SHOP_COUNTER)
    return user


@pytest.fixture
def buyer(db):
    return factories.UserFactory(email="ccas@example.org")


ORGANISATION = {
    "name": "CCAS de Redon",
    "kind": "ccas",
    "billing_line1": "Place de l'Hôtel de Ville",
    "billing_postcode": "35600",
    "billing_city": "Redon",
    "billing_email": "compta@ccas-redon.example",
    "public_buyer": "on",
}


def test_siret_is_checked_and_the_form_keeps_what_was_typed(client, buyer):
    client.force_login(buyer)
    response = client.post("/boutique/organisation/", {**ORGANISATION, "siret": "12345678901234"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "SIRET" in content and "CCAS de Redon" in content and "Hôtel de Ville" in content
    assert not Organisation.objects.exists()
    response = client.post("/boutique/organisation/", {**ORGANISATION, "siret": valid_siret()})
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert buyer in organisation.members.all() and not organisation.is_verified


def test_unverified_organisation_cannot_pay_on_invoice(client, buyer, stripe_live, stocked_product):
    Organisation.objects.create(siret=valid_siret(), **{**ORGANISATION, "public_buyer": True}).members.add(buyer)
    client.force_login(buyer)
    add_to_basket(client, stocked_product(units=1))
    content = client.get("/boutique/checkout/").content.decode()
    assert 'value="transfer"' not in content and 'value="mandate"' not in content
    client.post("/boutique/checkout/", checkout_form(method="transfer", purchase_order="BC-1"))
    assert not Order.objects.exists()


def test_organisation_orders_on_invoice_and_staff_record_the_payment(client, buyer, shop_staff, stocked_product):
    client.force_login(buyer)
    client.post("/boutique/organisation/", {**ORGANISATION, "siret": valid_siret()})
    organisation = Organisation.objects.get()
    staff = type(client)()
    staff.force_login(shop_staff)
    assert staff.post(f"/admin/boutique/organisations/{organisation.pk}/verifier/").status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified and organisation.verified_by == shop_staff

    product = stocked_product(units=3, price=Decimal("150.00"))
    add_to_basket(client, product, quantity=2)
    form = checkout_form(method="mandate", purchase_order="", service_code="")
    response = client.post("/boutique/checkout/", form)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"purchase_order", "service_code"}
    response = client.post("/boutique/checkout/", {**form, "purchase_order": "BC-2026-117", "service_code": "SCV-42"})

    order = Order.objects.get()
    assert response["Location"] == f"/boutique/commandes/{order.number}/"
    assert order.status == OrderStatus.CONFIRMED and order.total_incl_tax == Decimal("312.00")
    assert not Invoice.objects.exists()
    assert StockRecord.objects.get(product=product).num_allocated == 2
    # Nothing is invoiced before the service is done, so no payment can be recorded yet.
    staff.post(f"/admin/boutique/commandes/{order.number}/paiement/", {"reference": "Mandat 2026-554"})
    assert Checkout.objects.get(order=order).state == Checkout.State.PLACED

    # Service done: the devices are scanned and handed over; the invoice is issued then, due later.
    line = order.lines.get()
    for tag in Device.objects.filter(shop_listings__product=product).values_list("asset_tag", flat=True)[:2]:
        staff.post(f"/admin/boutique/commandes/{order.number}/appareil/", {"line": line.pk, "asset_tag": tag})
    staff.post(f"/admin/boutique/commandes/{order.number}/statut/", {"status": OrderStatus.HANDED_OVER})
    invoice = order.invoices.get()
    assert invoice.total == Decimal("312.00") and invoice.paid_at is None
    assert invoice.due_date == timezone.localdate() + datetime.timedelta(days=invoice.seller.payment_days)
    assert invoice.seller == Checkout.objects.get(order=order).seller
    sent = [m for m in mail.outbox if m.attachments]
    assert len(sent) == 1 and sent[0].attachments[0][0] == f"{invoice.file_stem}.pdf"
    assert "compta@ccas-redon.example" in sent[0].to
    pdf = client.get(f"/boutique/commandes/{order.number}/factures/{invoice.pk}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(
        b"%PDF"
    )

    # The accountant pays from the invoice; staff record it.
    response = staff.post(f"/admin/boutique/commandes/{order.number}/paiement/", {"reference": "Mandat 2026-554"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_at is not None and invoice.payment_reference == "Mandat 2026-554"
    assert Checkout.objects.get(order=order).state == Checkout.State.PAID
    # Recording it again changes nothing.
    staff.post(f"/admin/boutique/commandes/{order.number}/paiement/", {"reference": "Mandat 2026-554"})
    assert Invoice.objects.count() == 1


def test_quote_request_answer_and_order(client, buyer, shop_staff, stocked_product):
    organisation = Organisation.objects.create(
        siret=valid_siret(), verified_at=timezone.now(), **{**ORGANISATION, "public_buyer": True}
    )
    organisation.members.add(buyer)
    client.force_login(buyer)
    product = stocked_product(units=5, price=Decimal("120.00"))
    add_to_basket(client, product, quantity=4)
    response = client.post(
        "/boutique/devis/demande/",
        {
            "message": "Pour l'épicerie solidaire, livraison en mars.",
            "lignes-TOTAL_FORMS": "3",
            "lignes-INITIAL_FORMS": "0",
        },
    )
    quote = Quote.objects.get()
    assert response["Location"] == f"/boutique/devis/{quote.pk}/"
    assert client.get(f"/boutique/devis/{quote.pk}/devis.pdf").status_code == 404  # not answered yet

    staff = type(client)()
    staff.force_login(shop_staff)
    staff.post(f"/admin/boutique/devis/{quote.pk}/repondre/", {"valid_days": "30", "note": "Prix catalogue."})
    quote.refresh_from_db()
    assert quote.state == Quote.State.ANSWERED and quote.lines_total() == Decimal("480.00")
    assert any(quote.reference in message.subject for message in mail.outbox)
    pdf = client.get(f"/boutique/devis/{quote.pk}/devis.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Accepted online: the order is placed at the quoted prices, to be delivered and invoiced.
    response = client.post(f"/boutique/devis/{quote.pk}/accepter/", {"method": "mandate", "purchase_order": ""})
    assert response.status_code == 200 and "engagement" in response.content.decode()  # kept, explained
    assert not Order.objects.exists()
    accept = {"method": "mandate", "purchase_order": "BC-77", "service_code": "S-1"}
    disguised = SimpleUploadedFile("bon.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(f"/boutique/devis/{quote.pk}/accepter/", {**accept, "signed_order": disguised})
    assert response.status_code == 200 and not Order.objects.exists()  # not a PDF: refused, the form kept
    assert 'value="BC-77"' in response.content.decode()
    signed = SimpleUploadedFile("bon.pdf", b"%PDF-1.4 bon de commande signe", content_type="application/pdf")
    response = client.post(f"/boutique/devis/{quote.pk}/accepter/", {**accept, "signed_order": signed})
    order = Order.objects.get()
    assert response["Location"] == f"/boutique/commandes/{order.number}/"
    line = order.lines.get()
    assert (line.quantity, line.unit_price_incl_tax) == (4, Decimal("120.00")) and order.status == OrderStatus.CONFIRMED
    download = staff.get(f"/admin/boutique/devis/{quote.pk}/bon-de-commande/")
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")
    assert Quote.objects.get().state == Quote.State.ORDERED
    # Another organisation's member cannot see the quote.
    other = type(client)()
    other.force_login(factories.UserFactory(email="autre@example.org"))
    assert other.get(f"/boutique/devis/{quote.pk}/").status_code == 404


def _paid_card_order(client, stocked_product, **form):
    product = stocked_product(units=1, price=Decimal("180.00"))
    add_to_basket(client, product)
    client.post("/boutique/checkout/", checkout_form(**form))
    pay(client)
    return Order.objects.get(), product


def test_binding_devices_records_the_sale_in_the_registry(client, stripe_live, shop_staff, stocked_product):
    order, product = _paid_card_order(client, stocked_product)
    staff = type(client)()
    staff.force_login(shop_staff)
    line = order.lines.get()
    device = product.listed_devices.get().device

    wrong = staff.post(f"/admin/boutique/commandes/{order.number}/appareil/", {"line": line.pk, "asset_tag": "ZZZ-ZZZ"})
    assert wrong.status_code == 302 and Device.objects.get(pk=device.pk).status == Device.Status.LISTED
    # Handing over before the device is scanned is refused.
    after = staff.post(f"/admin/boutique/commandes/{order.number}/statut/", {"status": OrderStatus.SHIPPED})
    assert after.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    staff.post(
        f"/admin/boutique/commandes/{order.number}/appareil/",
        {"line": line.pk, "asset_tag": device.asset_tag.lower().replace("-", " ")},
    )
    device.refresh_from_db()
    assert device.status == Device.Status.SOLD
    event = device.events.order_by("-pk").first()
    assert event.data["beneficiary_category"] == "individual" and event.data["territory"] == "35"
    assert "Le Goff" not in str(event.data) and order.email not in str(event.data)
    stock = StockRecord.objects.get(product=product)
    assert (stock.num_in_stock, stock.num_allocated) == (0, 0)

    status_url = f"/admin/boutique/commandes/{order.number}/statut/"
    staff.post(status_url, {"status": OrderStatus.SHIPPED})  # no tracking number: refused
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    staff.post(status_url, {"status": OrderStatus.SHIPPED, "carrier": "colissimo", "tracking_number": "6A123456789"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.checkout.tracking_number == "6A123456789"
    (shipped,) = [message for message in mail.outbox if "expédiée" in message.subject]
    assert "Colissimo (La Poste)" in shipped.body and "6A123456789" in shipped.body
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123456789" in shipped.body
    page = client.get(f"/boutique/commandes/{order.number}/").content.decode()
    assert "6A123456789" in page and "suivre-vos-envois" in page
    staff.post(status_url, {"status": OrderStatus.HANDED_OVER})
    order.refresh_from_db()
    assert order.status == OrderStatus.HANDED_OVER and order.checkout.handed_over_at
    # The buyer's order page links the passport of the device bought.
    assert f"/appareil/{device.asset_tag}/" in client.get(f"/boutique/commandes/{order.number}/").content.decode()


def test_two_withdrawals_sent_at_once_record_one_and_never_a_500(client, stripe_live, shop_staff, stocked_product):
    """The buyer confirms the withdrawal in two tabs at the same moment: one is recorded, the other is told."""
    order, product = _paid_card_order(client, stocked_product)
    staff = Client()
    staff.force_login(shop_staff)
    device = product.listed_devices.get().device
    staff.post(
        f"/admin/boutique/commandes/{order.number}/appareil/",
        {"line": order.lines.get().pk, "asset_tag": device.asset_tag},
    )
    staff.post(f"/admin/boutique/commandes/{order.number}/statut/", {"status": OrderStatus.HANDED_OVER})
    url = f"/boutique/commandes/{order.number}/retractation/"
    client.get(url)
    tabs = [client, Client()]
    tabs[1].cookies = client.cookies
    responses = at_once(*[lambda tab=tab: tab.post(url, {"confirm": "on"}) for tab in tabs])
    assert all(response.status_code == 302 for response in responses)
    assert Withdrawal.objects.filter(order=order).count() == 1


def test_withdrawal_then_refund_through_stripe(client, stripe_live, shop_staff, stocked_product):
    order, product = _paid_card_order(client, stocked_product)
    staff = type(client)()
    staff.force_login(shop_staff)
    device = product.listed_devices.get().device
    staff.post(
        f"/admin/boutique/commandes/{order.number}/appareil/",
        {"line": order.lines.get().pk, "asset_tag": device.asset_tag},
    )
    staff.post(f"/admin/boutique/commandes/{order.number}/statut/", {"status": OrderStatus.HANDED_OVER})

    page = client.get(f"/boutique/commandes/{order.number}/").content.decode()
    assert "Se rétracter" in page
    confirm = client.get(f"/boutique/commandes/{order.number}/retractation/")
    assert confirm.status_code == 200
    assert client.post(f"/boutique/commandes/{order.number}/retractation/", {}).status_code == 200  # not confirmed
    assert not Withdrawal.objects.exists()
    client.post(f"/boutique/commandes/{order.number}/retractation/", {"confirm": "on", "reason": "Trop lourd"})

    withdrawal = Withdrawal.objects.get()
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN
    assert any("Rétractation" in message.subject for message in mail.outbox)

    staff.post(f"/admin/boutique/commandes/{order.number}/remboursement/")
    withdrawal.refresh_from_db()
    assert withdrawal.state == Withdrawal.State.REFUNDED and withdrawal.refunded_amount == Decimal(
        "192.00"
    )  # delivery included
    refund = stripe_api.client().v1.refunds.retrieve(withdrawal.refund_id)
    assert refund["amount"] == 19200 and refund["payment_intent"] == order.checkout.payment_intent_id
    device.refresh_from_db()
    assert device.status == Device.Status.IN_WORKSHOP  # back to the workshop, to be erased again
    # The refund issues a credit note on the invoice, in the seller's credit-note series, sent with the e-mail.
    invoice = order.invoices.get(kind=Invoice.Kind.INVOICE)
    note = order.invoices.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.credited == invoice and note.total == invoice.total and note.number.startswith("A-")
    refunded = [message for message in mail.outbox if "Remboursement" in message.subject]
    assert [name for name, _content, _type in refunded[-1].attachments] == [f"{note.file_stem}.pdf"]
    # Twice: one refund only.
    staff.post(f"/admin/boutique/commandes/{order.number}/remboursement/")
    assert len(stripe_api.client().v1.refunds.list()) == 1
    assert order.invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1


def test_no_withdrawal_after_fourteen_days(client, stripe_live, stocked_product):
    order, _product = _paid_card_order(client, stocked_product)
    Checkout.objects.filter(order=order).update(handed_over_at=timezone.now() - datetime.timedelta(days=15))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.HANDED_OVER)
    assert "Se rétracter" not in client.get(f"/boutique/commandes/{order.number}/").content.decode()
    response = client.post(f"/boutique/commandes/{order.number}/retractation/", {"confirm": "on"})
    assert response.status_code == 302 and not Withdrawal.objects.exists()


def test_invoice_numbers_have_no_gap_even_when_a_transaction_rolls_back(stripe_live, client, stocked_product):
    from django.db import transaction

    order, _product = _paid_card_order(client, stocked_product)
    first = Invoice.objects.get(order=order)
    year = first.issued_at.astimezone(timezone.get_current_timezone()).year
    with pytest.raises(RuntimeError), transaction.atomic():
        DocumentCounter.objects.filter(seller=first.seller, year=year).update(last=99)
        raise RuntimeError
    assert DocumentCounter.objects.get(seller=first.seller, kind="invoice", year=year).last == int(
        first.number.rsplit("-", 1)[1]
    )
    second_client = type(client)()
    _order2 = None
    product = stocked_product(units=1)
    add_to_basket(second_client, product)
    second_client.post("/boutique/checkout/", checkout_form(email="b@example.org"))
    pay(second_client)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    sequence = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + len(sequence)))


def test_shop_back_office_needs_the_permission(client):
    from django.contrib.auth.models import Permission

    curious = factories.UserFactory(email="curieux@example.org", is_staff=True)
    curious.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(curious)
    for path in ("/admin/boutique/commandes/", "/admin/boutique/organisations/", "/admin/boutique/devis/"):
        assert client.get(path).status_code == 403


def test_shop_staff_see_the_pages(client, shop_staff, stripe_live, stocked_product):
    order, _product = _paid_card_order(type(client)(), stocked_product)
    client.force_login(shop_staff)
    for path in (
        "/admin/boutique/commandes/",
        f"/admin/boutique/commandes/{order.number}/",
        "/admin/boutique/retractations/",
        "/admin/boutique/organisations/",
        "/admin/boutique/devis/",
    ):
        assert client.get(path).status_code == 200, path


def test_refund_is_refused_cleanly_when_stripe_refuses(client, stripe_live, shop_staff, stocked_product):
    order, _product = _paid_card_order(client, stocked_product)
    orders.withdrawal_request(order=order)
    Checkout.objects.filter(order=order).update(payment_intent_id="pi_unknown")
    order.refresh_from_db()
    with pytest.raises(AfterSaleRefused):
        orders.withdrawal_refund(withdrawal=order.withdrawal, actor=shop_staff)
    assert Withdrawal.objects.get().state == Withdrawal.State.REQUESTED


@pytest.mark.parametrize(
    ("postcode", "department"), [("35000", "35"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"), ("98800", "35")]
)
def test_the_sale_is_traced_to_the_buyers_departement(postcode, department, workshop):
    """Corsican postcodes give 2A/2B as the registry expects; outside the départements, the pickup's."""
    from shop.services.listings import workshop_partner

    record = Checkout(address={"postcode": postcode}, pickup_partner=workshop_partner(workshop))
    assert orders._territory_of(record) == department
