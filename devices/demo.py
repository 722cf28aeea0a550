"""Demo registry: the Région Bretagne batch of February 2022 and a La Poste batch, with their histories.

Everything goes through the services, so the demo's event log obeys the same rules as real work.
Idempotent: a batch whose reference already exists is left alone.
"""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from devices import services
from devices.demo_members import MEMBERS
from devices.models import Association, BeneficiaryCategory, Device, Donor, IntakeBatch, MemberLabel

REGION_REF = "CONV-RB-2022-01"
LAPOSTE_REF = "LP-35-2023-07"
DEMO_PASSWORD = "demo-reemploi-2026"  # noqa: S105  (printed demo logins)

MODELS = {
    Device.Category.LAPTOP: [
        ("Dell", "Latitude 5490", "Intel Core i5-8350U", 8, "ssd", 256, "14.0"),
        ("HP", "EliteBook 840 G5", "Intel Core i5-8250U", 8, "ssd", 256, "14.0"),
        ("Lenovo", "ThinkPad T480", "Intel Core i5-8250U", 16, "nvme", 512, "14.0"),
    ],
    Device.Category.DESKTOP: [
        ("Dell", "OptiPlex 7060", "Intel Core i5-8500", 8, "ssd", 256, None),
        ("HP", "ProDesk 600 G4", "Intel Core i5-8500", 8, "hdd", 500, None),
        ("Lenovo", "ThinkCentre M720s", "Intel Core i3-8100", 8, "ssd", 240, None),
    ],
    Device.Category.SCREEN: [
        ("Dell", "P2419H", "", None, "", None, "23.8"),
        ("HP", "E24 G4", "", None, "", None, "23.8"),
    ],
    Device.Category.SERVER: [("Dell", "PowerEdge R630", "Intel Xeon E5-2620 v4", 64, "hdd", 2000, None)],
    Device.Category.OTHER: [("Brother", "HL-L5100DN", "", None, "", None, None)],
}
COMMUNES = ["35238", "35236", "29019", "29232", "56121", "56260", "22278", "22113", "35288", "29103"]
CHECKLIST = {
    Device.Category.LAPTOP: [
        "alimentation",
        "écran",
        "clavier",
        "pavé tactile",
        "ports USB",
        "Wi-Fi",
        "webcam",
        "son",
        "batterie",
    ],
    Device.Category.DESKTOP: ["alimentation", "ports USB", "réseau", "son", "vidéo"],
    Device.Category.SCREEN: ["alimentation", "dalle", "entrées vidéo"],
    Device.Category.SERVER: ["alimentation", "disques", "réseau"],
    Device.Category.OTHER: ["alimentation"],
}
ORG_CATEGORIES = [
    BeneficiaryCategory.CCAS,
    BeneficiaryCategory.ASSOCIATION,
    BeneficiaryCategory.CRAFT_SHOP,
    BeneficiaryCategory.SCHOOL,
    BeneficiaryCategory.LOCAL_AUTHORITY,
]

# (category, count, plan) — a plan names the path each device takes through the workshop.
REGION_PLAN = [
    (
        Device.Category.LAPTOP,
        150,
        {
            "sold": 62,
            "rented": 30,
            "rented_returned": 6,
            "donated": 10,
            "listed": 12,
            "reserved": 8,
            "ready": 4,
            "workshop": 6,
            "recycled": 12,
        },
    ),
    (
        Device.Category.DESKTOP,
        110,
        {"sold": 48, "donated": 20, "listed": 10, "ready": 5, "workshop": 2, "recycled": 15, "parts": 10},
    ),
    (Device.Category.SCREEN, 40, {"sold": 25, "donated": 10, "recycled": 5}),
    (Device.Category.SERVER, 6, {"sold": 2, "recycled": 4}),
    (Device.Category.OTHER, 4, {"recycled": 4}),
]
# Its ready laptops go to the La Poste → Mission locale programme (`programmes.demo`), the rest to the shop.
LAPOSTE_PLAN = [(Device.Category.LAPTOP, 40, {"ready": 36, "workshop": 4})]
# Smaller batches of the Région's second operation, handed to three other members so that the network has
# several workshops with devices on sale and laptops in their rental pools: (member slug, reference, date).
MEMBER_BATCHES = [
    ("golfe-reemploi", "CONV-RB-2024-GOLF", date(2024, 3, 12)),
    ("cornouaille-numerique", "CONV-RB-2024-CORN", date(2024, 4, 2)),
    ("rennes-ordi-partage", "CONV-RB-2024-RENN", date(2024, 5, 21)),
]
MEMBER_PLAN = [
    (Device.Category.LAPTOP, 14, {"sold": 3, "listed": 2, "ready": 3, "reserved": 3, "workshop": 3}),
    (Device.Category.DESKTOP, 6, {"sold": 2, "ready": 2, "recycled": 2}),
]


def _certificate_pdf(title: str, tags: list[str]) -> ContentFile:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, 790, "Certificat d'effacement des données (démonstration)")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, 770, title)
    for i, tag in enumerate(tags[:60]):
        pdf.drawString(60 + (i % 4) * 120, 740 - (i // 4) * 14, tag)
    pdf.showPage()
    pdf.save()
    return ContentFile(buffer.getvalue(), name="certificat-effacement.pdf")


def _users():
    User = get_user_model()
    technician, _ = User.objects.get_or_create(email="atelier@reemploi.example", defaults={"first_name": "Atelier"})
    region, _ = User.objects.get_or_create(email="region@reemploi.example", defaults={"first_name": "Région"})
    for user in (technician, region):
        user.set_password(DEMO_PASSWORD)
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    workshop = Group.objects.filter(name="Workshop").first()
    if workshop:
        technician.groups.add(workshop)
        technician.is_staff = True
        technician.save(update_fields=["is_staff"])
    return technician, region


def _register(batch, category, count, rng, serial_prefix):
    devices = []
    for n in range(count):
        brand, model, cpu, ram, storage_kind, storage_gb, screen = rng.choice(MODELS[category])
        devices.append(
            services.device_register(
                batch=batch,
                category=category,
                serial=f"{serial_prefix}{category[:2].upper()}{n + 1:04d}",
                brand=brand,
                model=model,
                cpu=cpu,
                ram_gb=ram,
                storage_kind=storage_kind,
                storage_gb=storage_gb,
                screen_inches=screen,
                occurred_at=batch.received_on,
            )
        )
    return devices


def _refurbish(devices, *, actor, start: date, rng, run_name: str):
    """Clean, test, erase (one certificate per run of 25), install, grade."""
    for index in range(0, len(devices), 25):
        run = devices[index : index + 25]
        day = start + timedelta(days=index // 25 * 3)
        for device in run:
            services.device_clean(device=device, actor=actor, occurred_at=day)
            services.device_test(
                device=device,
                actor=actor,
                occurred_at=day,
                checklist={name: True for name in CHECKLIST[device.category]},
            )
        services.devices_erase_bulk(
            devices=run,
            actor=actor,
            method="NIST SP 800-88 Purge",
            tool="nwipe (ShredOS)",
            result="success",
            operator="Technicien·ne de l'atelier",
            erased_on=day + timedelta(days=1),
            certificate=_certificate_pdf(f"{run_name} – passage {index // 25 + 1}", [d.asset_tag for d in run]),
        )
        for device in run:
            device.refresh_from_db()
            if device.category in (Device.Category.LAPTOP, Device.Category.DESKTOP):
                services.device_install_os(
                    device=device,
                    actor=actor,
                    os=rng.choice(["Linux Mint 21", "Windows 10 Pro"]),
                    occurred_at=day + timedelta(days=2),
                )
            services.device_grade(
                device=device,
                actor=actor,
                grade=rng.choice("AABBC"),
                battery_health=rng.randint(72, 96) if device.category == Device.Category.LAPTOP else None,
                occurred_at=day + timedelta(days=2),
            )


def _follow(device, plan, *, actor, rng, when: date):
    territory = rng.choice(COMMUNES)
    if plan in ("recycled", "parts"):
        if plan == "recycled":
            services.device_recycle(
                device=device, actor=actor, channel="Éco-organisme DEEE (filière agréée)", occurred_at=when
            )
        else:
            services.device_harvest(device=device, actor=actor, parts="mémoire, disque, alimentation", occurred_at=when)
        return
    if plan == "workshop":
        return
    if plan == "listed":
        return  # stays ready: the shop's demo lists it under a product
    if plan == "sold":
        services.device_list_for_sale(device=device, actor=actor, listing=f"{device.brand} {device.model}")
        category = BeneficiaryCategory.INDIVIDUAL if rng.random() < 0.55 else rng.choice(ORG_CATEGORIES)
        services.device_sell(
            device=device,
            actor=actor,
            beneficiary_category=category,
            territory=territory,
            reference=f"DEMO-{device.pk:05d}",
            occurred_at=when,
        )
    elif plan in ("rented", "rented_returned", "reserved"):
        services.device_reserve_for_rental(device=device, actor=actor)
        if plan != "reserved":
            services.device_rent(
                device=device, actor=actor, territory=territory, reference=f"LOC-{device.pk:05d}", occurred_at=when
            )
        if plan == "rented_returned":
            services.device_return(
                device=device, actor=actor, condition="bon état, chargeur rendu", occurred_at=when + timedelta(days=180)
            )
    elif plan == "donated":
        services.device_donate(
            device=device,
            actor=actor,
            programme="Équipement d'associations locales",
            beneficiary_category=rng.choice(ORG_CATEGORIES),
            territory=territory,
            occurred_at=when,
        )


def _load_batch(*, donor, association, reference, received_on, plan, actor, rng, serial_prefix, declared):
    batch = IntakeBatch.objects.create(
        donor=donor, association=association, received_on=received_on, reference=reference, **declared
    )
    for category, count, paths in plan:
        devices = _register(batch, category, count, rng, serial_prefix)
        path_list = [path for path, n in paths.items() for _ in range(n)]
        rng.shuffle(path_list)
        # Devices recycled or harvested straight from reception, or still waiting, are not refurbished.
        refurbished = [d for d, p in zip(devices, path_list, strict=True) if p not in ("recycled", "parts", "workshop")]
        _refurbish(refurbished, actor=actor, start=received_on + timedelta(days=14), rng=rng, run_name=reference)
        for device, path in zip(devices, path_list, strict=True):
            device.refresh_from_db()
            when = received_on + timedelta(days=rng.randint(60, 900))
            _follow(device, path, actor=actor, rng=rng, when=min(when, date(2026, 10, 31)))
    return batch


SERVICE_FLAGS = {
    "sale": "offers_sale",
    "rental": "offers_rental",
    "repair": "offers_repair",
    "training": "offers_training",
    "collection": "offers_collection",
}


# The demo members' numbers are invented (valid keys, no real register entry); two invented members sell
# under the margin scheme with a VAT number, the others are not liable for VAT.
DEMO_IBAN = "FR7630006000011234567890189"
MARGIN_MEMBERS = {"atelier-du-leon", "tregor-recup"}


def demo_siret(slug: str) -> str:
    """A SIRET with valid keys, the same for a slug at every run, starting with 99 (not a real register range)."""
    from stdnum import luhn

    seed = sum(ord(char) * (index + 1) for index, char in enumerate(slug)) % 10**6
    siren = f"99{seed:06d}"
    siren += luhn.calc_check_digit(siren)
    nic = f"0001{luhn.calc_check_digit(siren + '0001')}"
    return siren + nic


def member_seller_identity(association: Association) -> None:
    from stdnum.fr import siren

    association.siret = association.siret or demo_siret(association.slug)
    association.iban = association.iban or DEMO_IBAN
    if association.slug in MARGIN_MEMBERS:
        association.vat_status = Association.VatStatus.MARGIN
        association.vat_number = association.vat_number or "FR" + siren.to_tva(association.siret[:9])


def member_ensure(member: dict) -> Association:
    """One member association of `devices.demo_members.MEMBERS`, created or brought up to date."""
    association = Association.objects.filter(slug=member["slug"]).first() or Association(slug=member["slug"])
    association.name = member["name"]
    association.city = member["city"]
    association.postcode = member["postcode"]
    association.street = member["street"]
    association.latitude = Decimal(member["latitude"])
    association.longitude = Decimal(member["longitude"])
    association.phone = member["phone"]
    association.email = f"contact@{member['slug']}.example"
    association.opening_hours = member["hours"]
    association.is_demo = member["is_demo"]
    for key, flag in SERVICE_FLAGS.items():
        setattr(association, flag, key in member["services"])
    member_seller_identity(association)
    association.full_clean()
    association.save()
    association.labels.set(MemberLabel.objects.get_or_create(name=name)[0] for name in member["labels"])
    return association


@transaction.atomic
def load() -> dict:
    """Create the member associations, donors, users and the two demo batches."""
    rng = random.Random(2022)  # noqa: S311  (demo data)
    by_slug = {member["slug"]: member_ensure(member) for member in MEMBERS}
    technician, region_user = _users()
    region, _ = Donor.objects.update_or_create(
        name="Région Bretagne",
        defaults={
            "kind": Donor.Kind.LOCAL_AUTHORITY,
            "public_name_agreed": True,
            "contact_name": "Service numérique responsable",
            "contact_email": "numerique@region.example",
        },
    )
    region.users.add(region_user)
    laposte, _ = Donor.objects.update_or_create(
        name="La Poste",
        defaults={
            "kind": Donor.Kind.COMPANY,
            "public_name_agreed": False,
            "contact_name": "Direction régionale",
            "contact_email": "dr@laposte.example",
        },
    )
    declic = by_slug.get("declic") or next(iter(by_slug.values()))
    created = []
    if not IntakeBatch.objects.filter(reference=REGION_REF).exists():
        _load_batch(
            donor=region,
            association=declic,
            reference=REGION_REF,
            received_on=date(2022, 2, 15),
            plan=REGION_PLAN,
            actor=technician,
            rng=rng,
            serial_prefix="RB22",
            declared={"declared_laptops": 150, "declared_desktops": 110, "declared_screens": 40, "declared_other": 10},
        )
        created.append(REGION_REF)
    if not IntakeBatch.objects.filter(reference=LAPOSTE_REF).exists():
        _load_batch(
            donor=laposte,
            association=declic,
            reference=LAPOSTE_REF,
            received_on=date(2023, 7, 4),
            plan=LAPOSTE_PLAN,
            actor=technician,
            rng=rng,
            serial_prefix="LP23",
            declared={"declared_laptops": 40},
        )
        created.append(LAPOSTE_REF)
    for slug, reference, received_on in MEMBER_BATCHES:
        member = by_slug.get(slug)
        if member is None or IntakeBatch.objects.filter(reference=reference).exists():
            continue
        _load_batch(
            donor=region,
            association=member,
            reference=reference,
            received_on=received_on,
            plan=MEMBER_PLAN,
            actor=technician,
            rng=rng,
            serial_prefix="RB24" + reference.rsplit("-", 1)[-1][0],
            declared={"declared_laptops": 14, "declared_desktops": 6},
        )
        created.append(reference)
    return {"created": created, "devices": Device.objects.count(), "donor_login": region_user.email}
