"""Load and faults on the production topology (`make load`; see bench/README.md).

Starts the topology of `deploy/topology.py` (gunicorn over TLS with the production settings and GUNICORN_WORKERS
workers, a Celery worker and beat, PostgreSQL, Redis, S3, SMTP, Stripe; the demo data), then runs Locust headless
(`bench/locustfile.py`: home, catalogue with filters, product, add to basket, checkout start) three times,
USERS concurrent visitors for DURATION seconds each:

1. **steady**: nothing else happens;
2. **worker killed**: a gunicorn worker is killed (SIGKILL) a third of the way in; the master starts another;
3. **Redis stopped**: Redis is stopped for 20 s from a third of the way in, then started again.

Prints, per run and per kind of request, the requests, the errors, p50 and p99 (ms), and writes
bench/results/load.json.

    .venv/bin/python bench/load.py [--users 50] [--duration 60]
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import topology as topo  # noqa: E402  (the production topology's processes)

RESULTS = ROOT / "bench" / "results" / "load.json"
ANONYMOUS = {"home", "catalogue", "catalogue with filters", "product"}


def gunicorn_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def locust(topology, name: str, users: int, duration: int) -> dict:
    prefix = topo.WORK / f"load-{name}"
    env = {**os.environ, "LOAD_CERTIFICATE": str(topology.certificate)}
    subprocess.run(
        [
            str(topo.VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{duration}s",
            "--host", topology.base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        env=env, cwd=ROOT, check=False, capture_output=True,
    )  # fmt: skip
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": round(float(row["Requests/s"]), 1),
            }
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(newline="") as handle:
            failures = [
                {"name": row["Name"], "error": row["Error"][:200], "count": int(row["Occurrences"])}
                for row in csv.DictReader(handle)
            ]
    anonymous_errors = sum(row["errors"] for key, row in rows.items() if key in ANONYMOUS)
    return {"by_request": rows, "failures": failures, "anonymous_errors": anonymous_errors}


def after(delay: float, action):
    timer = threading.Timer(delay, action)
    timer.start()
    return timer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    arguments = parser.parse_args()
    topology = topo.Topology()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = {"users": arguments.users, "duration_s": arguments.duration, "workers": None, "runs": {}}
    try:
        print("== starting the topology (PostgreSQL, Redis, S3, SMTP, Stripe, gunicorn, Celery) with the demo data")
        topology.start_services()
        for command in (("migrate", "--noinput"), ("collectstatic", "--noinput"), ("demo",)):
            topology.manage(*command)
        topology.start_web()
        topology.start_workers()
        topo.wait_for("the health endpoint green", lambda: topology.health()[0] == 200, timeout=90)
        master = topology.processes.running["web"].pid
        results["workers"] = len(gunicorn_workers(master))
        third = arguments.duration / 3

        print(f"== steady: {arguments.users} visitors for {arguments.duration} s")
        results["runs"]["steady"] = locust(topology, "steady", arguments.users, arguments.duration)

        print("== a gunicorn worker killed a third of the way in")
        killed = []

        def kill_worker():
            pids = gunicorn_workers(master)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        after(third, kill_worker)
        results["runs"]["worker killed"] = locust(topology, "worker-killed", arguments.users, arguments.duration)
        results["runs"]["worker killed"]["killed_pid"] = killed

        print("== Redis stopped for 20 s a third of the way in")
        after(third, lambda: topology.processes.stop("redis"))
        after(third + 20, topology.start_redis)
        results["runs"]["redis stopped"] = locust(topology, "redis-stopped", arguments.users, arguments.duration)
    finally:
        topology.stop()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    for run, found in results["runs"].items():
        print(f"\n{run} (errors on anonymous pages: {found['anonymous_errors']})")
        print(f"  {'request':24} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>6}")
        for name, row in found["by_request"].items():
            print(
                f"  {name:24} {row['requests']:9} {row['errors']:7} {row['p50_ms']:7.0f} {row['p99_ms']:7.0f} "
                f"{row['rps']:6}"
            )
        for failure in found["failures"]:
            print(f"  ! {failure['count']} × {failure['name']}: {failure['error']}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
