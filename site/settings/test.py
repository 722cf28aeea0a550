"""Test settings: what pytest uses. The database comes from DATABASE_URL (SQLite file by default)."""

from .dev import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_ROOT = VAR_DIR / "test-private"
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
}
# Each test starts with empty rate-limit counters (see tests/conftest.py) but the limits stay on.
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_BASE_URL = "http://testserver"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
LOGGING = {"version": 1, "disable_existing_loggers": False}
