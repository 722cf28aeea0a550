"""Issue 4's journeys in Chromium: a buyer filters, pays by card (localstripe's Stripe.js stand-in) and gets
the invoice, then withdraws; an organisation orders on invoice. axe-core on listing, product, basket and
checkout pages."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from devices.models import Association, Device, Donor, IntakeBatch, Membership
from shop.models import Checkout, Organisation, Withdrawal
from shop.services import listings as services
from tests.browser.conftest import blocking_violations, format_violation, login
from tests.shop.helpers import workshop_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
PASSWORD = "mot-de-passe-boutique-2026"


@pytest.fixture
def catalogue(base_data):
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", department="35")
    donor = Donor.objects.create(name="Région Bretagne", kind=Donor.Kind.LOCAL_AUTHORITY)
    batch = IntakeBatch.objects.create(donor=donor, association=association)
    laptop = services.listing_create(
        category=Device.Category.LAPTOP,
        title="Lenovo ThinkPad T480 – 16 Go – SSD 512 Go",
        price=Decimal("289.00"),
        brand="Lenovo",
        model_name="ThinkPad T480",
        cpu="Intel Core i5-8350U",
        ram_gb=16,
        storage_kind="ssd",
        storage_gb=512,
        screen_inches=Decimal("14.0"),
        os="Linux Mint 22",
        keyboard="azerty_fr",
        grade="A",
    )
    screen = services.listing_create(
        category=Device.Category.SCREEN,
        title="Écran Dell 22 pouces",
        price=Decimal("59.00"),
        brand="Dell",
        model_name="P2217",
        grade="A",
    )
    for index in range(3):
        services.listing_add_device(product=laptop.product, device=workshop_ready(batch, f"T480-{index}"), actor=None)
    services.listing_add_device(
        product=screen.product, device=workshop_ready(batch, "P2217-1", category=Device.Category.SCREEN), actor=None
    )
    return {"laptop": laptop.product, "screen": screen.product, "association": association}


def _user(email):
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _add_laptop_from_the_catalogue(page, live_url, catalogue, violations):
    laptop, screen = catalogue["laptop"], catalogue["screen"]
    violations += blocking_violations(page, f"{live_url}/boutique/catalogue/")
    expect(page.get_by_role("link", name=screen.title)).to_have_count(1)  # unfiltered, the screen is listed
    page.get_by_label("Portable", exact=False).first.check()
    page.locator("form.filters button[type=submit]").first.click()
    # The filter applied: the URL asks for laptops only, the box stays ticked, only the laptop is listed.
    expect(page).to_have_url(re.compile(r"/boutique/catalogue/\?(.*&)?categorie=laptop(&|$)"))
    assert parse_qs(urlsplit(page.url).query)["categorie"] == ["laptop"]
    expect(page.locator("form.filters input[name=categorie][value=laptop]")).to_be_checked()
    expect(page.locator(".products .product-card .card__title")).to_have_text([laptop.title])
    expect(page.get_by_role("link", name=screen.title)).to_have_count(0)
    page.get_by_role("link", name=laptop.title).first.click()
    page.wait_for_load_state()
    product_url = page.url
    violations += blocking_violations(page, product_url)
    page.locator(
        "#add_to_basket_form button[type=submit], form[action*='basket/add'] button[type=submit]"
    ).first.click()
    page.wait_for_load_state()
    violations += blocking_violations(page, f"{live_url}/boutique/basket/")
    page.locator("a[href='/boutique/checkout/']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/boutique/checkout/")
    violations += _axe_here(page)


def _axe_here(page, exclude=None):
    from axe_playwright_python.sync_playwright import Axe

    options = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = Axe().run(page, context=options) if options else Axe().run(page)
    return [
        format_violation(page.url, v) for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_buyer_pays_by_card_gets_the_invoice_then_withdraws(page, live_server, catalogue, stripe_live):
    violations = []
    live_url = live_server.url
    _add_laptop_from_the_catalogue(page, live_url, catalogue, violations)

    page.get_by_label("Courriel").fill("anne.legoff@example.org")
    page.get_by_label("Retrait à l'association (gratuit)").check()
    page.get_by_label("Déclic").check()
    page.get_by_label("Prénom").fill("Anne")
    page.locator("#id_last_name").fill("Le Goff")
    page.get_by_label("Carte bancaire").check()
    page.get_by_label("J'ai lu et j'accepte", exact=False).check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    assert page.url.endswith("/boutique/checkout/paiement/")
    # Test keys: the page says no real money moves, and which test cards to use.
    test_mode = page.get_by_role("note").filter(has_text="Mode test")
    expect(test_mode).to_contain_text("4242 4242 4242 4242")
    # The card widget is Stripe's (here localstripe's stand-in), outside our markup.
    violations += _axe_here(page, exclude=["#card-element"])

    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    with page.expect_navigation(url="**/boutique/commandes/**"):
        page.locator("#pay-button").click()

    order = Order.objects.get()
    assert order.status == "Payée"
    main = page.locator("main").inner_text()
    assert "paiement est confirmé" in main.lower() or "Payée" in main
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la facture", exact=False).click()
    download = download_info.value
    assert download.suggested_filename == f"{order.invoices.get().file_stem}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.get_by_role("link", name="Se rétracter").click()
    page.wait_for_load_state()
    violations += _axe_here(page)
    page.get_by_label("Je me rétracte", exact=False).check()
    page.get_by_role("button", name="Confirmer ma rétractation").click()
    page.wait_for_load_state()
    assert Withdrawal.objects.filter(order=order).exists()
    assert "rétract" in page.locator("main").inner_text().lower()

    assert not violations, "\n".join(violations)


def test_declined_card_shows_a_clear_message_and_keeps_the_basket(page, live_server, catalogue, stripe_live):
    violations = []
    live_url = live_server.url
    _add_laptop_from_the_catalogue(page, live_url, catalogue, violations)
    page.get_by_label("Courriel").fill("refus@example.org")
    page.get_by_label("Livraison à domicile", exact=False).check()
    page.get_by_label("Prénom").fill("Yann")
    page.locator("#id_last_name").fill("Kervella")
    page.locator("#id_line1").fill("4 rue de Brest")
    page.get_by_label("Code postal").fill("29200")
    page.get_by_label("Ville").fill("Brest")
    page.get_by_label("Carte bancaire").check()
    page.get_by_label("J'ai lu et j'accepte", exact=False).check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4000000000000002")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    page.locator("#pay-button").click()
    expect(page.locator("#card-errors")).to_contain_text("refusée")
    assert not Order.objects.exists()
    page.goto(f"{live_url}/boutique/basket/")
    assert "ThinkPad T480" in page.locator("main").inner_text()


def test_organisation_orders_on_invoice(page, live_server, catalogue):
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
    live_url = live_server.url
    login(page, live_url, buyer.email, PASSWORD)
    violations = []
    _add_laptop_from_the_catalogue(page, live_url, catalogue, violations)
    assert "CCAS de Redon" in page.locator("main").inner_text()
    page.get_by_label("Livraison à domicile", exact=False).check()
    page.get_by_label("Prénom").fill("Morgane")
    page.locator("#id_last_name").fill("Riou")
    page.locator("#id_line1").fill("Place Saint-Sauveur")
    page.get_by_label("Code postal").fill("35600")
    page.get_by_label("Ville").fill("Redon")
    page.get_by_label("Mandat administratif").check()
    page.get_by_label("Numéro de bon de commande").fill("BC-2026-031")
    page.get_by_label("Code service", exact=False).fill("CCAS-INFO")
    page.get_by_label("J'ai lu et j'accepte", exact=False).check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/boutique/commandes/**")
    order = Order.objects.get()
    assert order.status == "Confirmée"  # invoiced at delivery, paid after
    assert order.checkout.purchase_order == "BC-2026-031"
    assert "BC-2026-031" in page.locator("main").inner_text()
    violations += _axe_here(page)
    assert not violations, "\n".join(violations)


def test_private_buyer_reserves_pays_at_pickup_and_the_passport_shows_the_sale(page, browser, live_server, catalogue):
    """The embedded default (no Stripe keys): the buyer reserves for pickup and pays at Déclic's counter,
    where staff record the payment, scan the device and hand it over; its passport shows the sale."""
    violations = []
    live_url = live_server.url
    _add_laptop_from_the_catalogue(page, live_url, catalogue, violations)
    assert page.locator("input[name=purchase_order]").count() == 0  # nothing meant for organisations
    page.get_by_label("Courriel").fill("gaelle.retrait@example.org")
    page.get_by_label("Retrait à l'association (gratuit)").check()
    page.get_by_label("Déclic").check()
    page.get_by_label("Prénom").fill("Gaëlle")
    page.locator("#id_last_name").fill("Tanguy")
    page.get_by_label("Paiement au retrait", exact=False).check()
    page.get_by_label("J'ai lu et j'accepte", exact=False).check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/boutique/commandes/**")
    order = Order.objects.get()
    assert order.status == "En attente de paiement" and order.checkout.method == Checkout.Method.AT_PICKUP
    expect(page.locator("main")).to_contain_text("réservés pour vous jusqu")
    violations += _axe_here(page)

    counter = _user("comptoir@declic.example")
    counter.is_staff = True
    counter.save(update_fields=["is_staff"])
    Membership.objects.create(user=counter, association=catalogue["association"], role=Membership.Role.SHOP_COUNTER)
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    login(staff, live_url, counter.email, PASSWORD)
    order_page = f"{live_url}/admin/boutique/commandes/{order.number}/"
    staff.goto(order_page)
    violations += _axe_here(staff)
    staff.get_by_label("espèces").check()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Enregistrer le paiement").click()
    order.refresh_from_db()
    assert order.status == "Payée" and order.sources.get().reference == "espèces"
    device = catalogue["laptop"].listed_devices.order_by("pk").first().device
    staff.locator("input[name=asset_tag]").fill(device.asset_tag)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Associer").click()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Remise").click()
    order.refresh_from_db()
    assert order.status == "Remise"
    staff_context.close()

    page.goto(f"{live_url}/appareil/{device.asset_tag}/")
    passport = page.locator("main").inner_text()
    assert "Vendu" in passport and "Particulier" in passport
    assert "Tanguy" not in passport and order.number not in passport
    assert not violations, "\n".join(violations)
