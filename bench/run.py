#!/usr/bin/env python
"""Benchmark: the public pages served by gunicorn, measured with wrk against a bare Django view.

Prepares a separate SQLite database (var/bench/db.sqlite3: migrate, demo data, collectstatic, and a shop
catalogue of 5,000 products built once by bench/shop_catalogue.py), serves the site with the production
settings and the bare view (bench/bare.py) with gunicorn, the same way (2 sync workers each, on free
loopback ports), and measures every page in PAGES and SHOP_PAGES with wrk, once with the anonymous page
cache off and once with it on. Prints requests/s, the median latency and each page's share of the bare
view's requests/s; writes the same figures to bench/results/latest.json.

    .venv/bin/python bench/run.py                      # what `make bench` runs
    .venv/bin/python bench/run.py --shop-only          # only the shop pages
    .venv/bin/python bench/run.py /boutique/ contact=/contact/   # measure extra paths too
    .venv/bin/python bench/run.py --help

See bench/README.md.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from pathlib import Path

# --- What is measured -------------------------------------------------------------------------------
# (label, path). A path may hold a "{name}" placeholder, filled from the demo data by the function of
# that name in bench/lookups.py (e.g. the first live story). Add a page: add a line. Extra paths can
# also be given on the command line.
PAGES = [
    ("home", "/"),
    ("network", "{network}"),
    ("every member page", "{*members}"),
    ("partners", "{partners}"),
    ("news list", "/actualites/"),
    ("every news item", "{*news_items}"),
    ("stories list", "{stories_list}"),
    ("story", "{story}"),
    ("every story", "{*stories}"),
    ("every form page", "{*form_pages}"),
    ("every legal page", "{*standard_pages}"),
]
# The shop, on the benchmark catalogue (SHOP_PRODUCTS products, bench/shop_catalogue.py): a listing with
# three filters, a sort and a page, and a product page ("{product}": a laptop in stock at several
# workshops). The page cache serves Wagtail pages only, so the shop's goals are for the uncached run; the
# cached run reports its figures (None: no goal).
SHOP_PRODUCTS = 5000
SHOP_PAGES = [
    (
        "shop listing",
        "/boutique/catalogue/?categorie=laptop&memoire=8&etat=B&tri=-prix&page=2",
        {"uncached": 0.04, "cached": None},
    ),
    ("product page", "{product}", {"uncached": 0.05, "cached": None}),
    # Not one URL repeated: 400 distinct filter combinations and pages, and every product in stock.
    ("shop listings (400 combinations)", "{*listings}", {"uncached": 0.04, "cached": None}),
    ("every product page", "{*products}", {"uncached": 0.05, "cached": None}),
]
BARE_PATH = "/"
# Minimum share of the bare view's requests/s each page must reach, per mode (unless the page has its own).
GOALS = {"uncached": 0.05, "cached": 0.40}
PAGE_CACHE_SECONDS = 300
WORKERS = 2
WORKER_CLASS = "sync"

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
DB = VAR / "db.sqlite3"
# `--postgres`: a database of its own on the local PostgreSQL server (dropped and made again by --fresh-db).
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DB = "reemploi_bench"
DATABASE_URL = f"sqlite:///{DB}"
RESULTS = BENCH / "results" / "latest.json"
BIN = Path(sys.executable).parent
PYTHON = sys.executable
HOST = "127.0.0.1"

# Every request of this script goes to the loopback, never through a proxy, and follows no redirect.
_NO_PROXY = urllib.request.ProxyHandler({})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NO_PROXY, _NoRedirect)


class BenchError(Exception):
    pass


# --- Environment and preparation -------------------------------------------------------------------
def site_env(page_cache_seconds):
    """The site's environment: production settings on the bench's own SQLite database, plain HTTP on
    the loopback, embedded defaults for everything else (a developer's .env or shell cannot swap in
    Redis, S3 or another database)."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="reemploi.settings.production",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        REDIS_URL="",
        CELERY_BROKER_URL="",
        AWS_STORAGE_BUCKET_NAME="",
        LOG_LEVEL="WARNING",
    )
    return env


def bare_env():
    env = os.environ.copy()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


SECRET_KEY = "bench-throwaway-" + secrets.token_urlsafe(32)


def run_step(title, cmd, env, timeout=600):
    started = time.monotonic()
    print(f"  {title} …", end="", flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode:
        print(" failed")
        raise BenchError(f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    print(f" {time.monotonic() - started:.1f} s")
    return proc.stdout


def demo_command_exists():
    return any(ROOT.glob("*/management/commands/demo.py"))


def database_name():
    return f"PostgreSQL ({POSTGRES_DB})" if DATABASE_URL.startswith("postgres") else "SQLite (var/bench/db.sqlite3)"


def postgres_database(fresh):
    """Create the bench's PostgreSQL database (anew with `fresh`)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DB}" WITH (FORCE)')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DB]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{POSTGRES_DB}"')


def prepare(env, fresh):
    print(f"Preparing {database_name()}")
    VAR.mkdir(parents=True, exist_ok=True)
    if DATABASE_URL.startswith("postgres"):
        postgres_database(fresh)
    elif fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
    manage = [PYTHON, "manage.py"]
    run_step("migrate", manage + ["migrate", "--noinput"], env)
    if demo_command_exists():
        run_step("demo data", manage + ["demo"], env)
    else:
        print("  WARNING: no `demo` management command yet: measuring the pages that exist")
    run_step("collectstatic", manage + ["collectstatic", "--noinput", "-v", "0"], env)


def shop_catalogue(env, products, build):
    """Build the benchmark catalogue once (`build`), or only read what the database holds; its summary."""
    cmd = [PYTHON, str(BENCH / "shop_catalogue.py"), "--products", str(products)]
    if build:
        out = run_step(f"shop catalogue ({products:,} products; built once)", cmd, env, timeout=1200)
    else:
        out = run_step("shop catalogue (as it is)", cmd + ["--status"], env)
    summary = json.loads(out.strip().splitlines()[-1])
    print(
        f"  catalogue: {summary['products']:,} products ({summary['available_products']:,} available), "
        f"{summary['devices_listed']:,} devices listed, {summary['stock_records']:,} stock records "
        f"at {summary['workshops']} workshops"
    )
    if summary["bench_products"] != products:
        print(
            f"  WARNING: the benchmark catalogue has {summary['bench_products']:,} products, not {products:,}: "
            "run without --no-prepare (or with --fresh-db)"
        )
    return summary


def resolve(pages, env):
    """Fill the "{name}" placeholders from the database; "{*name}" stands for all the paths its lookup finds
    (wrk then spreads its requests over them). Pages whose lookup finds nothing are skipped."""
    pattern = r"\{\*?(\w+)\}"
    names = sorted({name for page in pages for name in re.findall(pattern, page["path"])})
    found = {}
    if names:
        out = run_step(f"look up {', '.join(names)}", [PYTHON, str(BENCH / "lookups.py"), *names], env)
        found = json.loads(out.strip().splitlines()[-1])
    resolved, skipped = [], []
    for page in pages:
        label, path = page["label"], page["path"]
        missing = [n for n in re.findall(pattern, path) if not found.get(n)]
        if missing:
            skipped.append(
                {"label": label, "path": path, "goals": page["goals"], "error": f"nothing found for {{{missing[0]}}}"}
            )
            print(f"  WARNING: skipping {label}: no page for {{{missing[0]}}} in the database (demo data?)")
            continue
        many = re.fullmatch(r"\{\*(\w+)\}", path)
        if many:
            paths = found[many.group(1)]
            resolved.append(page | {"path": f"{len(paths)} distinct paths", "paths": paths})
        else:
            resolved.append(page | {"path": re.sub(pattern, lambda m: found[m.group(1)], path)})
    return resolved, skipped


# --- Servers ---------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn (WORKERS sync workers) on a free loopback port."""

    def __init__(self, name, app, env, workers):
        self.name, self.app, self.env, self.workers = name, app, env, workers
        self.proc = None
        self.port = None
        self.log_path = VAR / f"{name}.log"

    @property
    def base(self):
        return f"http://{HOST}:{self.port}"

    def start(self, timeout=60):
        self.port = free_port()
        gunicorn = BIN / "gunicorn"
        if not gunicorn.exists():
            gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        cmd = [
            str(gunicorn),
            "--chdir", str(ROOT),
            "--workers", str(self.workers),
            "--worker-class", WORKER_CLASS,
            "--bind", f"{HOST}:{self.port}",
            "--log-level", "warning",
            "--config", str(BENCH / "gunicorn.conf.py"),  # not the project's (access log, worker recycling)
            self.app,
        ]  # fmt: skip
        with open(self.log_path, "w") as log:
            # Own session: a Ctrl-C reaches this script only, which then stops the server itself.
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name}: gunicorn exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                with OPENER.open(self.base + "/", timeout=5) as response:
                    response.read()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise BenchError(f"{self.name}: no answer on {self.base} after {timeout} s\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn: graceful shutdown of the workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- Requests and wrk -----------------------------------------------------------------------------
def fetch(url):
    """(status, headers, body length) of a GET, without following redirects."""
    try:
        with OPENER.open(url, timeout=30) as response:
            return response.status, response.headers, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, 0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output):
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    total = re.search(r"^\s+(\d+) requests in ", output, re.M)
    if not (rps and p50 and total):
        raise BenchError(f"cannot parse the output of wrk:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)),
        "p50_ms": float(p50.group(1)) * _UNITS_MS[p50.group(2)],
        "requests": int(total.group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


# wrk's Lua script for a page measured over many paths: each connection walks the list from its own start.
ROTATE_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("offset", counter * 7919) end
function init(args) position = offset end
function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
"""


def wrk(url, args, duration, paths=None):
    cmd = [
        "wrk", "--latency",
        "--threads", str(args.threads),
        "--connections", str(args.connections),
        "--duration", f"{duration}s",
        "--timeout", "10s",
    ]  # fmt: skip
    env = None
    if paths:
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / "paths.txt").write_text("\n".join(paths) + "\n")
        (VAR / "rotate.lua").write_text(ROTATE_SCRIPT)
        cmd += ["--script", str(VAR / "rotate.lua")]
        env = {**os.environ, "BENCH_PATHS": str(VAR / "paths.txt")}
    cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, env=env)
    if proc.returncode:
        raise BenchError(f"wrk exited with {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return parse_wrk(proc.stdout)


def measure(url, args, paths=None):
    if args.warmup > 0:
        wrk(url, args, args.warmup, paths)
    return wrk(url, args, args.duration, paths)


def cache_state(headers):
    """From a response's headers: "hit (age N s)" when it came out of the page cache, "miss" when it was
    cacheable but freshly rendered, "not cached" when the page cache did not touch it."""
    match = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
    if not match or not headers.get("Expires") or not headers.get("Date"):
        return "not cached" + (" (sets a cookie)" if headers.get("Set-Cookie") else "")
    try:
        left = (parsedate_to_datetime(headers["Expires"]) - parsedate_to_datetime(headers["Date"])).total_seconds()
    except (TypeError, ValueError):
        return "?"
    age = int(match.group(1)) - left
    return f"hit (age {age:.0f} s)" if age >= 2 else "miss"


# --- One mode ---------------------------------------------------------------------------------------
def run_mode(mode, pages, bare, args):
    seconds = args.page_cache_seconds if mode == "cached" else 0
    print(f"\n== {mode}: PAGE_CACHE_SECONDS={seconds}, goal ≥ {GOALS[mode]:.0%} of the bare view unless stated ==")
    site = Server(f"site-{mode}", "reemploi.wsgi:application", site_env(seconds), args.workers)
    try:
        site.start()
        results, measurable = [], []
        for page in pages:
            label, path = page["label"], page["path"]
            # A page measured over many paths: its first ones are checked (wrk counts any non-2xx later).
            probe = page["paths"][:5] if page.get("paths") else [path]
            answers = [fetch(site.base + one) for one in probe]
            status, size = next(((s, n) for s, _h, n in answers if s != 200), (200, answers[0][2]))
            row = {"label": label, "path": path, "status": status, "bytes": size, "goal": page["goals"][mode]}
            if page.get("paths"):
                row["paths"], row["distinct_paths"] = page["paths"], len(page["paths"])
            if status != 200:
                row["error"] = f"HTTP {status}"
                print(f"  WARNING: {label} {path} answers HTTP {status}: not measured")
            else:
                measurable.append(row)
            results.append(row)

        print(f"  bare view {BARE_PATH} (before) …", flush=True)
        bare_before = measure(bare.base + BARE_PATH, args)
        for row in measurable:
            print(f"  {row['label']} {row['path']} …", flush=True)
            paths = row.get("paths")
            row.update(measure(site.base + (paths[0] if paths else row["path"]), args, paths))
        print(f"  bare view {BARE_PATH} (after) …", flush=True)
        bare_after = measure(bare.base + BARE_PATH, args)
        if mode == "cached":
            for row in measurable:
                row["cache"] = cache_state(fetch(site.base + (row.get("paths") or [row["path"]])[0])[1])
    finally:
        site.stop()
    for row in results:
        row.pop("paths", None)  # the count is kept, not the thousands of paths

    bare_row = {
        "label": "bare view",
        "path": BARE_PATH,
        "rps": (bare_before["rps"] + bare_after["rps"]) / 2,
        "p50_ms": (bare_before["p50_ms"] + bare_after["p50_ms"]) / 2,
        "before": bare_before,
        "after": bare_after,
    }
    for row in measurable:
        row["ratio"] = row["rps"] / bare_row["rps"]
        if row["goal"] is not None:
            row["goal_met"] = row["ratio"] >= row["goal"] and row["non_2xx"] == 0
    return {"page_cache_seconds": seconds, "goal": GOALS[mode], "bare": bare_row, "pages": results}


def goal_cell(row):
    if row.get("goal") is None:
        return "(none)"
    return f"≥ {row['goal']:.0%}: " + ("yes" if row.get("goal_met") else "NO")


def print_table(mode, result):
    bare = result["bare"]
    cached = mode == "cached"
    rows = [["page", "path", "req/s", "p50 ms", "% of bare", "goal"] + (["page cache"] if cached else [])]
    rows.append(["bare view", bare["path"], f"{bare['rps']:.0f}", f"{bare['p50_ms']:.2f}", "100.0", ""])
    for row in result["pages"]:
        if "rps" not in row:
            rows.append([row["label"], row["path"], "-", "-", "-", goal_cell(row)] + (["-"] if cached else []))
            continue
        rows.append(
            [
                row["label"],
                row["path"],
                f"{row['rps']:.0f}",
                f"{row['p50_ms']:.2f}",
                f"{row['ratio']:.1%}".rstrip("%"),
                goal_cell(row),
            ]
            + ([row.get("cache", "")] if cached else [])
        )
    numeric = {2, 3, 4}
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
    title = "page cache on" if cached else "uncached"
    print(f"\n{title} (PAGE_CACHE_SECONDS={result['page_cache_seconds']})")
    for r in rows:
        cells = [c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(r)]
        print("  " + "  ".join(cells).rstrip())
    b, a = bare["before"], bare["after"]
    print(f"  (bare view: {b['rps']:.0f} req/s before the pages, {a['rps']:.0f} after; the mean is used)")
    if abs(b["rps"] - a["rps"]) > 0.25 * bare["rps"]:
        print("  WARNING: the bare view moved by more than 25 % during the run: is something else using the CPU?")
    for row in result["pages"]:
        if "error" in row:
            print(f"  NOT MEASURED: {row['label']} {row['path']}: {row['error']}")
        if row.get("non_2xx") or row.get("socket_errors"):
            print(
                f"  WARNING: {row['label']}: {row['non_2xx']} non-2xx responses, {row['socket_errors']} socket errors"
            )


# --- Main ---------------------------------------------------------------------------------------------
def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Measure the site's pages with wrk against a bare Django view (see bench/README.md).",
    )
    parser.add_argument(
        "extra", nargs="*", metavar="[LABEL=]PATH", help="more paths to measure after the default pages"
    )
    parser.add_argument(
        "--only-extra", action="store_true", help="measure only the paths given, not PAGES nor SHOP_PAGES"
    )
    shop = parser.add_mutually_exclusive_group()
    shop.add_argument("--no-shop", action="store_true", help="leave the shop out (no catalogue, no shop pages)")
    shop.add_argument("--shop-only", action="store_true", help="measure only the shop pages (SHOP_PAGES)")
    parser.add_argument(
        "--products", type=int, default=SHOP_PRODUCTS, help=f"products in the shop catalogue ({SHOP_PRODUCTS:,})"
    )
    parser.add_argument("--mode", choices=["both", "uncached", "cached"], default="both")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("-c", "--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("-d", "--duration", type=int, default=5, help="seconds measured per URL (5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per URL, not counted (1)")
    parser.add_argument("-w", "--workers", type=int, default=WORKERS, help=f"gunicorn workers ({WORKERS})")
    parser.add_argument("--page-cache-seconds", type=int, default=PAGE_CACHE_SECONDS)
    parser.add_argument("--no-prepare", action="store_true", help="reuse the database as it is")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use the local PostgreSQL server ({POSTGRES_SERVER}, database {POSTGRES_DB}) instead of SQLite",
    )
    parser.add_argument("--fresh-db", action="store_true", help="delete the bench database first")
    parser.add_argument("--check", action="store_true", help="exit with 1 when a page misses its goal")
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    if args.only_extra and (args.no_shop or args.shop_only):
        parser.error("--only-extra measures the paths given only: --no-shop and --shop-only do not apply")
    args.shop = not (args.only_extra or args.no_shop)
    pages = []
    if not (args.only_extra or args.shop_only):
        pages += [{"label": label, "path": path, "goals": GOALS} for label, path in PAGES]
    if args.shop:
        pages += [{"label": label, "path": path, "goals": goals} for label, path, goals in SHOP_PAGES]
    for item in args.extra:
        label, _, path = item.partition("=") if "=" in item.split("/", 1)[0] else ("", "", item)
        if not path.startswith("/"):
            parser.error(f"{item!r}: a path starts with /")
        pages.append({"label": label or path, "path": path, "goals": GOALS})
    if not pages:
        parser.error("nothing to measure")
    return args, pages


def machine():
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"cores": usable, "cpu": cpu, "platform": platform.platform(), "python": platform.python_version()}


def git_state():
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}


def versions():
    out = {}
    for name in ("django", "wagtail", "django-oscar", "gunicorn"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n", 1)[0]
    out["wrk"] = " ".join(wrk_v.split()[:2])
    return out


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    global DATABASE_URL
    args, pages = parse_args(sys.argv[1:] if argv is None else argv)
    if args.postgres:
        DATABASE_URL = f"{POSTGRES_SERVER}/{POSTGRES_DB}"
    if shutil.which("wrk") is None:
        print("wrk (the HTTP load generator) is not installed: sudo apt-get install wrk", file=sys.stderr)
        return 2
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)  # always reach the `finally` that stops the servers
    modes = ["uncached", "cached"] if args.mode == "both" else [args.mode]
    bare = Server("bare", "bench.bare:application", bare_env(), args.workers)
    started = datetime.now().astimezone()
    catalogue = None
    try:
        env = site_env(0)
        if args.no_prepare:
            VAR.mkdir(parents=True, exist_ok=True)
        else:
            prepare(env, args.fresh_db)
        if args.shop:
            catalogue = shop_catalogue(env, args.products, build=not args.no_prepare)
        pages, skipped = resolve(pages, env)
        print(f"Serving the bare view ({args.workers} {WORKER_CLASS} workers)")
        bare.start()
        status, _, _ = fetch(bare.base + BARE_PATH)
        if status != 200:
            raise BenchError(f"the bare view answers HTTP {status}")
        results = {mode: run_mode(mode, pages, bare, args) for mode in modes}
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (BenchError, subprocess.SubprocessError) as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    finally:
        bare.stop()

    for mode, result in results.items():
        result["pages"] += [
            {"label": row["label"], "path": row["path"], "goal": row["goals"][mode], "error": row["error"]}
            for row in skipped
        ]
        print_table(mode, result)

    report = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "versions": versions(),
        "setup": {
            "settings": "reemploi.settings.production",
            "database": database_name(),
            "cache": "local memory (one per worker)",
            "gunicorn": {"workers": args.workers, "worker_class": WORKER_CLASS},
            "wrk": {
                "threads": args.threads,
                "connections": args.connections,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
            },
            "demo_data": demo_command_exists(),
            "shop_catalogue": catalogue,
        },
        "goals": GOALS,
        "modes": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")

    missed = [
        f"{mode}: {row['label']}"
        for mode, result in results.items()
        for row in result["pages"]
        if not row.get("goal_met") and (row.get("goal") is not None or "rps" not in row)
    ]
    if missed:
        print("Goal missed (or not measured): " + ", ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
