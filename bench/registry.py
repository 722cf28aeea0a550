"""Donor report, CSV and PDF for a batch of 10,000 devices: time and queries.

    .venv/bin/python bench/registry.py [--devices 10000] [--runs 5]

Uses its own SQLite database (var/bench/registry.sqlite3), filled with bulk inserts (a realistic spread of
statuses, outcomes and one erasure event per device). Goal: each under 1 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'registry.sqlite3'}"
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from devices import selectors  # noqa: E402
from devices.models import Association, Device, DeviceEvent, Donor, IntakeBatch  # noqa: E402
from devices.tags import ALPHABET  # noqa: E402

STATUSES = [Device.Status.SOLD] * 4 + [
    Device.Status.RENTED,
    Device.Status.DONATED,
    Device.Status.LISTED,
    Device.Status.RECYCLED,
    Device.Status.PARTS,
    Device.Status.IN_WORKSHOP,
]
CATEGORIES = ["individual", "org_ccas", "region_trainee", "org_school", "youth_mission_locale"]
DEPARTMENTS = ["35", "29", "56", "22"]


def tag(n: int) -> str:
    chars = []
    for _ in range(6):
        n, r = divmod(n, len(ALPHABET))
        chars.append(ALPHABET[r])
    return "".join(chars[:3]) + "-" + "".join(chars[3:])


def prepare(size: int):
    call_command("migrate", verbosity=0)
    reference = f"BENCH-{size}"
    batch = IntakeBatch.objects.filter(reference=reference).first()
    user, _ = get_user_model().objects.get_or_create(email="bench-donor@example.org")
    if batch is None:
        association, _ = Association.objects.get_or_create(slug="bench", defaults={"name": "Atelier de mesure"})
        donor, _ = Donor.objects.get_or_create(name="Donateur de mesure", defaults={"kind": "local_authority"})
        batch = IntakeBatch.objects.create(donor=donor, association=association, reference=reference)
        devices = Device.objects.bulk_create(
            Device(
                batch=batch,
                association=association,
                category="laptop",
                serial=f"BENCH{n:06d}",
                asset_tag=tag(7_000_000 + n),
                status=STATUSES[n % len(STATUSES)],
                needs_erasure=False,
                outcome_category=CATEGORIES[n % 5] if STATUSES[n % len(STATUSES)] in Device.REUSED else "",
                outcome_department=DEPARTMENTS[n % 4] if STATUSES[n % len(STATUSES)] in Device.REUSED else "",
            )
            for n in range(size)
        )
        DeviceEvent.objects.bulk_create(
            DeviceEvent(
                device=d,
                kind=DeviceEvent.Kind.ERASED,
                association=association,
                status_after=d.status,
                data={"method": "NIST SP 800-88 Purge", "result": "success"},
                evidence="devices/certificates/bench.pdf",
            )
            for d in devices
        )
    batch.donor.users.add(user)
    return batch, user


def measure(label, func, runs):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return label, statistics.median(times) * 1000, min(times) * 1000, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    batch, user = prepare(args.devices)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def fetch(path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            b"".join(response.streaming_content) if response.streaming else response.content

        return run

    rows = [
        measure("batch_report()", lambda: selectors.batch_report(batch), args.runs),
        measure("report page", fetch(f"/donateurs/lots/{batch.pk}/"), args.runs),
        measure("devices CSV", fetch(f"/donateurs/lots/{batch.pk}/appareils.csv"), args.runs),
        measure("report PDF", fetch(f"/donateurs/lots/{batch.pk}/rapport.pdf"), args.runs),
    ]
    print(f"Batch of {batch.devices.count():,} devices, {args.runs} runs each (goal: under 1 s)")
    print(f"  {'what':16} {'median ms':>10} {'min ms':>8} {'queries':>8}  goal")
    for label, median, best, queries in rows:
        print(f"  {label:16} {median:10.1f} {best:8.1f} {queries:8d}  {'yes' if median < 1000 else 'NO'}")


if __name__ == "__main__":
    main()
