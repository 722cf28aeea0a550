"""Lighthouse (mobile) on the pages the shop is judged by: home, catalogue, a product page with photos, the
basket, the checkout and the rental landing, served as in production (see bench/README.md).

    .venv/bin/python bench/lighthouse.py [--no-prepare] [--check]

Uses the benchmark's database and server (`bench/run.py`: production settings, gunicorn, the demo data and
the 5,000-product catalogue) and Lighthouse from the npm registry (`npm install --prefix var/tools
lighthouse`) driving Debian's Chromium (`/usr/bin/chromium`, or CHROME_PATH), offline: every request goes
to the loopback. The basket and the checkout are measured with a basket holding one device (its session
cookie is sent with Lighthouse's requests). Prints each category's score and the audits that lost points,
writes bench/results/lighthouse.json; `--check` exits with 1 when a goal is missed: performance ≥ 95,
accessibility, best practices and SEO 100.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the benchmark's server and preparation)

LIGHTHOUSE = run.ROOT / "var/tools/node_modules/.bin/lighthouse"
RESULTS = run.BENCH / "results" / "lighthouse.json"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def basket_cookie(base: str, product_path: str) -> str:
    """The cookies of a visitor who put the product in the basket (a GET for the CSRF token, then the form).
    Production cookies are `Secure` and the server is plain HTTP on the loopback, which Chromium treats as
    secure but Python's cookie jar does not: cookies are carried by hand."""
    cookies = {}

    def keep(response):
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value

    def cookie_header():
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    with run.OPENER.open(base + product_path, timeout=30) as response:
        page = response.read().decode()
        keep(response)
    action = re.search(r'<form id="add_to_basket_form" action="([^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "quantity": 1}).encode()
    headers = {"Referer": base + product_path, "Cookie": cookie_header()}
    request = urllib.request.Request(base + action, data=data, headers=headers)  # noqa: S310 (the loopback)
    try:
        with run.OPENER.open(request, timeout=30) as response:
            keep(response)
    except urllib.error.HTTPError as redirect:  # the basket answers with a redirection, not followed
        if redirect.code != 302:
            raise
        keep(redirect)
    return cookie_header()


def lighthouse(url: str, cookie: str | None, out: Path) -> dict:
    cmd = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]  # fmt: skip
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=300)
    report = json.loads(out.read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    lost = [
        f"{name}: {ref['id']} ({audits[ref['id']].get('displayValue') or audits[ref['id']]['score']})"
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight") and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
    ]
    return {"url": url, "scores": scores, "lost": lost, "final_url": report.get("finalDisplayedUrl")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-prepare", action="store_true", help="reuse the benchmark database as it is")
    parser.add_argument("--check", action="store_true", help="exit with 1 when a page misses a goal")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed ({LIGHTHOUSE}): npm install --prefix var/tools lighthouse")
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        sys.exit("Chromium is not installed: sudo apt-get install chromium")
    env = run.site_env(0)
    if not args.no_prepare:
        run.prepare(env, fresh=False)
        run.shop_catalogue(env, run.SHOP_PRODUCTS, build=True)
    found = json.loads(run.run_step("look up a product with photos", [run.PYTHON, str(run.BENCH / "lookups.py"),
                                    "photographed_product"], env).strip().splitlines()[-1])  # fmt: skip
    product = found["photographed_product"] or "/boutique/catalogue/"
    site = run.Server("lighthouse", "bench.media_proxy:application", env, run.WORKERS)  # media as the proxy serves them
    results = []
    try:
        site.start()
        cookie = basket_cookie(site.base, product)
        pages = [
            ("home", "/", None),
            ("catalogue", "/boutique/catalogue/", None),
            ("product page", product, None),
            ("basket", "/boutique/basket/", cookie),
            ("checkout", "/boutique/checkout/", cookie),
            ("rental landing", "/location/", None),
        ]
        out = run.VAR / "lighthouse-report.json"
        for label, path, page_cookie in pages:
            print(f"  {label} {path} …", flush=True)
            results.append({"label": label, **lighthouse(site.base + path, page_cookie, out)})
    finally:
        site.stop()
    missed = []
    print(f"\n  {'page':16} " + " ".join(f"{name:>14}" for name in CATEGORIES))
    for result in results:
        print(f"  {result['label']:16} " + " ".join(f"{result['scores'][name]:>14}" for name in CATEGORIES))
        missed += [f"{result['label']}: {n}" for n in CATEGORIES if result["scores"][n] < GOALS[n]]
        for lost in result["lost"]:
            print(f"      lost: {lost}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"git": run.git_state(), "goals": GOALS, "pages": results}, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(run.ROOT)}")
    if missed:
        print("Goal missed: " + ", ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
