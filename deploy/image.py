"""The production image, built and run (`make image`).

1. The base image: PYTHON_IMAGE (the official python:3.11-slim-bookworm) when it can be pulled; where no image
   registry can be reached (this project's CI machines reach PyPI, npm and Debian only), an equivalent made
   here: Debian bookworm from Debian's packages (debootstrap, security updates included) with this machine's
   CPython 3.11 in /usr/local (refused unless the machine runs 3.11 on Debian 12),
   `python` and `pip` on the PATH, the machine's certificate authorities (so that pip reaches PyPI through the
   same egress as the host). It is made once and kept as `reemploi-base:bookworm`.
2. `docker build` of the Dockerfile, unchanged, on that base.
3. What the image must be: it runs as an unprivileged user who can write var/ only (not the code), carries none
   of the local environment (.git, the virtual environment, the local database and media, tests), holds its
   static files and compiled translations, and every command in it, manage.py's too, runs the production
   settings.
4. compose.yaml started by Docker Compose, with .env.example as its .env (the secret key, hosts and store keys
   filled in): the site's services as written, the third-party ones (PostgreSQL, Redis, MinIO) from their
   official images or, where those cannot be pulled, the stand-ins of deploy/standins/; migrate done, the
   health endpoint green through the published port, beat started, a backup by a one-off command.
5. The production topology's journeys (deploy/topology.py --image): PostgreSQL, Redis, the S3 store, SMTP and
   Stripe on loopback as in `make topology`, and every process of the site — migrate, check --deploy, the demo
   data, gunicorn, the Celery worker and beat, backup and restore — a container of the image, each started with
   the command compose.yaml gives it (the static files are the image's own, collected when it was built).

Needs a running Docker engine (and root, for debootstrap, when the base has to be made). Exit status 0 when
everything passed.
"""

import argparse
import json
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from topology import Failure, port_open, wait_for  # deploy/topology.py, beside this script

BASE_DIR = Path(__file__).resolve().parent.parent
OFFICIAL_BASE = "python:3.11-slim-bookworm"
LOCAL_BASE = "reemploi-base:bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# What the official slim image installs besides its CPython: the libraries the standard library's modules use.
BASE_PACKAGES = (
    "ca-certificates", "netbase", "tzdata", "libssl3", "libffi8", "libsqlite3-0", "libbz2-1.0", "liblzma5", "zlib1g",
    "libreadline8", "libncursesw6", "libuuid1", "libexpat1", "libcrypt1", "libnsl2", "libtirpc3",
)  # fmt: skip
LEFT_OUT = (".git", ".venv", "var/db.sqlite3", "var/media", "tests", "bench", ".env")  # .dockerignore
# compose.yaml's third-party services and their images (the S3 store and its buckets' setup go together).
THIRD_PARTY = {"postgres": ("postgres:15",), "redis": ("redis:7",), "s3": ("quay.io/minio/minio", "quay.io/minio/mc")}
COMPOSE_PROJECT = "reemploi-check"


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, text=True, **kwargs)


def docker_answers() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def image_exists(name: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", name], capture_output=True).returncode == 0


def available(image: str) -> bool:
    """The image is here, or can be pulled now (printing why not)."""
    if image_exists(image):
        return True
    try:
        pulled = subprocess.run(["docker", "pull", "-q", image], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        print(f"   {image} cannot be pulled (no answer within 180 s)")
        return False
    if pulled.returncode:
        reason = (pulled.stderr.strip().splitlines() or ["no reason given"])[-1]
        print(f"   {image} cannot be pulled ({reason[:160]})")
    return pulled.returncode == 0


def base_image() -> str:
    """The official base if it is here or can be pulled, otherwise the equivalent made from Debian's packages."""
    if available(OFFICIAL_BASE):
        return OFFICIAL_BASE
    if not image_exists(LOCAL_BASE):
        make_local_base()
    return LOCAL_BASE


def make_local_base():
    """Debian bookworm (minbase) with this machine's CPython 3.11 in /usr/local and pip, imported as an image: the
    layout of the official image (a CPython built apart from Debian's, in /usr/local, `python` and `pip` on the
    PATH). Debian's own python3 (3.11.2) would not do: the pinned requirements need 3.11.5 or newer."""
    debian = Path("/etc/debian_version").read_text().strip() if Path("/etc/debian_version").exists() else "none"
    if sys.version_info[:2] != (3, 11) or not debian.startswith("12"):
        raise SystemExit(
            f"{OFFICIAL_BASE} cannot be pulled, and its equivalent is made from this machine's CPython, which must"
            f" then be 3.11 on Debian 12 (bookworm): here Python {sys.version.split()[0]}, Debian {debian}"
        )
    print(f"   making {LOCAL_BASE} from Debian's packages and this machine's Python (about 2 minutes)")
    python = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (BASE_DIR / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reemploi-base-", dir=BASE_DIR / "var") as work:
        root = Path(work) / "rootfs"
        run("debootstrap", "--variant=minbase", f"--include={','.join(BASE_PACKAGES)}", "bookworm", str(root),
            DEBIAN_MIRROR, stdout=subprocess.DEVNULL)  # fmt: skip
        local = root / "usr" / "local"
        shutil.copy2(python / "bin" / version, local / "bin" / version)
        for library in (python / "lib").glob(f"lib{version}.so*"):
            shutil.copy2(library, local / "lib" / library.name, follow_symlinks=False)
        shutil.copytree(
            python / "lib" / version,
            local / "lib" / version,
            symlinks=True,
            ignore=lambda folder, names: [
                name for name in names
                if name in ("__pycache__", "test", "idlelib", "tkinter", "turtledemo")
                or (folder.endswith("site-packages") and name != "README.txt")
            ],
        )  # fmt: skip
        for alias in ("python3", "python"):
            (local / "bin" / alias).symlink_to(version)
        # The host's authorities (its egress may re-sign TLS), kept by update-ca-certificates and told to pip.
        shutil.copyfile(HOST_CA_BUNDLE, root / "usr/local/share/ca-certificates/host-authorities.crt")
        shutil.copyfile(HOST_CA_BUNDLE, root / "etc/ssl/certs/ca-certificates.crt")
        (root / "etc/pip.conf").write_text("[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n")
        run(shutil.which("chroot"), str(root), "/sbin/ldconfig")
        chroot_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
        run(shutil.which("chroot"), str(root), f"/usr/local/bin/{version}", "-m", "ensurepip", "--default-pip",
            stdout=subprocess.DEVNULL, env=chroot_env)  # fmt: skip
        (root / "etc/apt/sources.list").write_text(  # the official image's suites, security updates included
            f"deb {DEBIAN_MIRROR} bookworm main\ndeb {DEBIAN_MIRROR} bookworm-updates main\n"
            "deb http://deb.debian.org/debian-security bookworm-security main\n"
        )
        shutil.rmtree(root / "var/lib/apt/lists", ignore_errors=True)
        (root / "var/lib/apt/lists/partial").mkdir(parents=True)
        archive = Path(work) / "rootfs.tar"
        run("tar", "-C", str(root), "--numeric-owner", "-cf", str(archive), ".")
        run(
            "docker", "import",
            "-c", "ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "-c", 'CMD ["python3"]',
            str(archive), LOCAL_BASE,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip


def build(tag: str, base: str):
    started = time.monotonic()
    run("docker", "build", "--build-arg", f"PYTHON_IMAGE={base}", "-t", tag, str(BASE_DIR))
    size = run("docker", "image", "inspect", "-f", "{{.Size}}", tag, capture_output=True).stdout.strip()
    print(f"   {tag} built on {base} in {time.monotonic() - started:.0f} s, {int(size) / 1e6:.0f} MB")


def check_image(tag: str):
    def inside(*command: str) -> str:
        return run("docker", "run", "--rm", "--network", "none", tag, *command, capture_output=True).stdout.strip()

    user = inside("id", "-un")
    if user != "reemploi":
        raise SystemExit(f"the image runs as {user!r}, not as the unprivileged user")
    present = inside("sh", "-c", " ".join(f"[ -e /app/{name} ] && echo {name};" for name in LEFT_OUT) + " true")
    if present:
        raise SystemExit(f"the image carries what .dockerignore leaves out: {present.split()}")
    tries = {"code": "/app/manage.py", "app": "/app/new", "static": "/app/var/static/new", "var": "/app/var/new"}
    writable = inside("sh", "-c", "; ".join(f"touch {path} 2>/dev/null && echo {name}" for name, path in tries.items()))
    if writable != "var":
        raise SystemExit(f"what the site's user may write in the image: {writable.split()} (var/ only)")
    code = "from django.conf import settings as s; print(s.SETTINGS_MODULE, 'DEBUG', s.DEBUG)"
    settings = inside("sh", "-c", f'DJANGO_SECRET_KEY=x python manage.py shell -c "{code}" 2>&1 | tail -n 1')
    if settings != "reemploi.settings.production DEBUG False":
        raise SystemExit(f"manage.py's settings in the image: {settings!r}")
    static = inside("sh", "-c", "ls /app/var/static/staticfiles.json /app/locale/fr/LC_MESSAGES/django.mo")
    print(f"   runs as {user}, writes var/ only; no {', '.join(LEFT_OUT)}; every command runs {settings}")
    print(f"   {', '.join(static.split())} built in")


def compose_command() -> list[str] | None:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]  # Compose v1 (Debian's package)
    return None


def compose_up(tag: str, base: str):
    """compose.yaml's whole topology started by Docker Compose — the site's services as they are written, the
    third-party ones from their official images or, where those cannot be pulled, the stand-ins of
    deploy/standins/ — then checked: migrate done, the health endpoint green through the published port (the
    worker answering over the broker), beat started, a backup made to the bucket by a one-off command."""
    compose = compose_command()
    if compose is None:
        raise SystemExit("Docker Compose is needed (the compose plugin, or Debian's docker-compose)")
    standins = [service for service, images in THIRD_PARTY.items() if not all(map(available, images))]
    with tempfile.TemporaryDirectory() as work:
        project = Path(work)
        shutil.copyfile(BASE_DIR / "compose.yaml", project / "compose.yaml")
        settings = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_BASE_URL": "https://127.0.0.1:8000",
            "AWS_ACCESS_KEY_ID": "reemploi-check",
            "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
        }
        (project / ".env").write_text(environment_file(settings))  # .env.example as the operator fills it in
        (project / "check.yaml").write_text(json.dumps(compose_override(tag, base, standins), indent=2))
        command = [*compose, "-p", COMPOSE_PROJECT, "--project-directory", str(project)]
        command += ["-f", str(project / "compose.yaml"), "-f", str(project / "check.yaml")]
        subprocess.run([*command, "down", "-v", "--remove-orphans"], capture_output=True)  # a killed run's
        if port_open(8000):
            raise SystemExit("compose.yaml publishes 127.0.0.1:8000, which is in use: stop what listens there first")
        try:
            if standins:
                print(f"   stand-ins (deploy/standins/) for {', '.join(standins)}: their images cannot be pulled")
                built = subprocess.run([*command, "build", "-q", *standins], capture_output=True, text=True)
                if built.returncode:
                    raise SystemExit(f"the stand-ins' build failed:\n{built.stdout[-3000:]}\n{built.stderr[-3000:]}")
            run(*command, "up", "-d", "--no-build", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            compose_checks(command, tag)
        except (subprocess.CalledProcessError, SystemExit, Failure) as error:
            logs = subprocess.run([*command, "logs", "--no-color", "--tail", "40"], capture_output=True, text=True)
            print(logs.stdout[-6000:], file=sys.stderr)
            if isinstance(error, Failure):
                raise SystemExit(str(error)) from None
            raise
        finally:
            subprocess.run([*command, "down", "-v", "--remove-orphans"], capture_output=True)


def compose_checks(command: list[str], tag: str):
    def container(service: str) -> dict:
        ids = run(*command, "ps", "-a", "-q", service, capture_output=True).stdout.split()
        if not ids:
            return {}
        return json.loads(run("docker", "inspect", ids[0], capture_output=True).stdout)[0]

    def migrated():
        state = container("migrate").get("State", {})
        if state.get("Status") == "exited" and state.get("ExitCode"):
            raise SystemExit(f"compose's migrate service failed (exit {state['ExitCode']})")
        return state.get("Status") == "exited"

    wait_for("the migrate service done", migrated, timeout=300, interval=1)
    images = {service: container(service).get("Config", {}).get("Image") for service in ("web", "worker", "beat")}
    if set(images.values()) != {tag}:
        raise SystemExit(f"the site's services run {images}, not {tag}")

    def health():
        answer = requests.get(
            "http://127.0.0.1:8000/sante/",
            headers={"Accept": "application/json", "X-Forwarded-Proto": "https"},  # as the TLS proxy sends it
            timeout=10,
        )
        return answer.json() if answer.status_code == 200 else None

    components = wait_for("the health endpoint green through compose's published port", health, 180, interval=1)
    print("   health green:", ", ".join(sorted(components)))
    beat = run(*command, "logs", "--no-color", "beat", capture_output=True).stdout
    if "beat: Starting" not in beat:
        raise SystemExit("compose's beat service did not start")
    backup = run(*command, "run", "--rm", "-T", "web", "python", "manage.py", "backup", capture_output=True).stdout
    archive = re.search(r"reemploi-\S+\.tar\.gz", backup)
    if not archive:
        raise SystemExit(f"`compose run --rm web python manage.py backup`: {backup[-2000:]}")
    print(f"   migrate done; web, worker and beat on {tag}; beat started; backup {archive.group(0)} made")


def environment_file(settings: dict[str, str]) -> str:
    """.env.example with the given variables filled in, every other one as the example leaves it."""
    lines = []
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={settings[name]}" if "=" in line and name in settings else line)
    missing = set(settings) - {line.split("=", 1)[0] for line in lines}
    return "\n".join(lines + [f"{name}={settings[name]}" for name in sorted(missing)]) + "\n"


def compose_override(tag: str, base: str, standins: list[str]) -> dict:
    """The compose override of the check (JSON is YAML): the site's services on the image just built, and the
    stand-ins of deploy/standins/ in place of the third-party images that cannot be pulled."""

    def built(name: str) -> dict:
        return {
            "image": f"reemploi-standin-{name}",
            "build": {
                "context": str(BASE_DIR),
                "dockerfile": f"deploy/standins/{name}.Dockerfile",
                "args": {"BASE_IMAGE": base},
            },
        }

    services = {service: {"image": tag} for service in ("migrate", "web", "worker", "beat")}
    if "postgres" in standins:
        services["postgres"] = built("postgres")
    if "redis" in standins:
        services["redis"] = built("redis")
    if "s3" in standins:
        services["s3"] = built("s3")
        services["s3-buckets"] = {
            "image": "reemploi-standin-s3",
            "entrypoint": ["python", "/standin/s3_buckets.py"],
            "command": ["http://s3:9000"],
        }
    return {"services": services}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="reemploi:check", help="the image's tag (compose.yaml's is reemploi:latest)")
    parser.add_argument("--no-topology", action="store_true", help="build and check the image only")
    arguments = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: compose's `down` still runs
    if not docker_answers():
        print("No Docker engine answers (`docker info`): start one (dockerd) first.", file=sys.stderr)
        return 1
    started = time.monotonic()
    print("== the base image")
    base = base_image()
    print(f"== docker build ({base})")
    build(arguments.tag, base)
    print("== the image")
    check_image(arguments.tag)
    print("== compose.yaml, started by Docker Compose")
    compose_up(arguments.tag, base)
    if not arguments.no_topology:
        print("== the production topology, every process of the site in a container of the image")
        done = subprocess.run([sys.executable, str(BASE_DIR / "deploy" / "topology.py"), "--image", arguments.tag])
        if done.returncode:
            return done.returncode
    print(f"== image: every step passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
