"""A solidarity voucher in Chromium: the CCAS's adviser issues one; the person it supports types the code in
the basket, gets the laptop at the solidarity price and reserves it for pickup; the counter checks the
voucher, records the payment and hands the laptop over; the passport tells the holder's category; the
adviser sees the voucher used, not what was bought. axe-core on each page."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from devices.models import Association, Device, Donor, IntakeBatch, Membership, PartnerKind
from programmes import vouchers
from programmes.models import RelayPartner, SolidarityVoucher
from shop.services import listings
from tests.browser.conftest import blocking_violations, login
from tests.shop.helpers import workshop_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
PASSWORD = "mot-de-passe-bons-2026"


def _user(email, staff=False):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    if staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def setting(base_data):
    declic = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    batch = IntakeBatch.objects.create(
        donor=Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY), association=declic
    )
    laptop = listings.listing_create(
        category=Device.Category.LAPTOP,
        title="Lenovo ThinkPad T480 – 8 Go – SSD 256 Go",
        price=Decimal("219.00"),
        brand="Lenovo",
        model_name="ThinkPad T480",
        grade="B",
    )
    listings.listing_add_device(product=laptop.product, device=workshop_ready(batch, "T480-SOL"), actor=None)
    vouchers.solidarity_price_save(category=Device.Category.LAPTOP, max_price=Decimal("80.00"))
    ccas = RelayPartner.objects.create(name="CCAS de Redon", slug="ccas-redon", kind=PartnerKind.CCAS)
    adviser = _user("accueil@ccas-redon.example")
    ccas.users.add(adviser)
    counter = _user("comptoir@declic.example", staff=True)
    Membership.objects.create(user=counter, association=declic, role=Membership.Role.SHOP_COUNTER)
    return {"product": laptop.product, "adviser": adviser, "counter": counter}


def test_a_voucher_from_the_ccas_to_the_counter(page, browser, live_server, setting):
    page.set_default_timeout(15000)
    live_url, problems = live_server.url, []

    # The adviser issues a voucher and prints it.
    adviser_context = browser.new_context()
    adviser = adviser_context.new_page()
    adviser.set_default_timeout(15000)
    login(adviser, live_url, setting["adviser"].email, PASSWORD)
    adviser.goto(f"{live_url}/relais/bons/")
    problems += blocking_violations(adviser, f"{live_url}/relais/bons/")
    adviser.get_by_label("Catégorie de la personne").select_option(
        label="Personne orientée par un partenaire social (prix solidaire)"
    )
    until = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    adviser.get_by_label("Valable jusqu'au").fill(until)
    adviser.get_by_role("button", name="Émettre le bon").click()
    adviser.wait_for_load_state("networkidle")
    voucher = SolidarityVoucher.objects.get()
    expect(adviser.locator("main")).to_contain_text(f"Bon {voucher.code} émis")
    with adviser.expect_download() as download:
        adviser.get_by_role("link", name=f"Imprimer le bon {voucher.code} (PDF)").click()
    assert download.value.suggested_filename == f"bon-{voucher.code}.pdf"

    # The person puts the laptop in the basket, types the code: 80 € instead of 219 €; reserves for pickup.
    product = setting["product"]
    page.goto(f"{live_url}{product.get_absolute_url()}")
    page.locator("form[action*='basket/add'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{live_url}/boutique/basket/")
    page.get_by_label("Code", exact=True).fill(voucher.code)
    page.locator("form[action*='vouchers/add'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("80,00")
    problems += blocking_violations(page, f"{live_url}/boutique/basket/")
    page.locator("a[href='/boutique/checkout/']").first.click()
    page.wait_for_load_state()
    page.get_by_label("Courriel").fill("personne.accompagnee@example.org")
    page.get_by_label("Retrait à l'association (gratuit)").check()
    page.get_by_label("Déclic").check()
    page.get_by_label("Prénom").fill("Maël")
    page.locator("#id_last_name").fill("Le Bihan")
    page.get_by_label("Paiement au retrait", exact=False).check()
    page.get_by_label("J'ai lu et j'accepte", exact=False).check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/boutique/commandes/**")
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("80.00")

    # The counter checks the voucher (used now), records the payment and hands the laptop over.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    staff.set_default_timeout(15000)
    login(staff, live_url, setting["counter"].email, PASSWORD)
    check_url = f"{live_url}/admin/boutique/bons-solidaires/?code={voucher.code}"
    staff.goto(check_url)
    expect(staff.locator("[data-voucher-result]")).to_contain_text("Déjà utilisé")
    problems += blocking_violations(staff, check_url)
    staff.goto(f"{live_url}/admin/boutique/commandes/{order.number}/")
    staff.get_by_label("espèces").check()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Enregistrer le paiement").click()
    device = product.listed_devices.get().device
    staff.locator("input[name=asset_tag]").fill(device.asset_tag)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Associer").click()
    staff_context.close()
    device.refresh_from_db()
    assert device.outcome_category == "social_referral"

    page.goto(f"{live_url}/appareil/{device.asset_tag}/")
    passport = page.locator("main").inner_text()
    assert "Personne orientée par un partenaire social" in passport and "Le Bihan" not in passport

    # The adviser sees the voucher used, and nothing of the purchase.
    adviser.goto(f"{live_url}/relais/bons/")
    row = adviser.locator(f"#voucher-{voucher.pk}").inner_text()
    assert "Utilisé" in row and "ThinkPad" not in adviser.content() and order.number not in adviser.content()
    adviser_context.close()
    assert not problems, "\n\n".join(problems)
