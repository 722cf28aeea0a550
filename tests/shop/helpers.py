"""Plain helpers of the shop's tests: fill the basket, the checkout form, pay by card (fixtures: conftest.py);
and, without the browser's path, a member's products in stock and orders placed on invoice."""

import itertools
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_class, get_model

from devices import services as device_services
from devices.models import Device, Donor, IntakeBatch
from shop.models import Checkout, Organisation
from shop.services import listings
from shop.services.checkout import CheckoutChoices, checkout_start, invoice_order_place, pickup_order_place
from tests.stripe_server import VISA, card_token

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
_numbers = itertools.count(1)


def add_to_basket(client, product, quantity=1):
    response = client.post(f"/boutique/basket/add/{product.pk}/", {"quantity": quantity})
    assert response.status_code == 302, response
    return response


def checkout_form(**overrides):
    data = {
        "email": "acheteuse@example.org",
        "fulfilment": "delivery",
        "first_name": "Anne",
        "last_name": "Le Goff",
        "line1": "3 rue de la Soif",
        "postcode": "35000",
        "city": "Rennes",
        "phone": "0600000000",
        "method": "card",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pay(client, number=VISA):
    """The buyer on the payment page submits a card (a localstripe token of `number`)."""
    assert client.get("/boutique/checkout/paiement/").status_code == 200
    return client.post("/boutique/checkout/paiement/", {"token": card_token(number)})


def workshop_ready(batch, serial, *, category=Device.Category.LAPTOP, grade="A"):
    """A Lenovo device of `batch` through the workshop (tested, erased and, unless `grade` is None, graded)."""
    device = device_services.device_register(
        batch=batch, category=category, serial=serial, brand="Lenovo", model="ThinkPad T480"
    )
    device_services.device_test(device=device, actor=None, checklist={"écran": True, "clavier": True})
    device_services.device_erase(device=device, actor=None, method="NIST SP 800-88 Purge")
    if grade:
        device_services.device_grade(device=device, actor=None, grade=grade)
    return device


def listed_product(association, *, units=1, price=Decimal("199.00"), title=None):
    """A laptop product with `units` erased devices of `association` listed under it (stock at its workshop)."""
    n = next(_numbers)
    donor, _created = Donor.objects.get_or_create(name="Région Bretagne", defaults={"kind": Donor.Kind.LOCAL_AUTHORITY})
    batch = IntakeBatch.objects.create(donor=donor, association=association, reference=f"LOT-{association.slug}-{n}")
    listing = listings.listing_create(
        category=Device.Category.LAPTOP,
        title=title or f"Portable {association.slug} n°{n}",
        price=price,
        brand="Dell",
        model_name="Latitude 5490",
        grade="A",
    )
    for unit in range(units):
        device = device_services.device_register(
            batch=batch, category=Device.Category.LAPTOP, serial=f"SN-{association.slug}-{n}-{unit}"
        )
        device_services.device_test(device=device, actor=None, checklist={"écran": True})
        device_services.device_erase(device=device, actor=None, method="NIST SP 800-88 Purge")
        device_services.device_grade(device=device, actor=None, grade="A")
        listings.listing_add_device(product=listing.product, device=device, actor=None)
    return listing.product


def verified_buyer(user, *, name="CCAS de Redon"):
    """`user` buys for a verified organisation (so pays on invoice)."""
    organisation = Organisation.objects.create(
        name=name,
        kind=Organisation.Kind.CCAS,
        siret=f"{next(_numbers):014d}",
        billing_line1="Place Saint-Sauveur",
        billing_postcode="35600",
        billing_city="Redon",
        billing_email=user.email,
        verified_at=timezone.now(),
    )
    organisation.members.add(user)
    return organisation


def invoice_order(user, products, *, pickup_partner=None, method=Checkout.Method.TRANSFER, service_code=""):
    """An order on invoice (bank transfer; or `method`, e.g. paid at pickup) of one unit of each product,
    placed by `user` (a verified buyer): collected at `pickup_partner`, or delivered when it is None."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product in products:
        basket.add_product(product, 1)
    address = {"first_name": "Anne", "last_name": "Le Goff", "line1": "3 rue de la Soif", "postcode": "35000"}
    choices = CheckoutChoices(
        email=user.email,
        fulfilment=Checkout.Fulfilment.PICKUP if pickup_partner else Checkout.Fulfilment.DELIVERY,
        method=method,
        pickup_partner=pickup_partner,
        address={**address, "city": "Rennes", "phone": "0600000000"},
        purchase_order=f"BC-{next(_numbers)}",
        service_code=service_code,
    )
    started = checkout_start(basket=basket, user=user, choices=choices)
    if method == Checkout.Method.AT_PICKUP:
        return pickup_order_place(checkout=started).order
    return invoice_order_place(checkout=started).order
