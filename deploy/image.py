"""The production image, built and run (`make image`).

1. The base image: PYTHON_IMAGE (the official python:3.11-slim-bookworm) when it can be pulled; where no image
   registry can be reached (this project's CI machines reach PyPI, npm and Debian only), an equivalent made
   here: Debian bookworm from Debian's packages (debootstrap) with this machine's CPython 3.11 in /usr/local,
   `python` and `pip` on the PATH, the machine's certificate authorities (so that pip reaches PyPI through the
   same egress as the host). It is made once and kept as `reemploi-base:bookworm`.
2. `docker build` of the Dockerfile, unchanged, on that base.
3. What the image must be: it runs as an unprivileged user who can write var/ only (not the code), carries none
   of the local environment (.git, the virtual environment, the local database and media, tests), holds its
   static files and compiled translations, and its entry points default to the production settings.
4. compose.yaml read by Docker Compose (`config`), with .env.example as its .env.
5. The production topology's journeys (deploy/topology.py --image): PostgreSQL, Redis, the S3 store, SMTP and
   Stripe on loopback as in `make topology`, and every process of the site — migrate, collectstatic,
   check --deploy, the demo data, gunicorn, the Celery worker and beat, backup and restore — a container of the
   image, each started with the command compose.yaml gives it.

Needs a running Docker engine (and root, for debootstrap, when the base has to be made). Exit status 0 when
everything passed.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, text=True, **kwargs)


def docker_answers() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def image_exists(name: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", name], capture_output=True).returncode == 0


def base_image() -> str:
    """The official base if it is here or can be pulled, otherwise the equivalent made from Debian's packages."""
    if image_exists(OFFICIAL_BASE):
        return OFFICIAL_BASE
    pulled = subprocess.run(["docker", "pull", "-q", OFFICIAL_BASE], capture_output=True, text=True, timeout=120)
    if pulled.returncode == 0:
        return OFFICIAL_BASE
    print(f"   {OFFICIAL_BASE} cannot be pulled ({pulled.stderr.strip().splitlines()[-1][:160]})")
    if not image_exists(LOCAL_BASE):
        make_local_base()
    return LOCAL_BASE


def make_local_base():
    """Debian bookworm (minbase) with this machine's CPython 3.11 in /usr/local and pip, imported as an image: the
    layout of the official image (a CPython built apart from Debian's, in /usr/local, `python` and `pip` on the
    PATH). Debian's own python3 (3.11.2) would not do: the pinned requirements need 3.11.5 or newer."""
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
        run("chroot", str(root), "/sbin/ldconfig")
        chroot_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
        run(shutil.which("chroot"), str(root), f"/usr/local/bin/{version}", "-m", "ensurepip", "--default-pip",
            stdout=subprocess.DEVNULL, env=chroot_env)  # fmt: skip
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
    writable = inside("sh", "-c", "touch /app/manage.py 2>/dev/null && echo code; touch /app/var/x && echo var")
    if writable != "var":
        raise SystemExit(f"what the site's user may write in the image: {writable.split()} (var only)")
    code = "import os, reemploi.wsgi, reemploi.celery; print(os.environ['DJANGO_SETTINGS_MODULE'])"  # the entry points
    settings = inside("sh", "-c", f'DJANGO_SECRET_KEY=x python -c "{code}" 2>&1 | tail -n 1')
    if settings != "reemploi.settings.production":
        raise SystemExit(f"the entry points' settings in the image: {settings!r}")
    static = inside("sh", "-c", "ls /app/var/static/staticfiles.json /app/locale/fr/LC_MESSAGES/django.mo")
    print(f"   runs as {user}, writes var/ only; no {', '.join(LEFT_OUT)}; WSGI and Celery default to {settings}")
    print(f"   {', '.join(static.split())} built in")


def check_compose():
    compose = None
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        compose = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        compose = ["docker-compose"]  # Compose v1 (Debian's package)
    if compose is None:
        print("   no Docker Compose here: compose.yaml not read")
        return
    with tempfile.TemporaryDirectory() as work:
        project = Path(work)
        shutil.copyfile(BASE_DIR / "compose.yaml", project / "compose.yaml")
        shutil.copyfile(BASE_DIR / ".env.example", project / ".env")
        services = run(
            *compose, "-f", str(project / "compose.yaml"), "--project-directory", str(project), "config", "--services",
            capture_output=True,
        ).stdout.split()  # fmt: skip
    expected = {"migrate", "web", "worker", "beat", "postgres", "redis", "s3", "s3-buckets"}
    if set(services) != expected:
        raise SystemExit(f"compose.yaml's services: {sorted(services)}, expected {sorted(expected)}")
    print(f"   compose.yaml read by {' '.join(compose)}: {', '.join(services)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="reemploi:latest")
    parser.add_argument("--no-topology", action="store_true", help="build and check the image only")
    arguments = parser.parse_args()
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
    print("== compose.yaml")
    check_compose()
    if not arguments.no_topology:
        print("== the production topology, every process of the site in a container of the image")
        done = subprocess.run([sys.executable, str(BASE_DIR / "deploy" / "topology.py"), "--image", arguments.tag])
        if done.returncode:
            return done.returncode
    print(f"== image: every step passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
