"""Deployment checks of our own (`manage.py check --deploy`): production is meant to run on PostgreSQL and
Redis; without them the embedded defaults would serve the site without a word."""

from django.conf import settings
from django.core.checks import Warning, register


@register("production", deploy=True)
def production_services(app_configs, **kwargs):
    found = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            Warning(
                "DATABASE_URL is not set: the site runs on the SQLite file of var/.",
                hint="Production runs on PostgreSQL: set DATABASE_URL (.env.example).",
                id="reemploi.W001",
            )
        )
    if not settings.REDIS_URL:
        found.append(
            Warning(
                "REDIS_URL is not set: the cache, sessions and rate limits stay in each process, tasks run inline.",
                hint="Production runs on Redis, with a Celery worker and beat: set REDIS_URL (.env.example).",
                id="reemploi.W002",
            )
        )
    return found
