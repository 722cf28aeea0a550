"""Donor report, batch page, CSV and PDF for a batch of 10,000 devices: time and queries.

    .venv/bin/python bench/registry.py [--devices 10000] [--runs 5] [--fresh] [--debug]

Uses its own SQLite database, var/bench/registry.sqlite3 (`migrate` runs on it; `--fresh` deletes it first),
never the development one. A batch of `--devices` devices is created by bulk inserts with a realistic spread
of statuses and outcomes and the event log each status implies (received, cleaned, tested, erased — some
erasures failed first —, graded, listed or reserved, sold, rented or donated, some returned and sold again,
recycled, harvested for parts), about 8 events a device. A batch of 10 devices built the same way shows that
the number of queries does not depend on the batch size.

Then times `selectors.batch_report`, the donor's batch page, the devices CSV and the PDF report through
`django.test.Client` with a donor's user logged in: two warm-ups, then `--runs` runs each; prints the median
and the fastest in ms and the number of queries (CaptureQueriesContext). Settings: `reemploi.settings.dev`
with DEBUG off (as in production: no debug templates) unless `--debug`. Goal: each under 1 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "var" / "bench" / "registry.sqlite3"
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "reemploi.settings.dev"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
GOAL_MS = 1000

PARSER = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
PARSER.add_argument("--devices", type=int, default=10_000, help="devices in the large batch (default 10,000)")
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

from devices import selectors  # noqa: E402
from devices.models import (  # noqa: E402
    Association,
    BeneficiaryCategory,
    Device,
    DeviceEvent,
    Donor,
    IntakeBatch,
    department_of,
)
from devices.tags import ALPHABET  # noqa: E402

if not ARGS.debug:
    settings.DEBUG = False  # before the first template is rendered: the engines read it then

S = Device.Status
K = DeviceEvent.Kind
# Where the devices of a Région batch end up (per thousand).
STATUS_SPREAD = {
    S.SOLD: 400,
    S.RENTED: 80,
    S.DONATED: 150,
    S.LISTED: 70,
    S.RESERVED: 30,
    S.READY: 30,
    S.IN_WORKSHOP: 60,
    S.RECEIVED: 40,
    S.RECYCLED: 100,
    S.PARTS: 40,
}
SOLD_TO = {
    BeneficiaryCategory.INDIVIDUAL: 55,
    BeneficiaryCategory.CCAS: 10,
    BeneficiaryCategory.ASSOCIATION: 15,
    BeneficiaryCategory.CRAFT_SHOP: 10,
    BeneficiaryCategory.SCHOOL: 5,
    BeneficiaryCategory.LOCAL_AUTHORITY: 5,
}
DONATED_TO = {BeneficiaryCategory.YOUTH_MISSION_LOCALE: 70, BeneficiaryCategory.OTHER_PROGRAMME: 30}
# Rennes, Brest, Vannes, Saint-Brieuc, Redon, Quimper, Lorient, Saint-Malo, Nantes; and départements only
TERRITORIES = ["35238", "29019", "56260", "22278", "35236", "29232", "56121", "35288", "44109", "35", "29", "56", "22"]
CATEGORIES = {Device.Category.LAPTOP: 60, Device.Category.DESKTOP: 30, Device.Category.SCREEN: 8, "tablet": 2}
MODELS = {
    Device.Category.LAPTOP: [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "EliteBook 840 G5")],
    Device.Category.DESKTOP: [("HP", "EliteDesk 800 G3"), ("Dell", "OptiPlex 7050"), ("Lenovo", "ThinkCentre M710")],
    Device.Category.SCREEN: [("Dell", "P2419H"), ("HP", "E24 G4")],
    "tablet": [("Apple", "iPad 6")],
}


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def tag(n: int) -> str:
    chars = []
    for _ in range(6):
        n, r = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[r])
    return "".join(chars[:3]) + "-" + "".join(chars[3:])


class Log:
    """The events of one device, in order, with its status before and after each."""

    def __init__(self, device, association, start):
        self.device, self.association, self.at, self.status, self.events = device, association, start, "", []

    def add(self, kind, status_after, **data):
        self.at += timedelta(hours=6)
        self.events.append(
            DeviceEvent(
                device=self.device,
                kind=kind,
                occurred_at=self.at,
                association=self.association,
                status_before=self.status,
                status_after=status_after,
                data=data,
                evidence="devices/certificates/2026/03/blancco-run.pdf" if kind == K.ERASED else "",
            )
        )
        self.status = status_after

    def workshop(self, rng, *, ready=True):
        self.add(K.CLEANED, S.IN_WORKSHOP)
        self.add(K.TESTED, S.IN_WORKSHOP, checklist={"écran": True, "clavier": True}, passed=True)
        if rng.random() < 0.05:
            self.add(K.ERASED, S.IN_WORKSHOP, method="NIST SP 800-88 Purge", tool="Blancco", result="failure")
        self.add(K.ERASED, S.IN_WORKSHOP, method="NIST SP 800-88 Purge", tool="Blancco", result="success")
        self.add(K.GRADED, S.READY if ready else S.IN_WORKSHOP, grade=self.device.grade, battery_health=85)

    def outcome(self, status, category, territory):
        kind = {S.SOLD: K.SOLD, S.RENTED: K.RENTED, S.DONATED: K.DONATED}[status]
        before = {S.SOLD: (K.LISTED, S.LISTED), S.RENTED: (K.RESERVED, S.RESERVED)}.get(status)
        if before:
            self.add(*before)
        self.add(kind, status, beneficiary_category=category, territory=territory, reference="ORDER-BENCH")


def build_batch(donor, association, size: int, reference: str, first_tag: int) -> IntakeBatch:
    """A batch of `size` devices and their event logs, by bulk inserts."""
    rng = random.Random(size)
    batch = IntakeBatch.objects.create(
        donor=donor, association=association, reference=reference, declared_laptops=size * 6 // 10
    )
    start = timezone.make_aware(datetime(2026, 2, 3, 9, 0))
    rows = []
    for n in range(size):
        status = weighted(rng, STATUS_SPREAD)
        category = weighted(rng, CATEGORIES)
        brand, model = rng.choice(MODELS[category])
        reused = status in Device.REUSED
        outcome = ""
        if status == S.SOLD:
            outcome = weighted(rng, SOLD_TO)
        elif status == S.RENTED:
            outcome = BeneficiaryCategory.REGION_TRAINEE
        elif status == S.DONATED:
            outcome = weighted(rng, DONATED_TO)
        territory = rng.choice(TERRITORIES) if reused else ""
        rows.append(
            Device(
                batch=batch,
                association=association,
                asset_tag=tag(first_tag + n),
                serial=f"{reference}-{n:06d}",
                category=category,
                brand=brand,
                model=model,
                ram_gb=rng.choice([4, 8, 8, 16]) if category in ("laptop", "desktop") else None,
                grade=rng.choice("ABBC") if status not in (S.RECEIVED, S.RECYCLED, S.PARTS) else "",
                status=status,
                needs_erasure=status in (S.RECEIVED, S.RECYCLED, S.PARTS),
                tests_passed=status not in (S.RECEIVED, S.RECYCLED, S.PARTS, S.IN_WORKSHOP),
                outcome_category=outcome,
                outcome_territory=territory,
                outcome_department=department_of(territory) if territory else "",
                outcome_at=start + timedelta(days=60) if reused else None,
            )
        )
    devices = Device.objects.bulk_create(rows, batch_size=2000)
    events = []
    for device in devices:
        log = Log(device, association, start)
        log.add(K.RECEIVED, S.RECEIVED, batch=batch.pk)
        status = device.status
        if status in (S.RECYCLED, S.PARTS):
            log.add(K.TESTED, S.IN_WORKSHOP, checklist={"carte mère": False}, passed=False)
            if status == S.RECYCLED:
                log.add(K.RECYCLED, S.RECYCLED, channel="Ecologic")
            else:
                log.add(K.HARVESTED, S.PARTS, parts="mémoire, disque")
        elif status == S.IN_WORKSHOP:
            log.workshop(rng, ready=False)
        elif status != S.RECEIVED:
            log.workshop(rng)
            if status in Device.REUSED and rng.random() < 0.08:  # sold or rented once, returned, out again
                log.outcome(S.RENTED, BeneficiaryCategory.REGION_TRAINEE, "35238")
                log.add(K.RETURNED, S.IN_WORKSHOP, condition="bon état")
                log.workshop(rng)
            if status in (S.LISTED, S.RESERVED):
                log.add(K.LISTED if status == S.LISTED else K.RESERVED, status)
            elif status in Device.REUSED:
                log.outcome(status, device.outcome_category, device.outcome_territory)
        events += log.events
    DeviceEvent.objects.bulk_create(events, batch_size=5000)
    return batch


def prepare(size: int):
    call_command("migrate", verbosity=0)
    association, _ = Association.objects.get_or_create(
        slug="bench", defaults={"name": "Atelier de mesure", "city": "Redon", "department": "35"}
    )
    donor, _ = Donor.objects.get_or_create(name="Donateur de mesure", defaults={"kind": Donor.Kind.LOCAL_AUTHORITY})
    user, _ = get_user_model().objects.get_or_create(email="bench-donor@example.org")
    donor.users.add(user)
    batches = {}
    for n, first_tag in ((size, 1_000_000), (10, 9_000_000)):
        reference = f"BENCH-{n}"
        batch = IntakeBatch.objects.filter(reference=reference).first()
        if batch is None:
            started = time.perf_counter()
            with transaction.atomic():
                batch = build_batch(donor, association, n, reference, first_tag)
            events = DeviceEvent.objects.filter(device__batch=batch).count()
            print(f"Built batch {reference}: {n:,} devices, {events:,} events in {time.perf_counter() - started:.1f} s")
        batches[n] = batch
    return batches[size], batches[10], user


def measure(func, runs):
    for _warm_up in range(2):  # connection, templates, site settings rows created on first use, caches
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
    large, small, user = prepare(ARGS.devices)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def view(path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return b"".join(response.streaming_content) if response.streaming else response.content

        return run

    def report(batch):
        return lambda: selectors.batch_report(batch)

    cases = [
        ("batch_report()", report, ""),
        ("batch page", None, "/donateurs/lots/{pk}/"),
        ("batch page, last", None, "/donateurs/lots/{pk}/?page=last"),
        ("devices CSV", None, "/donateurs/lots/{pk}/appareils.csv"),
        ("report PDF", None, "/donateurs/lots/{pk}/rapport.pdf"),
    ]
    rows = []
    for label, selector, path in cases:
        figures = {}
        for batch in (small, large):
            func = selector(batch) if selector else view(path.format(pk=batch.pk))
            figures[batch.pk] = measure(func, ARGS.runs)
        median, best, queries = figures[large.pk]
        rows.append((label, median, best, queries, figures[small.pk][2]))

    csv_lines = view(f"/donateurs/lots/{large.pk}/appareils.csv")().count(b"\n") - 1
    events = DeviceEvent.objects.filter(device__batch=large).count()
    print()
    print(
        f"Batch of {large.devices.count():,} devices ({events:,} events; CSV of {csv_lines:,} rows), "
        f"{ARGS.runs} runs each after two warm-ups, DEBUG {'on' if settings.DEBUG else 'off'}, "
        f"SQLite {connection.Database.sqlite_version}. Goal: under {GOAL_MS} ms."
    )
    header = f"| {'what':<18} | {'median ms':>9} | {'min ms':>8} | {'queries':>7} | {'queries at 10':>13} | goal |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for label, median, best, queries, small_queries in rows:
        goal = "met" if median < GOAL_MS else "MISSED"
        print(f"| {label:<18} | {median:9.1f} | {best:8.1f} | {queries:7d} | {small_queries:13d} | {goal:<4} |")
    if any(queries != small_queries for _l, _m, _b, queries, small_queries in rows):
        print("WARNING: some query counts grow with the batch size.")


if __name__ == "__main__":
    main()
