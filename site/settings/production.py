"""Production: gunicorn behind a TLS proxy, PostgreSQL, Redis, Celery workers, S3 storage, SMTP.

Refuses to start without DJANGO_SECRET_KEY. Anything not configured falls back to the embedded
defaults of base.py (that is how the benchmark runs it on SQLite).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
DEBUG = False
LOGGING = logging_config(LOG_FORMAT or "json")  # noqa: F405 (JSON lines for the log collector)
