"""The production topology on loopback, started and walked through (a stage of `.ci/run`, `make topology`).

Separate processes, as in production: PostgreSQL (a cluster of its own, so that it can be stopped), Redis
(cache, sessions, rate limits and Celery's broker), an S3-compatible store (moto's server mode: a public
bucket for media, a private one for legal evidence and a third for backups), an SMTP server (aiosmtpd, writing
what it receives to a Maildir), the local Stripe server, gunicorn over TLS (a certificate made for the run)
with the production settings, a Celery worker and Celery beat. Gunicorn and Celery are started without
DJANGO_SETTINGS_MODULE: their entry points' default, production, is what runs.

Then, through them, as users and operators would:
1. the health endpoint is green for every component (database, cache, both storages, a Celery worker);
2. a visitor buys a device by card: the order is paid, Stripe's webhook arrives signed, and the worker sends
   the confirmation e-mail through SMTP;
3. a page scheduled by an editor goes live when beat's minute comes;
4. an editor's image upload lands in the public bucket and is served from it;
5. a donor downloads an erasure certificate and a trainee their proof of enrolment, both from the private
   bucket through the permission-checked views, which refuse anyone else;
6. a backup is made, then restored into an empty database and an empty private bucket: same rows, same files;
7. faults: Redis stopped → health names the cache and the broker, public pages still answer 200; the store
   stopped → health names the storages, pages still 200; PostgreSQL stopped → health names the database and
   pages answer 503 with Retry-After.

Exit status 0 when every step passed. `--keep` leaves the processes running (Ctrl-C stops them) and prints
their addresses; logs are in var/topology/logs/. `--image reemploi:latest` runs every process of the site
(manage.py, gunicorn, the worker, beat) in a container of that image instead of this checkout's virtual
environment, on the host's network (deploy/image.py, `make image`).
"""

import argparse
import email
import json
import mailbox
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import boto3
import requests
import stripe

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WORK = BASE_DIR / "var" / "topology"
PASSWORD = "demo-reemploi-2026"  # the demo users' password (demo/users.py)
BUCKETS = {"media": "reemploi-media", "private": "reemploi-private", "backups": "reemploi-backups"}
# What anyone may read from the media bucket (README, Deploying): images and their renditions, product photos —
# not Wagtail's documents (media/documents/), which a private collection protects and Wagtail's view serves.
PUBLIC_PREFIXES = ("media/original_images/", "media/images/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, predicate, timeout: float = 30.0, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (OSError, requests.RequestException):
            result = None
        if result:
            return result
        time.sleep(interval)
    raise Failure(f"{what}: not within {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Failure(Exception):
    pass


def check(condition, message: str):
    if not condition:
        raise Failure(message)


CONTAINER_PREFIX = "reemploi-topology-"


class Processes:
    """Named child processes, each with its log file; stopped in reverse order at the end. A process that is
    `docker run` names its container after itself: stopping it stops the container."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict, **kwargs) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the process)
        process = subprocess.Popen(
            command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.running[name] = process
        return process

    def stop(self, name: str):
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        if process.args[:2] == ["docker", "run"]:
            subprocess.run(["docker", "stop", "-t", "20", CONTAINER_PREFIX + name], capture_output=True)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)

    def check_alive(self):
        for name, process in self.running.items():
            check(process.poll() is None, f"the {name} process exited ({self.logs / name}.log)")


class PostgreSQL:
    """A cluster of its own in var/topology/pg, run as the `postgres` user when this script runs as root."""

    def __init__(self, work: Path, port: int):
        self.data = work / "pg"
        self.port = port
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        self.bin = found[-1].parent if found else Path(shutil.which("initdb") or "initdb").parent
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str):
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, cwd="/")

    def init(self):
        self.data.mkdir(parents=True)
        if self.as_postgres:
            shutil.chown(self.data, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w", "start"
        )

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str):
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)


class Topology:
    def __init__(self, image: str | None = None):
        self.image = image
        if WORK.exists():
            shutil.rmtree(WORK)
        (WORK / "logs").mkdir(parents=True)
        self.ports = {name: free_port() for name in ("pg", "redis", "s3", "smtp", "stripe", "web")}
        self.processes = Processes(WORK / "logs")
        self.postgres = PostgreSQL(WORK, self.ports["pg"])
        self.base = f"https://127.0.0.1:{self.ports['web']}"
        self.s3_url = f"http://127.0.0.1:{self.ports['s3']}"
        self.certificate = WORK / "tls" / "cert.pem"
        self.maildir = WORK / "mail"
        self.env = self._environment()
        self.scheduled: tuple[str, float] | None = None

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
        for key in ("REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "PAGE_CACHE_SECONDS") + tuple(
            k for k in os.environ if k.startswith(("AWS_", "STRIPE_", "SENTRY_"))
        ):
            env.pop(key, None)
        site = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_BASE_URL": self.base,
            "DATABASE_URL": self.postgres.url("reemploi"),
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.ports['smtp']}",
            "AWS_STORAGE_BUCKET_NAME": BUCKETS["media"],
            "AWS_PRIVATE_BUCKET_NAME": BUCKETS["private"],
            "BACKUP_BUCKET_NAME": BUCKETS["backups"],
            "AWS_S3_ENDPOINT_URL": self.s3_url,
            "AWS_S3_REGION_NAME": "eu-west-3",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "topology",
            "AWS_SECRET_ACCESS_KEY": "topology-secret",
            "STRIPE_SECRET_KEY": "sk_test_topology",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_topology",
            "STRIPE_WEBHOOK_SECRET": "whsec_topology",
            "STRIPE_API_BASE": f"http://127.0.0.1:{self.ports['stripe']}",
            "STRIPE_JS_URL": f"http://127.0.0.1:{self.ports['stripe']}/js.stripe.com/v3/",
            "GUNICORN_WORKERS": "2",
            "PYTHONUNBUFFERED": "1",
            "SSL_CERT_FILE": str(self.certificate),  # localstripe's webhooks reach gunicorn over TLS
        }
        env.update(site)
        self.site_keys = set(site) | {"DJANGO_SETTINGS_MODULE"}  # what the site's containers are given
        env.pop("DJANGO_SETTINGS_MODULE", None)  # gunicorn and Celery: their own default (production)
        return env

    # --- starting -----------------------------------------------------------------------------------
    def start_services(self):
        """What the site's processes use: PostgreSQL (a new cluster, an empty database), Redis, the S3 store
        with its buckets, SMTP, the local Stripe server."""
        self.remove_containers()
        self.make_certificate()
        if self.image:
            self.certificate.with_name("key.pem").chmod(0o644)  # read by the image's unprivileged user
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database("reemploi")
        self.start_redis()
        self.start_s3()
        self.start_smtp()
        self.start_stripe()

    def stop(self):
        self.processes.stop_all()
        self.remove_containers()

    def remove_containers(self):
        """The site's containers left running: by a `docker run` killed (at the end), or by a killed run (at the
        start: their names would be taken)."""
        if not self.image:
            return
        left = subprocess.run(
            ["docker", "ps", "-aq", "--filter", f"name={CONTAINER_PREFIX}"], capture_output=True, text=True
        ).stdout.split()
        if left:
            subprocess.run(["docker", "rm", "-f", *left], capture_output=True)
        try:
            self.postgres.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped

    def make_certificate(self):
        self.certificate.parent.mkdir()
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(self.certificate.with_name("key.pem")), "-out", str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip

    def start_redis(self):
        self.processes.start(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.ports["redis"]),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.env,
        )
        wait_for("Redis", lambda: port_open(self.ports["redis"]))

    def start_s3(self):
        self.processes.start(
            "s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports["s3"])], self.env
        )
        wait_for("the S3 server", lambda: port_open(self.ports["s3"]))
        s3 = self.s3()
        for bucket in BUCKETS.values():
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": [f"arn:aws:s3:::{BUCKETS['media']}/{prefix}*" for prefix in PUBLIC_PREFIXES],
                }
            ],
        }
        s3.put_bucket_policy(Bucket=BUCKETS["media"], Policy=json.dumps(public_read))

    def s3(self):
        return boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name="eu-west-3",
            aws_access_key_id="topology",
            aws_secret_access_key="topology-secret",
        )

    def start_smtp(self):
        mailbox.Maildir(self.maildir, create=True)  # new/, cur/, tmp/
        self.processes.start(
            "smtp",
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.ports['smtp']}", "-c",
             "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            self.env,
        )  # fmt: skip
        wait_for("the SMTP server", lambda: port_open(self.ports["smtp"]))

    def start_stripe(self):
        self.processes.start(
            "stripe",
            [
                sys.executable, "-m", "payments.localstripe_server", f"--port={self.ports['stripe']}",
                f"--webhook-url={self.base}/webhooks/stripe/", f"--webhook-secret={self.env['STRIPE_WEBHOOK_SECRET']}",
            ],
            self.env,
        )  # fmt: skip
        wait_for("localstripe", lambda: port_open(self.ports["stripe"]))

    def site_command(self, command: list[str], env: dict, name: str) -> list[str]:
        """A command of the site (python, gunicorn, celery): this checkout's virtual environment, or a container of
        the image on the host's network, given the site's settings and the run's certificate."""
        if not self.image:
            executable = sys.executable if command[0] == "python" else str(VENV_BIN / command[0])
            return [executable, *command[1:]]
        container = ["docker", "run", "--rm", "--network", "host", "--name", CONTAINER_PREFIX + name]
        container += ["-v", f"{self.certificate.parent}:{self.certificate.parent}:ro"]
        for key in sorted(self.site_keys & set(env)):
            container += ["-e", key]  # its value from `env`, the docker client's environment (not on its command line)
        return [*container, self.image, *command]

    def manage(self, *arguments: str, timeout: float = 900) -> str:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "reemploi.settings.production"}  # manage.py's default is dev
        name = f"manage-{secrets.token_hex(4)}"
        try:
            done = subprocess.run(
                self.site_command(["python", "manage.py", *arguments], env, name),
                env=env,
                cwd=BASE_DIR,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            if self.image:  # the container outlives its killed client
                subprocess.run(["docker", "rm", "-f", CONTAINER_PREFIX + name], capture_output=True)
            raise Failure(f"manage.py {' '.join(arguments)}: not done within {timeout:.0f} s") from None
        if done.returncode:
            raise Failure(f"manage.py {' '.join(arguments)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def start_web(self):
        key = self.certificate.with_name("key.pem")
        self.processes.start(
            "web",
            self.site_command(
                ["gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.ports['web']}",
                 "--certfile", str(self.certificate), "--keyfile", str(key)],
                self.env, "web",
            ),
            self.env,
        )  # fmt: skip

        def answers():
            self.processes.check_alive()
            return self.get("/robots.txt").status_code == 200

        wait_for("gunicorn", answers, timeout=60)

    def start_workers(self):
        worker = ["celery", "-A", "reemploi", "worker", "--loglevel=INFO", "--concurrency=2"]
        self.processes.start("worker", self.site_command(worker, self.env, "worker"), self.env)
        schedule = "/app/var/celerybeat-schedule" if self.image else WORK / "celerybeat-schedule"  # compose.yaml's
        beat = ["celery", "-A", "reemploi", "beat", "--loglevel=INFO", f"--schedule={schedule}"]
        self.processes.start("beat", self.site_command(beat, self.env, "beat"), self.env)

    def containers(self) -> list[str] | None:
        """The site's running containers (web, worker, beat) with their image, once all three run."""
        listed = subprocess.run(
            ["docker", "ps", "--filter", f"name={CONTAINER_PREFIX}", "--format", "{{.Names}} ({{.Image}})"],
            capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        names = [" ".join(listed[index : index + 2]) for index in range(0, len(listed), 2)]
        return names if len(names) == 3 else None

    def get(self, path: str, session=None, **kwargs) -> requests.Response:
        return (session or requests).get(self.base + path, verify=self.certificate, timeout=30, **kwargs)

    # --- helpers of the journeys --------------------------------------------------------------------
    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = str(self.certificate)
        return session

    def post(self, session: requests.Session, path: str, data: dict, referer: str | None = None, **kwargs):
        """A form post as a browser makes it: the CSRF token from the cookie, the Referer that HTTPS requires."""
        data = {"csrfmiddlewaretoken": session.cookies.get("csrftoken", ""), **data}
        headers = {"Referer": self.base + (referer or path)}
        return session.post(
            self.base + path,
            data=data,
            headers=headers,
            timeout=60,
            allow_redirects=False,
            verify=self.certificate,
            **kwargs,
        )

    def login(self, email_address: str) -> requests.Session:
        session = self.session()
        check(self.get("/compte/login/", session).status_code == 200, "the login page")
        response = self.post(session, "/compte/login/", {"login": email_address, "password": PASSWORD})
        check(response.status_code == 302, f"login of {email_address}: {response.status_code}")
        return session

    def keys(self, bucket: str) -> list[str]:
        return [item["Key"] for item in self.s3().list_objects_v2(Bucket=bucket).get("Contents", [])]

    def first_link(self, session, pages: list[str], pattern: str) -> str | None:
        """The first link matching `pattern` on the first of `pages` that has one."""
        for page in pages:
            found = re.search(pattern, self.get(page, session).text)
            if found:
                return found.group(1)
        return None

    def health(self) -> tuple[int, dict]:
        response = self.get("/sante/", headers={"Accept": "application/json"})
        return response.status_code, response.json()

    def messages_to(self, address: str) -> list[email.message.Message]:
        return [message for message in mailbox.Maildir(self.maildir, create=False) if address in message.get("To", "")]


# --- the journeys -----------------------------------------------------------------------------------
def health_green(topology: Topology):
    def green():
        status, components = topology.health()
        return status == 200 and components

    components = wait_for("the health endpoint green", green, timeout=60)
    print("   components:", ", ".join(sorted(components)))
    check(any("Celery" in name for name in components), "the health endpoint checks a Celery worker")


def card_order(topology: Topology):
    buyer = topology.session()
    catalogue = topology.get("/boutique/catalogue/", buyer)
    check(catalogue.status_code == 200, "the catalogue")
    product_path = re.search(r'href="(/boutique/catalogue/[\w-]+_\d+/)"', catalogue.text).group(1)
    product = topology.get(product_path, buyer)
    add = re.search(r'action="(/boutique/basket/add/\d+/)"', product.text)
    check(add, f"an add-to-basket form on {product_path}")
    check(topology.post(buyer, add.group(1), {"quantity": 1}, referer=product_path).status_code == 302, "add to basket")
    check(topology.get("/boutique/checkout/", buyer).status_code == 200, "the checkout page")
    address = "acheteuse.topologie@example.org"
    form = {
        "email": address, "fulfilment": "delivery", "first_name": "Anne", "last_name": "Le Goff",
        "line1": "3 rue de la Soif", "postcode": "35000", "city": "Rennes", "phone": "0600000000",
        "method": "card", "accept_terms": "on",
    }  # fmt: skip
    response = topology.post(buyer, "/boutique/checkout/", form)
    check(
        response.status_code == 302 and "paiement" in response.headers["Location"], f"checkout: {response.status_code}"
    )
    check(topology.get("/boutique/checkout/paiement/", buyer).status_code == 200, "the payment page")
    # What Stripe.js does in the browser: the card becomes a token at Stripe (the local server, which takes
    # the secret key only).
    client = stripe.StripeClient(
        topology.env["STRIPE_SECRET_KEY"], base_addresses={"api": topology.env["STRIPE_API_BASE"]}
    )
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    token = client.v1.tokens.create(params={"card": card})["id"]
    response = topology.post(buyer, "/boutique/checkout/paiement/", {"token": token})
    check(response.status_code == 302 and "/boutique/commandes/" in response.headers["Location"], "the card payment")
    order = topology.get(response.headers["Location"], buyer)
    check(order.status_code == 200, "the order page")
    number = re.search(r"/boutique/commandes/([\w-]+)/", response.headers["Location"]).group(1)
    print(f"   order {number} placed")

    def mailed():
        return [message for message in topology.messages_to(address) if number in message.as_string()]

    wait_for("the order's e-mail sent by the worker", mailed, timeout=60)
    worker_log = (WORK / "logs" / "worker.log").read_text(errors="replace")
    check("Task shop.tasks.send_order_email[" in worker_log, "the worker received the e-mail task")
    webhook = re.compile(r'"POST /webhooks/stripe/ HTTP/1\.1" 200')
    wait_for(
        "Stripe's signed webhook answered by gunicorn", lambda: webhook.search((WORK / "logs" / "web.log").read_text())
    )
    print(f"   e-mail to {address} received by SMTP; webhook answered 200")


def scheduled_page(topology: Topology):
    slug = f"publication-programmee-{secrets.token_hex(3)}"
    go_live = time.time() + 5
    code = f"""
from datetime import datetime, timezone
from content.models import NewsIndexPage, NewsPage
index = NewsIndexPage.objects.live().first()
page = NewsPage(
    title="Publication programmée", slug="{slug}", live=False, date=datetime.now().date(),
    intro="Une actualité écrite d'avance, publiée à l'heure dite.",
    body=[{{"type": "paragraph", "value": "<p>Publiée par le planificateur.</p>"}}],
)
index.add_child(instance=page)
go_live_at = datetime.fromtimestamp({go_live}, tz=timezone.utc)
page.go_live_at = go_live_at
revision = page.save_revision()
revision.approved_go_live_at = go_live_at
revision.save(update_fields=["approved_go_live_at"])
print(page.url)
"""
    url = topology.manage("shell", "-c", code).strip().splitlines()[-1]
    check(topology.get(url).status_code == 404, "a scheduled page is not live before its time")
    topology.scheduled = (url, time.monotonic())
    print(f"   {url} scheduled in 5 s (beat's next minute publishes it; the journeys go on meanwhile)")


def scheduled_page_live(topology: Topology):
    url, started = topology.scheduled
    wait_for(
        "the scheduled page published by beat", lambda: topology.get(url).status_code == 200, timeout=150, interval=2
    )
    print(f"   {url} live {time.monotonic() - started:.0f} s after being scheduled")


def editor_image(topology: Topology):
    from io import BytesIO

    from PIL import Image

    editor = topology.login("editeur@reemploi.example")
    form = topology.get("/admin/images/add/", editor)
    check(form.status_code == 200, f"the image upload form: {form.status_code}")
    picture = BytesIO()
    Image.new("RGB", (640, 400), (20, 110, 90)).save(picture, "JPEG")
    name = f"atelier-topologie-{secrets.token_hex(3)}.jpg"
    collection = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text)
    data = {"title": "Atelier (topologie)", "tags": ""}
    if collection:
        data["collection"] = collection.group(1)
    response = topology.post(
        editor, "/admin/images/add/", data, files={"file": (name, picture.getvalue(), "image/jpeg")}
    )
    check(response.status_code == 302, f"the image upload: {response.status_code}")
    keys = topology.keys(BUCKETS["media"])
    stored = [key for key in keys if key.endswith(name)]
    check(stored, f"{name} in the public bucket")
    served = requests.get(f"{topology.s3_url}/{BUCKETS['media']}/{stored[0]}", timeout=10)
    check(served.status_code == 200 and served.content[:3] == b"\xff\xd8\xff", "the image served from the bucket")
    print(f"   {stored[0]} stored in {BUCKETS['media']} and served from it")

    form = topology.get("/admin/documents/add/", editor)
    check(form.status_code == 200, f"the document upload form: {form.status_code}")
    name = f"compte-rendu-{secrets.token_hex(3)}.pdf"
    data = {"title": "Compte rendu (topologie)", "tags": ""}
    collection = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text)
    if collection:
        data["collection"] = collection.group(1)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = topology.post(editor, "/admin/documents/add/", data, files={"file": (name, pdf, "application/pdf")})
    check(response.status_code == 302, f"the document upload: {response.status_code}")
    keys = topology.keys(BUCKETS["media"])
    stored = [key for key in keys if key.endswith(name)]
    check(stored and stored[0].startswith("media/documents/"), f"{name} in the media bucket")
    direct = requests.get(f"{topology.s3_url}/{BUCKETS['media']}/{stored[0]}", timeout=10)
    check(direct.status_code == 403, f"a document read from the bucket directly: {direct.status_code}")
    page = topology.get("/admin/documents/", editor)
    link = re.search(r'href="(/documents/\d+/' + re.escape(name) + ')"', page.text)
    check(link, "the document's link in the back office")
    served = topology.get(link.group(1))
    check(served.status_code == 200 and served.content == pdf, "the document served through Wagtail's view")
    print(f"   {stored[0]}: 403 from the bucket directly, served through {link.group(1)}")


def workshop_imports(topology: Topology):
    """A large inventory imported by the worker (file in the private bucket, progress read by HTTP), and a
    hardware report sent with a probe key made in the back office."""
    technician = topology.login("atelier@reemploi.example")
    batch = re.search(r"/admin/atelier/lots/(\d+)/import/", topology.get("/admin/atelier/lots/", technician).text)
    check(batch, "a batch of the technician's member")
    rows = "".join(
        f"TOPO{secrets.token_hex(4).upper()}{n:05d};LENOVO;ThinkPad T480;Portable;8192\r\n" for n in range(1500)
    )
    content = ("\ufeffNuméro de série;Fabricant;Modèle;Type;Mémoire\r\n" + rows).encode()
    upload = f"/admin/atelier/lots/{batch.group(1)}/import/"
    response = topology.post(technician, upload, {}, files={"file": ("glpi.csv", content, "text/csv")})
    check(response.status_code == 302, f"the inventory upload: {response.status_code}")
    preview_url = response.headers["Location"]
    preview = topology.get(preview_url, technician).text
    mapping = {}
    for name, options in re.findall(r'<select name="(column_\d+)"[^>]*>(.*?)</select>', preview, re.S):
        chosen = re.search(r'<option value="([a-z_]*)"[^>]*selected', options)
        mapping[name] = chosen.group(1) if chosen else ""
    check(mapping.get("column_0") == "serial" and len(mapping) == 5, f"the proposed mapping: {mapping}")
    response = topology.post(technician, preview_url, {**mapping, "import": "1"}, referer=preview_url)
    check(response.status_code == 302, f"the import confirmed: {response.status_code}")
    check(any("devices/imports/" in key for key in topology.keys(BUCKETS["private"])), "the file stored")

    def progress():
        answer = topology.get(preview_url + "avancement/", technician).json()
        return answer if answer["finished"] else None

    answer = wait_for("the worker's import", progress, timeout=180, interval=1)
    check(answer["status"] == "done" and answer["rows_done"] == 1500, f"the import's end: {answer}")
    print(f"   1,500 rows imported by the worker, progress {answer['percent']} %")

    form = topology.get("/admin/atelier/cles-sonde/", technician).text
    member = re.search(r'<select name="association".*?<option value="(\d+)"[^>]*selected', form, re.S)
    check(member, "the technician's member proposed for the key")
    page = topology.post(
        technician,
        "/admin/atelier/cles-sonde/",
        {"create": "1", "name": "Banc topologie", "association": member.group(1)},
    )
    key = re.search(r"<code>(rmp_[\w-]+)</code>", page.text) if page.status_code == 200 else None
    check(key, f"a probe key made: {page.status_code}")
    report = (BASE_DIR / "tests" / "devices" / "files" / "hardware" / "thinkpad-t480.json").read_bytes()
    sent = requests.post(
        topology.base + "/api/atelier/rapports-materiel/",
        data=report,
        headers={"Authorization": f"Bearer {key.group(1)}", "Content-Type": "application/json"},
        verify=topology.certificate,
        timeout=30,
    )
    check(sent.status_code == 202, f"the probe's report for an unknown serial: {sent.status_code} {sent.text[:200]}")
    check(any("devices/hardware/" in key for key in topology.keys(BUCKETS["private"])), "the report stored")
    print("   the probe's report stored in the private bucket, waiting for its device")


def private_files(topology: Topology):
    keys = topology.keys(BUCKETS["private"])
    check(keys, "private files in the private bucket")
    media_keys = topology.keys(BUCKETS["media"])
    check(not [key for key in media_keys if key.startswith("private/")], "no private file in the public bucket")
    anonymous = requests.get(f"{topology.s3_url}/{BUCKETS['private']}/{keys[0]}", timeout=10)
    check(anonymous.status_code == 403, f"an unsigned request for a private file: {anonymous.status_code}")
    print(f"   {len(keys)} files in {BUCKETS['private']}; an unsigned request for one answers 403")

    donor = topology.login("region@reemploi.example")
    home = topology.get("/donateurs/", donor)
    batches = re.findall(r'href="(/donateurs/lots/\d+/)"', home.text)
    check(batches, "the donor's batches")
    certificate = topology.first_link(donor, batches, r'href="(/donateurs/certificats/\d+/)"')
    check(certificate, "an erasure certificate link on a donor's batch")
    download = topology.get(certificate, donor)
    check(download.status_code == 200 and download.content.startswith(b"%PDF"), "the certificate downloaded")
    check("attachment" in download.headers.get("Content-Disposition", ""), "the certificate as an attachment")
    other = topology.login("stagiaire@reemploi.example")
    check(topology.get(certificate, other).status_code == 404, "the certificate refused to another user")
    check(topology.get(certificate, allow_redirects=False).status_code == 302, "the certificate: login first")
    print(f"   {certificate}: downloaded by the donor, 404 for a trainee, login for a visitor")

    applications = topology.get("/location/mes-demandes/", other)
    pages = re.findall(r'href="(/location/mes-demandes/\d+/)"', applications.text)
    proof = topology.first_link(other, pages, r'href="(/location/mes-demandes/\d+/justificatif/)"')
    check(proof, "a proof of enrolment link on the trainee's application")
    download = topology.get(proof, other)
    check(download.status_code == 200 and download.content, "the proof downloaded by its trainee")
    s3 = topology.s3()
    bodies = {s3.get_object(Bucket=BUCKETS["private"], Key=key)["Body"].read() for key in keys}
    check(download.content in bodies, "the proof downloaded is the file of the private bucket")
    check(topology.get(proof, donor).status_code == 404, "the proof refused to someone else")
    print(f"   {proof}: downloaded by its trainee, 404 for the donor")


def backup_restore(topology: Topology):
    output = topology.manage("backup")
    archive = re.search(r"(reemploi-\S+\.tar\.gz)", output)
    check(archive, f"the backup names its archive:\n{output}")
    archive = archive.group(1)
    keys = topology.keys(BUCKETS["backups"])
    check(any(key.endswith(archive) for key in keys), f"{archive} in the backup bucket")
    counts_code = (
        "from devices.models import Device, DeviceEvent; from oscar.core.loading import get_model;"
        "from django.core.files.storage import storages;"
        "print(Device.objects.count(), DeviceEvent.objects.count(), get_model('order','Order').objects.count(),"
        " len(storages['private'].listdir('')[0]) + len(storages['private'].listdir('')[1]))"
    )
    before = topology.manage("shell", "-c", counts_code).strip().splitlines()[-1].split()
    topology.postgres.create_database("restored")
    s3 = topology.s3()
    s3.create_bucket(Bucket="reemploi-restored", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    restored_env = {"DATABASE_URL": topology.postgres.url("restored"), "AWS_PRIVATE_BUCKET_NAME": "reemploi-restored"}
    saved = dict(topology.env)
    topology.env.update(restored_env)
    try:
        topology.manage("restore", archive, "--noinput")
        after = topology.manage("shell", "-c", counts_code).strip().splitlines()[-1].split()
    finally:
        topology.env.clear()
        topology.env.update(saved)
    check(before == after, f"the restored copy holds the same devices, events, orders, files: {before} → {after}")
    restored_keys = set(topology.keys("reemploi-restored"))
    original_keys = set(topology.keys(BUCKETS["private"]))
    check(restored_keys == original_keys, "the restored private bucket holds the same files")
    print(f"   {archive}: {before[0]} devices, {before[1]} events, {before[2]} orders, private files alike")


PUBLIC_PATHS = ("/", "/actualites/", "/boutique/catalogue/")


def public_pages(topology: Topology) -> dict[str, int]:
    catalogue = topology.get("/boutique/catalogue/").text
    paths = list(PUBLIC_PATHS)
    product = re.search(r'href="(/boutique/catalogue/[\w-]+_\d+/)"', catalogue)
    if product:
        paths.append(product.group(1))
        passport = re.search(r'href="(/appareil/[\w-]+/)"', topology.get(product.group(1)).text)
        if passport:
            paths.append(passport.group(1))
    return {path: topology.get(path).status_code for path in paths}


def failing(topology: Topology) -> set[str]:
    status, components = topology.health()
    check(status != 200, "the health endpoint red")
    return {name for name, state in components.items() if state != "OK" and "working" not in str(state).lower()}


def redis_stopped(topology: Topology):
    product_page = public_pages(topology)
    topology.processes.stop("redis")
    try:
        red = wait_for("the health endpoint naming the cache", lambda: failing(topology), timeout=30)
        print("   Redis stopped; failing:", ", ".join(sorted(red)))
        check(any("Cache" in name for name in red), "the cache named")
        answers = public_pages(topology)
        check(set(answers.values()) == {200}, f"public pages with Redis stopped: {answers}")
        check(set(answers) == set(product_page), "the same pages")
        login = topology.get("/compte/login/")
        check(login.status_code in (200, 503) and 'lang="fr"' in login.text, f"the login page: {login.status_code}")
        basket = topology.get("/boutique/basket/")
        check(basket.status_code in (200, 503) and 'lang="fr"' in basket.text, f"the basket: {basket.status_code}")
        print("   public pages:", answers, "; login page", login.status_code, "; basket", basket.status_code)
    finally:
        topology.start_redis()
    wait_for("the health endpoint green again", lambda: topology.health()[0] == 200, timeout=60)
    print("   Redis back: health green")


def store_stopped(topology: Topology):
    topology.processes.stop("s3")
    red = wait_for("the health endpoint naming the storage", lambda: failing(topology), timeout=30)
    print("   store stopped; failing:", ", ".join(sorted(red)))
    check(any("Storage" in name or "storage" in name for name in red), "the storage named")
    answers = public_pages(topology)
    check(set(answers.values()) == {200}, f"public pages with the store stopped: {answers}")
    print("   public pages:", answers)


def database_stopped(topology: Topology):
    topology.postgres.stop()
    red = wait_for("the health endpoint naming the database", lambda: failing(topology), timeout=30)
    print("   PostgreSQL stopped; failing:", ", ".join(sorted(red)))
    check(any("Database" in name for name in red), "the database named")
    home = topology.get("/")
    check(
        home.status_code == 503 and home.headers.get("Retry-After"),
        f"home with the database stopped: {home.status_code}",
    )
    check('lang="fr"' in home.text, "a branded page")
    print("   home: 503, Retry-After", home.headers["Retry-After"])


JOURNEYS = [
    ("health endpoint green", health_green),
    ("a page scheduled by an editor", scheduled_page),
    ("a card order, its e-mail sent by the worker", card_order),
    ("an editor's image in the public bucket, a document kept out of it", editor_image),
    ("private files through permission-checked views", private_files),
    ("a large inventory imported by the worker, a probe report", workshop_imports),
    ("the scheduled page published by beat", scheduled_page_live),
    ("backup, then restore into an empty database and bucket", backup_restore),
    ("Redis stopped", redis_stopped),
    ("the store stopped", store_stopped),
    ("PostgreSQL stopped", database_stopped),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the processes running after the journeys")
    parser.add_argument("--image", help="run the site's processes in containers of this image (deploy/image.py)")
    arguments = parser.parse_args()
    topology = Topology(arguments.image)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: stop the processes too
    try:
        print("== starting PostgreSQL, Redis, S3, SMTP, Stripe")
        topology.start_services()
        static = "" if topology.image else "collectstatic, "  # the image's are collected when it is built
        print(f"== migrate, {static}check --deploy, demo data (production settings)")
        topology.manage("migrate", "--noinput")
        if not topology.image:  # the image holds its static files, collected when it was built (read-only)
            topology.manage("collectstatic", "--noinput")
        topology.manage("check", "--deploy", "--fail-level", "WARNING")
        topology.manage("demo")
        print("== starting gunicorn, the Celery worker and beat")
        topology.start_web()
        topology.start_workers()
        if topology.image:
            print("   containers:", ", ".join(wait_for("the site's three containers", topology.containers)))
        for title, journey in JOURNEYS:
            print(f"-- {title}")
            if journey is not database_stopped and journey is not store_stopped:
                topology.processes.check_alive()
            journey(topology)
        print(f"== topology: every journey passed in {timedelta(seconds=round(time.monotonic() - started))}")
        if arguments.keep:
            print(
                f"   site {topology.base} (certificate {topology.certificate}), logs in {WORK / 'logs'}; Ctrl-C stops"
            )
            signal.pause()
        return 0
    except Failure as failure:
        print(f"FAILED: {failure}\n   logs in {WORK / 'logs'}", file=sys.stderr)
        return 1
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
