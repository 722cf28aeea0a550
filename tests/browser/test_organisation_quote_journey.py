"""Issue 16's journey in Chromium: a CCAS asks a quote for 10 laptops when 4 are on sale, Déclic's counter
prices it, the buyer accepts it online with its engagement number, the devices are handed over in two
deliveries — the invoice issued at the first —, the payment recorded, the reuse attestation downloaded.
axe-core on every page on the way."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from oscar.core.loading import get_model

from devices.models import Association, Device, Donor, IntakeBatch, Membership
from shop.models import Checkout, Invoice, ListedDevice, Organisation, Quote
from shop.services import listings as services
from tests.browser.conftest import blocking_violations, login
from tests.browser.test_shop_journey import PASSWORD, _user
from tests.shop.helpers import workshop_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")


@pytest.fixture
def network(base_data):
    declic = Association.objects.create(
        name="Déclic",
        slug="declic",
        siret="35600000000048",
        street="12 rue de Vannes",
        postcode="35600",
        city="Redon",
        department="35",
        offers_sale=True,
        vat_status=Association.VatStatus.MARGIN,
        vat_number="FR40303265045",
        iban="FR7630006000011234567890189",
    )
    counter = _user("comptoir@declic.example")
    counter.is_staff = True
    counter.save()
    counter.groups.add(Group.objects.get(name="Shop"))
    Membership.objects.create(user=counter, association=declic, role=Membership.Role.SHOP_COUNTER)
    buyer = _user("achats@ccas-redon.example")
    organisation = Organisation.objects.create(
        name="CCAS de Redon",
        kind=Organisation.Kind.CCAS,
        siret="26350000100015",
        billing_line1="Place Saint-Sauveur",
        billing_postcode="35600",
        billing_city="Redon",
        billing_email="compta@ccas-redon.example",
        public_buyer=True,
        verified_at=timezone.now(),
    )
    organisation.members.add(buyer)
    batch = IntakeBatch.objects.create(
        donor=Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY), association=declic, reference="LP-1"
    )
    laptop = services.listing_create(
        category=Device.Category.LAPTOP,
        title="Lenovo ThinkPad T480 – 8 Go – SSD 256 Go",
        price=Decimal("219.00"),
        brand="Lenovo",
        model_name="ThinkPad T480",
        ram_gb=8,
        storage_gb=256,
        grade="A",
    )
    on_sale, later = [], []
    for index in range(10):
        device = workshop_ready(batch, f"T480-Q{index}", grade="A")
        Device.objects.filter(pk=device.pk).update(ram_gb=8, storage_gb=256)
        if index < 4:
            services.listing_add_device(product=laptop.product, device=device, actor=None)
            on_sale.append(device.asset_tag)
        else:
            later.append(device.asset_tag)  # still in the workshop when the quote is asked
    return {"buyer": buyer, "counter": counter, "on_sale": on_sale, "later": later}


def _scan(page, tags):
    for tag in tags:
        page.locator("#bind-tag").fill(tag)
        with page.expect_navigation():
            page.get_by_role("button", name="Associer").click()


def test_a_ccas_quote_for_ten_delivered_twice_invoiced_paid_and_attested(page, browser, live_server, network):
    base, problems = live_server.url, []
    login(page, base, network["buyer"].email, PASSWORD)

    # The CCAS asks for 10 laptops; only 4 are on sale.
    problems += blocking_violations(page, f"{base}/boutique/devis/demande/")
    page.locator("#id_lignes-0-category").select_option("laptop")
    page.locator("#id_lignes-0-quantity").fill("10")
    page.locator("#id_lignes-0-min_ram_gb").fill("8")
    page.locator("#id_lignes-0-min_storage_gb").fill("256")
    page.locator("#id_lignes-0-min_grade").select_option("B")
    page.get_by_label("Autres précisions").fill("Pour l'atelier numérique de l'épicerie solidaire.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la demande").click()
    quote = Quote.objects.get()
    problems += blocking_violations(page, page.url)

    # Déclic's counter prices the line: 150 € each, 21 days.
    staff = browser.new_context(base_url=base)
    counter = staff.new_page()
    login(counter, base, network["counter"].email, PASSWORD)
    problems += blocking_violations(counter, f"{base}/admin/boutique/devis/")
    line = quote.lines.get()
    counter.locator(f"#price_{line.pk}-{quote.pk}").fill("150,00")
    counter.locator(f"#lead_{line.pk}-{quote.pk}").fill("21")
    with counter.expect_navigation():
        counter.get_by_role("button", name="Envoyer le devis").click()
    quote.refresh_from_db()
    assert quote.state == Quote.State.ANSWERED and quote.lines_total() == Decimal("1500.00")
    assert quote.total() == Decimal("1500.00") + quote.shipping and quote.shipping > 0  # delivery quoted

    # The buyer accepts it online with the engagement number and service code.
    problems += blocking_violations(page, f"{base}/boutique/devis/{quote.pk}/")
    assert "1 512,00" in page.locator("main").inner_text().replace("\xa0", " ").replace("\u202f", " ")
    page.get_by_label("Mandat administratif").check()
    page.get_by_label("Numéro d'engagement", exact=False).fill("EJ-2027-0042")
    page.get_by_label("Code service", exact=False).fill("CCAS-INFO")
    with page.expect_navigation():
        page.get_by_role("button", name="Accepter et commander").click()
    order = Order.objects.get()
    assert order.lines.get().unit_price_incl_tax == Decimal("150.00")
    problems += blocking_violations(page, page.url)

    # First delivery: the 4 devices on sale; the invoice is issued then.
    order_url = f"{base}/admin/boutique/commandes/{order.number}/"
    problems += blocking_violations(counter, order_url)
    _scan(counter, network["on_sale"])
    with counter.expect_navigation():
        counter.get_by_role("button", name="Livrer les appareils déjà scannés").click()
    first = Invoice.objects.get()
    assert first.total == Decimal("600.00") + order.shipping_incl_tax and first.due_date is not None
    assert ListedDevice.objects.filter(invoice=first).count() == 4

    # Second delivery: the 6 others, out of the workshop since; handed over, invoiced.
    _scan(counter, network["later"])
    with counter.expect_navigation():
        counter.get_by_role("button", name="Remise").click()
    assert Invoice.objects.count() == 2
    # The accountant pays the first invoice; the counter records it.
    counter.get_by_label("Référence du virement ou du mandat").fill("Mandat 2027-118")
    with counter.expect_navigation():
        counter.get_by_role("button", name="Enregistrer le paiement").click()
    first.refresh_from_db()
    assert first.paid_at is not None and first.payment_reference == "Mandat 2027-118"
    problems += blocking_violations(counter, order_url)
    problems += blocking_violations(counter, f"{base}/admin/boutique/factures/")

    # The buyer downloads the invoice and the year's reuse attestation.
    problems += blocking_violations(page, f"{base}/boutique/commandes/{order.number}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Télécharger la facture {first.number} (PDF)").click()
    assert download.value.suggested_filename == f"{first.file_stem}.pdf"
    problems += blocking_violations(page, f"{base}/boutique/organisation/")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{timezone.localdate().year} – Déclic (PDF)").click()
    assert download.value.suggested_filename.startswith("attestation-reemploi-AGEC-")
    assert Checkout.objects.get(order=order).state == Checkout.State.PLACED  # the second invoice is still due
    staff.close()
    assert not problems, "\n".join(problems)
