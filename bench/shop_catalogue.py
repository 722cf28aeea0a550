"""A shop catalogue of 5,000 products in the benchmark database, stocked the way the platform stocks it.

Run by run.py in a child process with the site's environment (var/bench/db.sqlite3, after `migrate` and
`demo`, which create the 8 member associations); never against the development database:

    python bench/shop_catalogue.py [--products 5000] [--status]

Products: `shop.services.listing_create`, one per model + configuration + system + grade, with the spread
of a refurbisher's shop (mostly business laptops and desktops, 8 or 16 GB, SSDs, grade B first; a few
screens and tablets), prices from the model, configuration and grade.

Stock: as the platform does it, from registry devices, but in bulk — `listing_add_device` takes some 35
queries (savepoints included) and 7-9 ms a device, and the registry steps before it as many again. Each
device is bulk-created already listed, with the event log the registry services would have written
(received, tested, system installed, erased, graded, listed); its `ListedDevice` row is bulk-created too;
then `shop.services.stock_sync` sets each (product, workshop) stock record, exactly as after
`listing_add_device`. Most products have 1 to 3 devices spread over the member associations; about one in
twenty has had its only device withdrawn from sale and donated (stock record at 0, not shown).

Built once, in one transaction; later runs find the benchmark batches and only print the summary (delete
the database, `run.py --fresh-db`, to rebuild). The last line printed is a JSON summary.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH_PREFIX = "BENCH-BOUTIQUE-"
DONOR = "Collectivités bretonnes (catalogue de mesure)"
FIRST_TAG = 5_000_000
RECEIVED = datetime(2026, 6, 2, 9, 0)  # the batches' reception; devices are listed over the next 3 months
SEED = 2026

# --- What the catalogue is made of ------------------------------------------------------------------
# (brand, model, processor, screen inches, base price of an 8 GB / 256 GB SSD grade A unit)
LAPTOPS = [
    ("Lenovo", "ThinkPad T470", "Intel Core i5-7300U", "14.0", 229),
    ("Lenovo", "ThinkPad T480", "Intel Core i5-8250U", "14.0", 269),
    ("Lenovo", "ThinkPad T490", "Intel Core i5-8265U", "14.0", 319),
    ("Lenovo", "ThinkPad T14 Gen 1", "Intel Core i5-10210U", "14.0", 389),
    ("Lenovo", "ThinkPad X270", "Intel Core i5-7200U", "12.5", 209),
    ("Lenovo", "ThinkPad X280", "Intel Core i5-8250U", "12.5", 259),
    ("Lenovo", "ThinkPad X390", "Intel Core i5-8365U", "13.3", 329),
    ("Lenovo", "ThinkPad L480", "Intel Core i3-8130U", "14.0", 219),
    ("Lenovo", "ThinkPad L590", "Intel Core i5-8265U", "15.6", 279),
    ("Lenovo", "ThinkPad E590", "Intel Core i5-8265U", "15.6", 269),
    ("Dell", "Latitude 5490", "Intel Core i5-8350U", "14.0", 259),
    ("Dell", "Latitude 5590", "Intel Core i5-8250U", "15.6", 259),
    ("Dell", "Latitude 7490", "Intel Core i7-8650U", "14.0", 329),
    ("Dell", "Latitude 7400", "Intel Core i5-8365U", "14.0", 369),
    ("Dell", "Latitude 5400", "Intel Core i5-8265U", "14.0", 309),
    ("Dell", "Latitude 5500", "Intel Core i5-8365U", "15.6", 319),
    ("Dell", "Latitude 7280", "Intel Core i5-7300U", "12.5", 219),
    ("Dell", "Latitude 3500", "Intel Core i3-8145U", "15.6", 229),
    ("Dell", "Latitude E7470", "Intel Core i5-6300U", "14.0", 189),
    ("HP", "EliteBook 840 G5", "Intel Core i5-8250U", "14.0", 269),
    ("HP", "EliteBook 840 G6", "Intel Core i5-8365U", "14.0", 329),
    ("HP", "EliteBook 830 G6", "Intel Core i5-8265U", "13.3", 309),
    ("HP", "EliteBook 850 G5", "Intel Core i7-8550U", "15.6", 299),
    ("HP", "ProBook 450 G6", "Intel Core i5-8265U", "15.6", 259),
    ("HP", "ProBook 640 G4", "Intel Core i5-7300U", "14.0", 219),
    ("HP", "ProBook 650 G5", "Intel Core i5-8365U", "15.6", 289),
    ("HP", "ZBook 15 G5", "Intel Core i7-8850H", "15.6", 449),
    ("Fujitsu", "Lifebook U748", "Intel Core i5-8250U", "14.0", 239),
    ("Fujitsu", "Lifebook E548", "Intel Core i5-7300U", "14.0", 209),
    ("Toshiba", "Tecra A50-E", "Intel Core i5-8250U", "15.6", 229),
    ("Microsoft", "Surface Laptop 2", "Intel Core i5-8250U", "13.5", 349),
    ("Acer", "TravelMate P259", "Intel Core i3-7100U", "15.6", 179),
    ("Asus", "ExpertBook P2451", "Intel Core i5-10210U", "14.0", 299),
    ("Apple", "MacBook Air 13 (2017)", "Intel Core i5-5350U", "13.3", 289),
    ("Apple", "MacBook Pro 13 (2017)", "Intel Core i5-7360U", "13.3", 389),
]
DESKTOPS = [
    ("HP", "EliteDesk 800 G3 SFF", "Intel Core i5-6500", None, 179),
    ("HP", "EliteDesk 800 G4 Mini", "Intel Core i5-8500T", None, 229),
    ("HP", "ProDesk 400 G5 SFF", "Intel Core i3-8100", None, 159),
    ("HP", "ProDesk 600 G4 SFF", "Intel Core i5-8500", None, 199),
    ("Dell", "OptiPlex 3050 SFF", "Intel Core i3-7100", None, 139),
    ("Dell", "OptiPlex 5060 SFF", "Intel Core i5-8500", None, 199),
    ("Dell", "OptiPlex 7050 Micro", "Intel Core i5-7500T", None, 189),
    ("Dell", "OptiPlex 7060 SFF", "Intel Core i5-8500", None, 209),
    ("Dell", "OptiPlex 7070 Tower", "Intel Core i7-9700", None, 299),
    ("Lenovo", "ThinkCentre M710q", "Intel Core i5-7400T", None, 169),
    ("Lenovo", "ThinkCentre M720s", "Intel Core i3-8100", None, 159),
    ("Lenovo", "ThinkCentre M910t", "Intel Core i7-7700", None, 249),
    ("Lenovo", "ThinkCentre M920q", "Intel Core i5-8500T", None, 229),
    ("Lenovo", "ThinkCentre M75q Gen 2", "AMD Ryzen 5 PRO 4650GE", None, 279),
    ("Fujitsu", "Esprimo P757", "Intel Core i5-7500", None, 169),
    ("Fujitsu", "Esprimo D538", "Intel Core i3-8100", None, 149),
]
SCREENS = [
    ("Dell", "P2419H", "23.8", 79),
    ("Dell", "P2217H", "21.5", 59),
    ("Dell", "U2415", "24.1", 99),
    ("HP", "E24 G4", "23.8", 89),
    ("HP", "E243", "23.8", 79),
    ("HP", "Z24n G2", "24.0", 109),
    ("Lenovo", "ThinkVision T24i-10", "23.8", 79),
    ("Lenovo", "ThinkVision T22i-10", "21.5", 65),
    ("Iiyama", "ProLite XU2492HSU", "23.8", 75),
    ("Philips", "241B7QPJEB", "23.8", 69),
    ("Samsung", "S24E450", "23.6", 59),
    ("Eizo", "FlexScan EV2450", "23.8", 119),
]
# (brand, model, processor, screen, memory, operating system, base price of a 64 GB grade A unit)
TABLETS = [
    ("Apple", "iPad 6 (2018)", "Apple A10 Fusion", "9.7", 2, "iPadOS 17", 149),
    ("Apple", "iPad 7 (2019)", "Apple A10 Fusion", "10.2", 3, "iPadOS 18", 179),
    ("Apple", "iPad Air 2", "Apple A8X", "9.7", 2, "iPadOS 15", 119),
    ("Samsung", "Galaxy Tab A 10.1 (2019)", "Exynos 7904", "10.1", 2, "Android 11", 99),
    ("Samsung", "Galaxy Tab S6 Lite", "Exynos 9611", "10.4", 4, "Android 13", 159),
    ("Lenovo", "Tab M10 HD", "MediaTek Helio P22T", "10.1", 2, "Android 11", 79),
]
CATEGORIES = {"laptop": 64, "desktop": 32, "screen": 2, "tablet": 2}
RAM = {4: 8, 8: 50, 16: 36, 32: 6}
RAM_PRICE = {4: -30, 8: 0, 16: 40, 32: 110}
# (kind, GB): weight, price difference with a 256 GB SSD
STORAGE = {
    ("hdd", 500): (6, -30),
    ("ssd", 128): (10, -20),
    ("ssd", 240): (14, -5),
    ("ssd", 256): (30, 0),
    ("nvme", 256): (14, 10),
    ("ssd", 512): (12, 30),
    ("nvme", 512): (10, 40),
    ("nvme", 1000): (4, 90),
}
TABLET_STORAGE = {32: (30, -20), 64: (50, 0), 128: (20, 40)}
SYSTEMS = {"Windows 10 Pro": 25, "Windows 11 Pro": 40, "Linux Mint 21": 25, "Ubuntu 22.04 LTS": 10}
APPLE_SYSTEMS = {"macOS Monterey": 70, "macOS Ventura": 30}
GRADES = {"A": 30, "B": 50, "C": 20}
GRADE_FACTOR = {"A": Decimal("1.00"), "B": Decimal("0.88"), "C": Decimal("0.75")}
BATTERY_MIN = {"A": 80, "B": 70, "C": 60}
# Devices a product has in stock (0: its only device was withdrawn from sale and donated).
UNITS = {0: 5, 1: 45, 2: 28, 3: 13, 4: 4, 5: 2, 6: 1, 8: 1, 12: 1}
CHECKLIST = {
    "laptop": ["alimentation", "écran", "clavier", "pavé tactile", "ports USB", "Wi-Fi", "webcam", "son", "batterie"],
    "desktop": ["alimentation", "ports USB", "réseau", "son", "vidéo"],
    "screen": ["alimentation", "dalle", "entrées vidéo"],
    "tablet": ["alimentation", "écran tactile", "Wi-Fi", "caméras", "son", "batterie"],
}


def weighted(rng, weights):
    return rng.choices(list(weights), weights=[w[0] if isinstance(w, tuple) else w for w in weights.values()])[0]


def draw_product(rng):
    """The facts of one product (a model + configuration + system + grade), with its title and price."""
    category = weighted(rng, CATEGORIES)
    grade = weighted(rng, GRADES)
    facts = {"grade": grade, "keyboard": ""}
    if category in ("laptop", "desktop"):
        brand, model, cpu, screen, base = rng.choice(LAPTOPS if category == "laptop" else DESKTOPS)
        ram = weighted(rng, RAM)
        kind, size = weighted(rng, STORAGE)
        system = weighted(rng, APPLE_SYSTEMS if brand == "Apple" else SYSTEMS)
        price = Decimal(base + RAM_PRICE[ram] + STORAGE[(kind, size)][1])
        facts.update(cpu=cpu, ram_gb=ram, storage_kind=kind, storage_gb=size, os=system)
        if category == "laptop":
            facts["keyboard"] = "qwerty_us" if rng.random() < 0.03 else "azerty_fr"
            facts["battery_health_min"] = BATTERY_MIN[grade]
        parts = [f"{brand} {model}", f"{ram} Go", f"{kind.upper()} {size} Go", system, f"grade {grade}"]
    elif category == "screen":
        brand, model, screen, base = rng.choice(SCREENS)
        price = Decimal(base)
        parts = [f"Écran {brand} {model}", f"{screen.replace('.', ',')} pouces", f"grade {grade}"]
    else:
        brand, model, cpu, screen, ram, system, base = rng.choice(TABLETS)
        size = weighted(rng, TABLET_STORAGE)
        price = Decimal(base + TABLET_STORAGE[size][1])
        facts.update(cpu=cpu, ram_gb=ram, storage_kind="emmc", storage_gb=size, os=system)
        facts["battery_health_min"] = BATTERY_MIN[grade]
        parts = [f"Tablette {brand} {model}", f"{size} Go", f"grade {grade}"]
    # Rounded to end in 9, as shops do; never below 29 €.
    price = max(Decimal(29), (price * GRADE_FACTOR[grade] / 10).quantize(Decimal(1)) * 10 - 1)
    facts.update(
        category=category,
        title=" – ".join(parts),
        price=price,
        brand=brand,
        model_name=model,
        screen_inches=Decimal(screen) if screen else None,
    )
    return facts


def tags(first, taken):
    """Asset tags in the registry's alphabet, counted from `first`, skipping those already in use."""
    from devices.tags import ALPHABET, GROUP, LENGTH

    n = first
    while True:
        chars, rest = [], n
        for _ in range(LENGTH):
            rest, r = divmod(rest, len(ALPHABET))
            chars.append(ALPHABET[r])
        tag = "".join(chars[:GROUP]) + "-" + "".join(chars[GROUP:])
        n += 1
        if tag not in taken:
            yield tag


def history(device, association, at, *, queued_days: int, listing: str, withdrawn: bool) -> list:
    """The events the registry services record for a device from its reception (`at`), then after
    `queued_days` in the workshop's queue, to its listing (and, when `withdrawn`, its withdrawal from sale
    and donation), not saved."""
    from devices.models import Device, DeviceEvent

    K, S = DeviceEvent.Kind, Device.Status
    steps = [
        (0, K.RECEIVED, S.RECEIVED, {"batch": device.batch_id}, ""),
        (
            24 * queued_days + 4,
            K.TESTED,
            S.IN_WORKSHOP,
            {"checklist": dict.fromkeys(CHECKLIST[device.category], True), "passed": True},
            "",
        ),
    ]
    if device.os:
        steps.append((4, K.OS_INSTALLED, S.IN_WORKSHOP, {"os": device.os}, ""))
    erasure = {"method": "NIST SP 800-88 Purge", "tool": "Blancco", "result": "success", "operator": ""}
    steps += [
        (4, K.ERASED, S.IN_WORKSHOP, erasure, ""),
        (4, K.GRADED, S.READY, {"grade": device.grade, "battery_health": device.battery_health}, ""),
        (24, K.LISTED, S.LISTED, {"listing": listing}, ""),
    ]
    if withdrawn:
        donation = {"beneficiary_category": device.outcome_category, "territory": device.outcome_territory}
        steps += [
            (24 * 20, K.UNLISTED, S.READY, {}, "Retiré de la vente pour un don"),
            (24 * 10, K.DONATED, S.DONATED, {"programme": "Mission locale du pays de Redon"} | donation, ""),
        ]
    events, status = [], ""
    for hours, kind, status_after, data, note in steps:
        at += timedelta(hours=hours)
        events.append(
            DeviceEvent(
                device=device,
                kind=kind,
                occurred_at=at,
                association=association,
                status_before=status,
                status_after=status_after,
                data=data,
                note=note,
            )
        )
        status = status_after
    return events


def build(products: int):
    from django.db import transaction
    from django.utils import timezone

    from devices.models import Association, BeneficiaryCategory, Device, DeviceEvent, Donor, IntakeBatch
    from shop.models import ListedDevice
    from shop.services import listings as services

    rng = random.Random(SEED)
    S = Device.Status
    associations = list(Association.objects.order_by("pk"))
    if len(associations) < 2:
        sys.exit("No member associations in the benchmark database: run `manage.py demo` on it first.")
    # Bigger and smaller workshops.
    association_weights = [max(1, 8 - 2 * (n % 4)) for n in range(len(associations))]
    started = time.perf_counter()
    with transaction.atomic():
        donor, _created = Donor.objects.get_or_create(name=DONOR, defaults={"kind": Donor.Kind.LOCAL_AUTHORITY})
        batches = {
            a.pk: IntakeBatch.objects.create(
                received_on=RECEIVED.date(),
                donor=donor,
                association=a,
                reference=f"{BATCH_PREFIX}{a.slug}",
                notes=f"Catalogue de mesure : {products} produits",
            )
            for a in associations
        }
        partners = {a.pk: services.workshop_partner(a) for a in associations}

        # Products, through the service (titles unique: one product per configuration).
        listings, seen = [], set()
        while len(listings) < products:
            facts = draw_product(rng)
            if facts["title"] in seen:
                continue
            seen.add(facts["title"])
            listings.append(services.listing_create(**facts))
        t_products = time.perf_counter()

        # Devices already listed (or withdrawn and donated), with the event log of the registry services.
        taken = set(Device.objects.values_list("asset_tag", flat=True))
        next_tag = tags(FIRST_TAG, taken)
        start = timezone.make_aware(RECEIVED)
        devices, events, listed, pairs = [], [], [], set()
        for number, listing in enumerate(listings):
            units = weighted(rng, UNITS)
            withdrawn = units == 0
            for unit in range(max(units, 1)):
                association = rng.choices(associations, weights=association_weights)[0]
                partner = partners[association.pk]
                device = Device(
                    asset_tag=next(next_tag),
                    serial=f"BQ{number:05d}-{unit:02d}",
                    category=listing.category,
                    brand=listing.brand,
                    model=listing.model_name,
                    cpu=listing.cpu,
                    ram_gb=listing.ram_gb,
                    storage_kind=listing.storage_kind,
                    storage_gb=listing.storage_gb,
                    screen_inches=listing.screen_inches,
                    os=listing.os,
                    grade=listing.grade,
                    battery_health=rng.randint(listing.battery_health_min, 100) if listing.battery_health_min else None,
                    batch=batches[association.pk],
                    association=association,
                    status=S.DONATED if withdrawn else S.LISTED,
                    needs_erasure=False,
                    tests_passed=True,
                )
                if withdrawn:
                    device.outcome_category = BeneficiaryCategory.YOUTH_MISSION_LOCALE
                    device.outcome_territory, device.outcome_department = "35236", "35"  # Redon
                received = start + timedelta(minutes=rng.randrange(480))
                log = history(
                    device,
                    association,
                    received,
                    queued_days=rng.randrange(90),
                    listing=listing.product.title,
                    withdrawn=withdrawn,
                )
                if withdrawn:
                    device.outcome_at = log[-1].occurred_at
                else:
                    listed.append(ListedDevice(device=device, product=listing.product, partner=partner))
                devices.append(device)
                events += log
                pairs.add((listing.product, partner))
        # The events and listed devices take the devices' primary keys when these are saved.
        Device.objects.bulk_create(devices, batch_size=2000)
        DeviceEvent.objects.bulk_create(events, batch_size=5000)
        ListedDevice.objects.bulk_create(listed, batch_size=2000)
        t_devices = time.perf_counter()

        # Stock records, by the platform's own function (the count of listed, not handed over devices).
        for product, partner in sorted(pairs, key=lambda pair: (pair[0].pk, pair[1].pk)):
            services.stock_sync(product=product, partner=partner)
        t_stock = time.perf_counter()
    print(
        f"Built {len(listings):,} products in {t_products - started:.1f} s, {len(devices):,} devices and "
        f"{len(events):,} events in {t_devices - t_products:.1f} s, {len(pairs):,} stock records in "
        f"{t_stock - t_devices:.1f} s"
    )
    categories = Counter(listing.category for listing in listings)
    print("Categories: " + ", ".join(f"{c} {n:,}" for c, n in categories.most_common()))


def summary():
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Coalesce
    from oscar.core.loading import get_model

    from devices.models import Device, IntakeBatch
    from shop.models import ListedDevice, Listing

    StockRecord = get_model("partner", "StockRecord")
    in_stock = StockRecord.objects.filter(product=OuterRef("product"), num_in_stock__gt=Coalesce("num_allocated", 0))
    batches = IntakeBatch.objects.filter(reference__startswith=BATCH_PREFIX)
    note = batches.values_list("notes", flat=True).first() or ""
    built = int(note.rsplit(":", 1)[1].split()[0]) if ":" in note else 0
    return {
        "bench_products": built,
        "products": Listing.objects.count(),
        "available_products": Listing.objects.filter(Exists(in_stock)).count(),
        "devices_listed": ListedDevice.objects.filter(
            order_line__isnull=True, device__status=Device.Status.LISTED
        ).count(),
        "stock_records": StockRecord.objects.count(),
        "workshops": StockRecord.objects.values("partner").distinct().count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=5000, help="products in the catalogue (5000)")
    parser.add_argument("--status", action="store_true", help="only print the summary, build nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.production")
    import django

    django.setup()
    from django.db import connection

    from devices.models import IntakeBatch

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        bench_database = name == "reemploi_bench"  # run.py --postgres
    else:
        bench_database = Path(name).resolve().parent == ROOT / "var" / "bench"
    if not bench_database:
        sys.exit(f"Refusing to build a benchmark catalogue in {name}: run it through bench/run.py.")

    if not args.status:
        existing = summary()["bench_products"]
        if not IntakeBatch.objects.filter(reference__startswith=BATCH_PREFIX).exists():
            build(args.products)
        elif existing != args.products:
            sys.exit(
                f"The benchmark database holds a catalogue of {existing} products, not {args.products}: "
                "rebuild it with run.py --fresh-db."
            )
        else:
            print(f"Catalogue of {existing:,} products already built: reused")
    print(json.dumps(summary()))


if __name__ == "__main__":
    main()
