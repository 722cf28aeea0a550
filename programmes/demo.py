"""The demo's donation programme: La Poste's laptops, refurbished by Déclic, handed by the Mission locale du
Pays de Redon to the young people it supports (and a few by the CCAS de Redon), with hand-overs spread over
several months, devices still at the partners, one to receive and returns to the workshop; and the
allocation rules of two members; solidarity prices and the CCAS de Redon's vouchers.

Runs after the registry's demo (the La Poste batch's ready laptops) and the demo logins (the partners'
staff), before the shop lists the devices still ready. Running it again changes nothing.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from devices import services as registry
from devices.demo import LAPOSTE_REF
from devices.models import Association, Device, Donor, IntakeBatch, PartnerKind
from programmes import services, vouchers
from programmes.models import AllocationRule, Programme, RelayPartner, SolidarityPrice

PROGRAMME_SLUG = "laposte-mission-locale-pays-de-redon"
SITUATIONS = ["Demandeur d'emploi", "En formation", "En recherche d'alternance", "Étudiant"]
# The communes of the Pays de Redon where the young people live (INSEE codes): Redon, Allaire, Guémené-Penfao,
# Saint-Nicolas-de-Redon, Bains-sur-Oust, Pipriac.
COMMUNES = ["35236", "56001", "44067", "44185", "35013", "35219"]
PARTNERS = [
    {
        "slug": "mission-locale-pays-de-redon",
        "name": "Mission locale du Pays de Redon",
        "kind": PartnerKind.MISSION_LOCALE,
        "territory": "35236",
        "email": "accueil@mission-locale-redon.example",
        "staff": ["relais@reemploi.example"],
    },
    {
        "slug": "ccas-redon",
        "name": "CCAS de Redon",
        "kind": PartnerKind.CCAS,
        "territory": "35236",
        "email": "",
        "staff": ["ccas@reemploi.example"],
    },
]


def _partners() -> list[RelayPartner]:
    User = get_user_model()
    partners = []
    for spec in PARTNERS:
        partner, _created = RelayPartner.objects.update_or_create(
            slug=spec["slug"],
            defaults={key: spec[key] for key in ("name", "kind", "territory", "email")},
        )
        partner.users.add(*User.objects.filter(email__in=spec["staff"]))
        partners.append(partner)
    return partners


def _programme(partners) -> Programme:
    programme, _created = Programme.objects.update_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "name": "La Poste → jeunes accompagnés par la Mission locale du Pays de Redon",
            "story": (
                "La Poste a confié à Déclic ses ordinateurs portables de bureau. Effacés, testés et remis à neuf, "
                "ils sont donnés par la Mission locale du Pays de Redon aux jeunes qu'elle accompagne vers "
                "l'emploi ou la formation, et par le CCAS de Redon à quelques familles qu'il suit."
            ),
            "funder": Donor.objects.filter(name="Région Bretagne").first(),
            "categories": ["youth_mission_locale", "programme_other"],
            "situations": "\n".join(SITUATIONS),
            "territory": "Pays de Redon (35, 44, 56)",
            "quota": 40,
            "starts_on": date(2023, 7, 1),
            "ends_on": date(2027, 6, 30),
            "receipt_terms": (
                "Je reçois cet ordinateur gratuitement, dans le cadre de mon accompagnement.\n"
                "Je m'engage à ne pas le revendre. S'il ne me sert plus, je le rapporte à la Mission locale."
            ),
            "reminder_days": 30,
        },
    )
    programme.donors.set(Donor.objects.filter(name="La Poste"))
    programme.members.set(Association.objects.filter(slug="declic"))
    programme.partners.set(partners)
    return programme


def _rules(programme: Programme) -> None:
    """The order of channels at two members: Déclic serves the programme first, then its rental pool, then the
    shop; Rennes Ordi Partage keeps its rental pool stocked before selling."""
    Channel = AllocationRule.Channel
    lines = {
        "declic": [
            {"channel": Channel.PROGRAMME, "programme": programme, "category": "laptop", "min_grade": "B"},
            {"channel": Channel.RENTAL, "category": "laptop", "rental_minimum": 8},
            {"channel": Channel.SALE},
        ],
        "rennes-ordi-partage": [
            {"channel": Channel.RENTAL, "category": "laptop", "rental_minimum": 5},
            {"channel": Channel.SALE},
        ],
    }
    for slug, rules in lines.items():
        member = Association.objects.filter(slug=slug).first()
        if member is None or member.allocation_rules.exists():
            continue
        for position, fields in enumerate(rules, start=1):
            AllocationRule.objects.create(association=member, position=position, **fields)


def _solidarity(ccas: RelayPartner) -> None:
    """Solidarity prices (a laptop at 80 € at most, a desktop at 60 €) and the CCAS de Redon's vouchers: three
    to give out, one revoked."""
    if not SolidarityPrice.objects.exists():
        vouchers.solidarity_price_save(category=Device.Category.LAPTOP, max_price=Decimal("80.00"))
        vouchers.solidarity_price_save(category=Device.Category.DESKTOP, max_price=Decimal("60.00"))
    if ccas.vouchers.exists():
        return
    adviser = ccas.users.first()
    until = timezone.localdate() + timedelta(days=60)
    for _n in range(3):
        vouchers.voucher_issue(partner=ccas, actor=adviser, holder_category="social_referral", expires_on=until)
    lost = vouchers.voucher_issue(partner=ccas, actor=adviser, holder_category="social_referral", expires_on=until)
    vouchers.voucher_revoke(voucher=lost, actor=adviser)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def load() -> dict:
    partners = _partners()
    programme = _programme(partners)
    _rules(programme)
    _solidarity(partners[1])
    if programme.allocations.exists():
        return {"allocations": 0}
    batch = IntakeBatch.objects.filter(reference=LAPOSTE_REF).first()
    if batch is None:
        return {"allocations": 0}
    rng = random.Random(2023)  # noqa: S311  (demo data)
    technician = get_user_model().objects.filter(email="atelier@reemploi.example").first()
    staff = {partner.pk: partner.users.first() for partner in partners}
    mission_locale, ccas = partners
    devices = list(batch.devices.filter(status=Device.Status.READY).order_by("pk")[:30])
    # Delivered to the partners in waves from September 2023; the last wave is not received yet.
    plan = ["handed"] * 22 + ["returned"] * 3 + ["at_partner"] * 3 + ["to_receive"] * 2
    start = date(2023, 9, 12)
    count = 0
    for index, (device, fate) in enumerate(zip(devices, plan, strict=False)):
        partner = ccas if index % 10 == 9 else mission_locale
        if fate == "to_receive":
            allocated_on = timezone.localdate() - timedelta(days=6)
        elif fate == "at_partner":
            allocated_on = timezone.localdate() - timedelta(days=45 + 5 * index % 20)
        else:
            allocated_on = start + timedelta(days=21 * index)
        allocation = services.allocation_create(
            device=device, programme=programme, partner=partner, actor=technician, occurred_at=_at(allocated_on)
        )
        count += 1
        if fate == "to_receive":
            continue
        services.allocation_receive(
            allocation=allocation, actor=staff[partner.pk], occurred_at=_at(allocated_on + timedelta(days=2))
        )
        if fate == "returned":
            services.allocation_return(
                allocation=allocation,
                actor=staff[partner.pk],
                condition=rng.choice(["unused", "broken"]),
                note="Le jeune a trouvé un poste équipé." if index % 2 else "Charnière cassée à la remise.",
            )
            registry.device_test(device=device, actor=technician, checklist={"écran": True, "clavier": True})
            continue
        if fate == "handed":
            services.allocation_hand_over(
                allocation=allocation,
                actor=staff[partner.pk],
                beneficiary_category="youth_mission_locale" if partner == mission_locale else "programme_other",
                age_bracket=rng.choice(["16_25"] * 5 + ["26_44"]),
                territory=rng.choice(COMMUNES),
                situation=rng.choice(SITUATIONS),
                partner_reference=f"ML-{2023 + index // 12}-{index + 101:03d}" if partner == mission_locale else "",
                handed_over_on=allocated_on + timedelta(days=rng.randint(5, 40)),
            )
    return {"allocations": count}
