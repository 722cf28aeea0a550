"""The shop's demo: the registry's ready demo devices listed under shop products, and a verified CCAS buyer.

Called by `manage.py demo` (after the registry's demo and the platform's users) and by `manage.py demo_shop`.
Idempotent: a device already listed is left alone, a product is looked up by title.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from devices import demo_photos
from devices.models import Device
from shop.models import ListedDevice, Listing, Organisation
from shop.services import listings

PRICES = {
    (Device.Category.LAPTOP, "A"): Decimal("249"),
    (Device.Category.LAPTOP, "B"): Decimal("219"),
    (Device.Category.LAPTOP, "C"): Decimal("179"),
    (Device.Category.DESKTOP, "A"): Decimal("189"),
    (Device.Category.DESKTOP, "B"): Decimal("159"),
    (Device.Category.DESKTOP, "C"): Decimal("129"),
    (Device.Category.SCREEN, "A"): Decimal("79"),
    (Device.Category.SCREEN, "B"): Decimal("65"),
    (Device.Category.SCREEN, "C"): Decimal("49"),
}


@transaction.atomic
def load(*, stdout=None, verbosity=1) -> dict:
    """List the ready demo devices not yet in the shop; writes one summary line to `stdout` if verbosity."""
    ready = Device.objects.filter(status=Device.Status.READY, category__in=[c for c, _g in PRICES]).exclude(
        shop_listings__isnull=False
    )
    groups = defaultdict(list)
    for device in ready.order_by("pk"):
        groups[
            (
                device.category,
                device.brand,
                device.model,
                device.grade,
                device.ram_gb,
                device.storage_gb,
                device.storage_kind,
                device.cpu,
                device.os,
                device.screen_inches,
            )
        ].append(device)
    created = listed = 0
    for (category, brand, model, grade, ram, storage, kind, cpu, os, screen), devices in groups.items():
        title = " – ".join(
            filter(
                None,
                [
                    f"{brand} {model}",
                    f"{ram} Go" if ram else "",
                    f"{kind.upper()} {storage} Go" if storage else "",
                    f"grade {grade}",
                ],
            )
        )
        listing = Listing.objects.filter(product__title=title).first()
        if listing is None:
            listing = listings.listing_create(
                category=category,
                title=title,
                price=PRICES[(category, grade)],
                brand=brand,
                model_name=model,
                cpu=cpu,
                ram_gb=ram,
                storage_kind=kind,
                storage_gb=storage,
                screen_inches=screen,
                os=os,
                keyboard="azerty_fr" if category == Device.Category.LAPTOP else "",
                grade=grade,
            )
            created += 1
        for device in devices:
            listings.listing_add_device(product=listing.product, device=device, actor=None)
            listed += 1
    # One device of each product is photographed (drawings made here): the catalogue shows its gallery.
    first_devices = [
        ListedDevice.objects.filter(product=listing.product, order_line__isnull=True).order_by("pk").first()
        for listing in Listing.objects.select_related("product")
    ]
    demo_photos.photograph([listed.device for listed in first_devices if listed is not None])
    _buyer_organisation()
    if stdout is not None and verbosity:
        stdout.write(
            f"Boutique : {created} produits créés, {listed} appareils mis en vente "
            f"({ListedDevice.objects.count()} en tout)."
        )
    return {"products_created": created, "devices_listed": listed}


def _buyer_organisation():
    """A verified CCAS whose demo member can order on invoice and ask for quotes."""
    buyer = get_user_model().objects.filter(email="ccas@reemploi.example").first()
    if buyer is None:
        return
    organisation, _created = Organisation.objects.update_or_create(
        siret="26350000100015",
        defaults={
            "name": "CCAS de Redon (démo)",
            "kind": Organisation.Kind.CCAS,
            "billing_line1": "Place Saint-Sauveur",
            "billing_postcode": "35600",
            "billing_city": "Redon",
            "billing_email": "ccas@reemploi.example",
            "public_buyer": True,
            "verified_at": timezone.now(),
        },
    )
    organisation.members.add(buyer)
    # Its demo member approves the orders of the CCAS's other buyers above 2 000 €.
    organisation.approvers.add(buyer)
    if organisation.approval_threshold is None:
        organisation.approval_threshold = Decimal("2000.00")
        organisation.save(update_fields=["approval_threshold"])
    # A quote request beyond today's stock, for a counter to answer: 10 laptops for the digital workshop.
    if not organisation.quotes.exists():
        from shop.services.quotes import quote_request

        quote_request(
            organisation=organisation,
            user=buyer,
            lines=[
                {
                    "category": Device.Category.LAPTOP,
                    "min_ram_gb": 8,
                    "min_storage_gb": 256,
                    "min_grade": "B",
                    "quantity": 10,
                },
                {"category": Device.Category.SCREEN, "quantity": 4, "note": "22 pouces ou plus"},
            ],
            message="Pour l'atelier numérique de l'épicerie solidaire, livraison au CCAS.",
            wished_date=timezone.localdate() + datetime.timedelta(days=45),
        )
