"""A donation programme of 5,000 devices: its report (selector, page, CSV, PDF) and the relay partner's portal,
time and queries.

    .venv/bin/python bench/programmes.py [--devices 5000] [--runs 5] [--fresh] [--debug]

Uses its own SQLite database, var/bench/programmes.sqlite3 (`migrate` runs on it; `--fresh` deletes it first),
never the development one. A programme of `--devices` laptops is built by bulk inserts: each device with the
events its state implies (received, tested, erased, graded, allocated, then received by the partner, handed
over or returned), spread over two partners and 24 months of hand-overs (70 % handed over, 10 % at a partner,
10 % to receive, 10 % returned), with a beneficiary category, age bracket, commune and situation. A programme
of 10 devices built the same way shows that the number of queries does not depend on its size.

Times `selectors.programme_report`, the report page, its CSV and PDF (the funder's user logged in) and the
partner's portal home (its staff logged in) through `django.test.Client`: two warm-ups, then `--runs` runs;
prints the median and the fastest in ms and the number of queries. Settings: `reemploi.settings.dev` with
DEBUG off unless `--debug`. Goal: each under 1 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "var" / "bench" / "programmes.sqlite3"
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "reemploi.settings.dev"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
GOAL_MS = 1000

PARSER = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
PARSER.add_argument("--devices", type=int, default=5_000, help="devices of the large programme (default 5,000)")
PARSER.add_argument("--runs", type=int, default=5, help="measured runs of each (default 5)")
PARSER.add_argument("--fresh", action="store_true", help="delete the benchmark database first")
PARSER.add_argument("--debug", action="store_true", help="keep DEBUG on (development settings as they are)")
ARGS = PARSER.parse_args()

if ARGS.fresh:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
DB_PATH.parent.mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch, department_of  # noqa: E402
from programmes import selectors  # noqa: E402
from programmes.models import Allocation, Programme, RelayPartner  # noqa: E402

if not ARGS.debug:
    settings.DEBUG = False

S, K, A = Device.Status, DeviceEvent.Kind, Allocation.Status
COMMUNES = ["35236", "56001", "44067", "44185", "35013", "35219", "35238", "56260", "29019", "22278"]
SITUATIONS = ["Demandeur d'emploi", "En formation", "En recherche d'alternance", "Étudiant"]
FATES = {A.HANDED_OVER: 70, A.RECEIVED: 10, A.ALLOCATED: 10, A.RETURNED: 10}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@transaction.atomic
def build(size: int, slug: str):
    """A programme of `size` devices (bulk inserts), its funder's and its first partner's users."""
    rng = random.Random(size)  # noqa: S311  (benchmark data)
    member, _created = Association.objects.get_or_create(slug="declic", defaults={"name": "Déclic"})
    funder = Donor.objects.create(name=f"Région ({slug})", kind=Donor.Kind.LOCAL_AUTHORITY)
    batch = IntakeBatch.objects.create(donor=funder, association=member, received_on=date(2024, 1, 8))
    programme = Programme.objects.create(
        name=f"Programme {slug}", slug=slug, funder=funder, categories=["youth_mission_locale"],
        situations="\n".join(SITUATIONS), quota=None, starts_on=date(2024, 1, 1),
    )  # fmt: skip
    partners = [
        RelayPartner.objects.create(name=f"Mission locale {slug}", slug=f"ml-{slug}", kind="mission_locale"),
        RelayPartner.objects.create(name=f"CCAS {slug}", slug=f"ccas-{slug}", kind="ccas"),
    ]
    programme.members.add(member)
    programme.partners.add(*partners)
    User = get_user_model()
    funder_user = User.objects.create_user(email=f"financeur-{slug}@bench.example", password="x" * 12)
    funder.users.add(funder_user)
    staff = User.objects.create_user(email=f"relais-{slug}@bench.example", password="x" * 12)
    partners[0].users.add(staff)
    fates = rng.choices(list(FATES), weights=list(FATES.values()), k=size)
    status_of = {A.HANDED_OVER: S.DONATED, A.RECEIVED: S.AT_PARTNER, A.ALLOCATED: S.ALLOCATED, A.RETURNED: S.READY}
    devices = Device.objects.bulk_create(
        [
            Device(
                asset_tag=f"{slug[:1].upper()}{n:06d}"[:7], serial=f"{slug}-{n}", category="laptop", brand="Dell",
                model="Latitude 5490", grade="B", batch=batch, association=member, status=status_of[fate],
                needs_erasure=False, tests_passed=True,
            )
            for n, fate in enumerate(fates)
        ],
        batch_size=500,
    )  # fmt: skip
    events, allocations = [], []
    for n, (device, fate) in enumerate(zip(devices, fates, strict=True)):
        partner = partners[n % 2]
        day = date(2024, 2, 1) + timedelta(days=(n * 730) // size)
        common = {"device": device, "association": member}
        events += [
            DeviceEvent(kind=K.RECEIVED, status_after=S.RECEIVED, occurred_at=_at(batch.received_on, 8), **common),
            DeviceEvent(kind=K.ERASED, status_after=S.IN_WORKSHOP, data={"method": "NIST 800-88", "result": "success"},
                        occurred_at=_at(batch.received_on, 10), **common),
            DeviceEvent(kind=K.GRADED, status_after=S.READY, occurred_at=_at(batch.received_on, 11), **common),
            DeviceEvent(kind=K.ALLOCATED, status_after=S.ALLOCATED, occurred_at=_at(day, 9),
                        data={"programme": programme.name, "partner": partner.name, "partner_kind": partner.kind},
                        **common),
        ]  # fmt: skip
        allocation = Allocation(
            device=device, programme=programme, partner=partner, association=member, status=fate,
            allocated_at=_at(day, 9),
        )  # fmt: skip
        if fate != A.ALLOCATED:
            allocation.received_at = _at(day + timedelta(days=2), 9)
            events.append(
                DeviceEvent(
                    kind=K.PARTNER_RECEIVED, status_after=S.AT_PARTNER, occurred_at=allocation.received_at, **common
                )
            )
        if fate == A.HANDED_OVER:
            commune = rng.choice(COMMUNES)
            allocation.handed_over_on = day + timedelta(days=rng.randint(3, 40))
            allocation.beneficiary_category = "youth_mission_locale"
            allocation.age_bracket = rng.choice(["16_25", "16_25", "26_44"])
            allocation.territory, allocation.department = commune, department_of(commune)
            allocation.situation = rng.choice(SITUATIONS)
            events.append(
                DeviceEvent(
                    kind=K.HANDED_OVER,
                    status_after=S.DONATED,
                    occurred_at=_at(allocation.handed_over_on, 15),
                    data={
                        "programme": programme.name,
                        "partner_kind": partner.kind,
                        "beneficiary_category": "youth_mission_locale",
                        "territory": commune,
                    },
                    **common,
                )
            )
        if fate == A.RETURNED:
            allocation.returned_at = _at(day + timedelta(days=20), 9)
            allocation.return_condition = "unused"
            events.append(
                DeviceEvent(
                    kind=K.PARTNER_RETURNED,
                    status_after=S.IN_WORKSHOP,
                    occurred_at=allocation.returned_at,
                    data={"programme": programme.name, "condition": "Inutilisé"},
                    **common,
                )
            )
        allocations.append(allocation)
    DeviceEvent.objects.bulk_create(events, batch_size=1000)
    Allocation.objects.bulk_create(allocations, batch_size=1000)
    return programme, funder_user, staff


def prepare(size: int):
    call_command("migrate", verbosity=0)
    built = {}
    for n, slug in ((size, f"grand-{size}"), (10, "petit-10")):
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            print(f"Building a programme of {n:,} devices…", flush=True)
            built[n] = build(n, slug)
        else:
            User = get_user_model()
            built[n] = (
                programme,
                User.objects.get(email=f"financeur-{slug}@bench.example"),
                User.objects.get(email=f"relais-{slug}@bench.example"),
            )
    return built[size], built[10]


def measure(func, runs: int) -> tuple[float, float, int]:
    for _ in range(2):
        func()
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return statistics.median(times), min(times), max(queries)


def main():
    large, small = prepare(ARGS.devices)

    def view(user, path):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.content

        return run

    cases = [
        ("programme_report()", lambda p, f, s: lambda: selectors.programme_report(p)),
        ("report page", lambda p, f, s: view(f, f"/donateurs/programmes/{p.slug}/")),
        ("report CSV", lambda p, f, s: view(f, f"/donateurs/programmes/{p.slug}/appareils.csv")),
        ("report PDF", lambda p, f, s: view(f, f"/donateurs/programmes/{p.slug}/rapport.pdf")),
        ("partner portal", lambda p, f, s: view(s, "/relais/")),
    ]
    rows = []
    for label, make in cases:
        median, best, queries = measure(make(*large), ARGS.runs)
        _m, _b, small_queries = measure(make(*small), ARGS.runs)
        rows.append((label, median, best, queries, small_queries))
    programme = large[0]
    events = DeviceEvent.objects.filter(device__allocations__programme=programme).count()
    print()
    print(
        f"Programme of {programme.allocations.count():,} devices ({events:,} events), {ARGS.runs} runs each after "
        f"two warm-ups, DEBUG {'on' if settings.DEBUG else 'off'}, SQLite {connection.Database.sqlite_version}. "
        f"Goal: under {GOAL_MS} ms."
    )
    header = f"| {'what':<18} | {'median ms':>9} | {'min ms':>8} | {'queries':>7} | {'queries at 10':>13} | goal |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for label, median, best, queries, small_queries in rows:
        goal = "met" if median < GOAL_MS else "MISSED"
        print(f"| {label:<18} | {median:9.1f} | {best:8.1f} | {queries:7d} | {small_queries:13d} | {goal:<4} |")
    if any(queries != small_queries for _l, _m, _b, queries, small_queries in rows):
        print("WARNING: some query counts grow with the programme's size.")


if __name__ == "__main__":
    main()
