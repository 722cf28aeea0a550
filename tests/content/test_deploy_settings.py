"""Production settings pass Django's deployment checks and refuse to run without a secret key."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
NO_ENV_FILE = {"DJANGO_ENV_FILE": "/nonexistent/.env"}  # a developer's .env file must not change what is tested


def manage(*args, **env):
    """Run manage.py in a fresh interpreter with production settings and only the given DJANGO_* variables."""
    clean_env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    clean_env.update(NO_ENV_FILE, **env)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args, "--settings=reemploi.settings.production"],
        cwd=PROJECT_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="reemploi.example,www.reemploi.example",
        DATABASE_URL="postgres://reemploi@127.0.0.1:5432/reemploi",
        REDIS_URL="redis://127.0.0.1:6379/14",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deployment_checks_warn_of_production_on_the_embedded_defaults():
    embedded = {"DATABASE_URL": "", "REDIS_URL": "", "CELERY_BROKER_URL": ""}  # empty: the embedded defaults
    key = secrets.token_urlsafe(64)
    result = manage("check", "--deploy", DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="x.example", **embedded)

    output = result.stdout + result.stderr
    assert "reemploi.W001" in output and "DATABASE_URL is not set" in output
    assert "reemploi.W002" in output and "REDIS_URL is not set" in output
    assert manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=key, **embedded).returncode


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SECRET_KEY="", DJANGO_ALLOWED_HOSTS="reemploi.example")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set in production." in result.stderr


def _production_settings(env: dict) -> dict:
    """Every setting of the production module, as repr, imported in a fresh interpreter with `env` only."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: repr(getattr(s, k)) for k in dir(s) if k.isupper()}))"
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={"DJANGO_SETTINGS_MODULE": "reemploi.settings.production", **NO_ENV_FILE, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    return {name: re.sub(r" at 0x[0-9a-f]+", "", value) for name, value in settings.items()}  # objects' addresses


def test_an_empty_variable_of_the_example_file_means_its_default(tmp_path):
    """`.env.example` lists every variable, most of them empty, and is copied as the operator's environment file
    (`.env`, compose's env_file, systemd's EnvironmentFile): an empty one must give the embedded default, not an
    empty value (EMAIL_URL= crashed the settings; an empty CELERY_BROKER_URL beside a REDIS_URL made tasks run
    inline and the worker idle)."""
    example = dict(
        line.split("=", 1)
        for line in (PROJECT_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    operator = {  # what the operator fills in
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "DATABASE_URL": "postgres://reemploi@127.0.0.1:5432/reemploi",
    }
    empty = sorted(name for name, value in example.items() if value == "" and name not in operator)
    assert "CELERY_BROKER_URL" in empty and "EMAIL_URL" in empty
    base = {name: value for name, value in os.environ.items() if name not in example and not name.startswith("DJANGO_")}
    base.update(operator)
    env_file = tmp_path / ".env"
    env_file.write_text((PROJECT_DIR / ".env.example").read_text())
    unset = _production_settings(base)
    empty_in_the_environment = _production_settings({**base, **dict.fromkeys(empty, "")})
    empty_in_the_env_file = _production_settings({**base, "DJANGO_ENV_FILE": str(env_file)})

    for variant in (empty_in_the_environment, empty_in_the_env_file):
        assert {name: (unset[name], variant.get(name)) for name in unset if unset[name] != variant.get(name)} == {}
    assert unset["CELERY_BROKER_URL"] == repr("redis://127.0.0.1:6379/14")
    assert unset["CELERY_TASK_ALWAYS_EAGER"] == "False"


def test_the_env_file_fills_in_what_the_environment_leaves_empty(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("REDIS_URL=redis://127.0.0.1:6379/13\nDJANGO_SECRET_KEY=from-the-file\n")
    base = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "REDIS_", "CELERY_"))}
    settings = _production_settings(
        {**base, "DJANGO_ENV_FILE": str(env_file), "REDIS_URL": "", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    )
    assert settings["REDIS_URL"] == repr("redis://127.0.0.1:6379/13")  # empty in the environment: the file's
    assert settings["SECRET_KEY"] != repr("from-the-file")  # set in the environment: the environment's


def _entry_point_settings(module: str, **env) -> subprocess.CompletedProcess:
    """Import an entry point in a fresh interpreter without DJANGO_SETTINGS_MODULE: which settings it runs."""
    clean_env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    clean_env.update(NO_ENV_FILE, **env)
    code = f"import os, django; import {module}; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    if module == "reemploi.celery":
        code += "; django.setup()"
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=clean_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("module", ["reemploi.wsgi", "reemploi.asgi", "reemploi.celery"])
def test_every_entry_point_but_manage_py_defaults_to_production(module):
    result = _entry_point_settings(module, DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production." in result.stderr
    started = _entry_point_settings(module, DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="x")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "reemploi.settings.production"


def test_gunicorns_settings_load_the_production_application():
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="reemploi.example", **NO_ENV_FILE)
    env.update(GUNICORN_WORKERS="", GUNICORN_TIMEOUT="")  # empty: the defaults
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--check-config"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_procfile_runs_the_web_worker_and_beat():
    lines = dict(
        line.split(": ", 1)
        for line in (PROJECT_DIR / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert lines == {
        "web": "gunicorn -c gunicorn.conf.py",
        "worker": "celery -A reemploi worker --loglevel INFO",
        "beat": "celery -A reemploi beat --loglevel INFO --schedule var/celerybeat-schedule",
    }


def test_the_image_leaves_the_checkouts_local_files_out():
    """`COPY . .` in the Dockerfile: the local database, media, secrets, virtual environment and history stay out
    (make image checks the built image itself)."""
    patterns = {
        line.strip()
        for line in (PROJECT_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "var", ".env", ".env.*"} <= patterns
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    # Installed editable, as `make install` does: a copy in site-packages would look for its templates, static
    # files and translations there (BASE_DIR is two folders above the settings).
    assert "pip install --no-deps -e ." in dockerfile
    assert "\nUSER reemploi\n" in dockerfile


@pytest.mark.django_db
def test_public_media_are_never_served_by_django_in_production(client, settings):
    """Without DEBUG, /media/ is the bucket's or the TLS proxy's: a stored image is not served by the site."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    assert not settings.DEBUG
    name = storages["default"].save("original_images/atelier.jpg", ContentFile(b"\xff\xd8\xff photo"))
    assert storages["default"].url(name).startswith("/media/")
    assert client.get(storages["default"].url(name)).status_code == 404


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    """A trainee's 60 MB "proof" was received in full (spooled to disk) before its field refused it."""
    settings.REQUEST_BODY_MAX_MB = 1
    body = b"x" * (1024 * 1024 + 1)

    refused = client.generic("POST", "/location/", body, content_type="application/octet-stream")
    accepted = client.generic("POST", "/compte/login/", b"login=a", content_type="application/x-www-form-urlencoded")

    assert refused.status_code == 413 and refused["Connection"] == "close"
    assert "Fichiers trop volumineux" in refused.content.decode() and "1 Mo" in refused.content.decode()
    assert accepted.status_code != 413
