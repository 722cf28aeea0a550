"""Issue 11's journeys in Chromium: on a 390×844 phone the first product is on the first screen of the
catalogue and "Ajouter au panier" on the first screen of the product page; a buyer finds a laptop by a
natural phrase, in the catalogue and in the site search; a technician photographs a device at grading from
the workshop and the photo appears on the product page. axe-core on each page."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from devices.models import Association, Device, Donor, IntakeBatch, Membership
from shop.services import listings
from tests.browser.conftest import blocking_violations, login
from tests.photos import photo_upload
from tests.shop.helpers import workshop_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-atelier-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shop(base_data):
    association = Association.objects.create(name="Déclic", slug="declic", city="Redon", postcode="35600")
    donor = Donor.objects.create(name="La Poste", kind=Donor.Kind.COMPANY)
    batch = IntakeBatch.objects.create(donor=donor, association=association)
    products = []
    for number, (brand, model) in enumerate([("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "840 G5")]):
        listing = listings.listing_create(
            category=Device.Category.LAPTOP,
            title=f"{brand} {model} – 16 Go – SSD 512 Go",
            price=Decimal("289.00") - number * 20,
            brand=brand,
            model_name=model,
            ram_gb=16,
            storage_kind="ssd",
            storage_gb=512,
            screen_inches=Decimal("14.0"),
            grade="A",
        )
        listings.listing_add_device(product=listing.product, device=workshop_ready(batch, f"SN-{number}"), actor=None)
        products.append(listing.product)
    return {"association": association, "batch": batch, "products": products}


def test_on_a_phone_the_first_product_and_add_to_basket_are_on_the_first_screen(browser, live_server, shop):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    violations = blocking_violations(page, f"{live_server.url}/boutique/catalogue/")
    first_card = page.locator(".product-card").first
    expect(first_card).to_be_visible()
    assert first_card.bounding_box()["y"] < PHONE["height"], "the first product is below the first screen"
    expect(page.locator("#filters-panel")).not_to_have_attribute("open", "")  # filters behind their button
    page.get_by_text("Filtrer et trier").click()
    expect(page.locator("form.filters")).to_be_visible()

    first_card.locator("a").first.click()
    page.wait_for_load_state()
    button = page.get_by_role("button", name="Ajouter au panier")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "“Ajouter au panier” is below the first screen"
    violations += blocking_violations(page, page.url)
    context.close()
    assert not violations, "\n\n".join(violations)


def test_a_buyer_finds_a_laptop_by_a_natural_phrase(page, live_server, shop):
    lenovo = shop["products"][0]
    page.goto(f"{live_server.url}/boutique/catalogue/")
    page.locator("#catalogue-q").fill("ordinateur portable lenovo 16 go")
    page.locator("form.filters button[type=submit]").first.click()
    expect(page.locator(".products .product-card .card__title")).to_have_text([lenovo.title])
    # The site's own search finds the same product.
    page.goto(f"{live_server.url}/recherche/?q=PC+portable+Lénovo")
    expect(page.locator("#products-results + ul, #products-results ~ ul").first).to_contain_text(lenovo.title)
    violations = blocking_violations(page, page.url)
    assert not violations, "\n\n".join(violations)


def test_a_technician_photographs_a_device_at_grading_and_the_photo_appears_on_the_product_page(
    page, live_server, shop, tmp_path
):
    technician = get_user_model().objects.create_user(email="atelier@declic.example", password=PASSWORD)
    technician.is_staff = True
    technician.save(update_fields=["is_staff"])
    technician.groups.add(Group.objects.get(name="Workshop"))
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=technician, email=technician.email, verified=True, primary=True)
    Membership.objects.create(user=technician, association=shop["association"], role=Membership.Role.TECHNICIAN)
    device = workshop_ready(shop["batch"], "SN-PHOTO", grade=None)
    login(page, live_server.url, technician.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/atelier/appareils/{device.pk}/")

    # Grading, then the photos from the same page (a phone would open its camera on this field).
    page.locator("#action-grade summary").click()
    page.locator("#action-grade input[name='grade-grade'][value='A']").check()
    with page.expect_navigation():
        page.locator("#action-grade button[type=submit]").click()
    photo = tmp_path / "dessus.jpg"
    photo.write_bytes(photo_upload().read())
    page.locator("#action-photos summary").click()
    page.set_input_files("#action-photos input[type=file]", [str(photo)])
    page.locator("#action-photos input[name='photos-alt']").fill("Portable ouvert, écran et clavier AZERTY")
    with page.expect_navigation():
        page.locator("#action-photos button[type=submit]").click()
    expect(page.locator("#photos-title")).to_be_visible()
    violations = blocking_violations(page, page.url)

    product = shop["products"][0]
    listings.listing_add_device(product=product, device=device, actor=technician)
    page.goto(f"{live_server.url}{product.get_absolute_url()}")
    gallery_image = page.locator(".gallery picture img").first
    expect(gallery_image).to_have_attribute("alt", "Portable ouvert, écran et clavier AZERTY")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", gallery_image.element_handle())
    violations += blocking_violations(page, page.url)
    assert not violations, "\n\n".join(violations)
