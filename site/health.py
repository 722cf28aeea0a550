"""The health endpoint (`/sante/`, django-health-check): the database, the cache, both storages (public
media and private files) and, when tasks go through a broker, a Celery worker answering a ping.

For a load balancer or a monitor: 200 when every component answers, 500 with the failing component named
otherwise (`Accept: application/json` gives one line per component). It shows no data, only names and
states, so it needs no login.
"""

from django.conf import settings
from health_check.views import HealthCheckView


def checks() -> list:
    found = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        ("health_check.checks.Storage", {"alias": "default"}),
        ("health_check.checks.Storage", {"alias": "private"}),
    ]
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # tasks go through a broker: a worker must answer
        found.append("health_check.contrib.celery.Ping")
    return found


async def health(request, *args, **kwargs):
    """The checks are read at each request: settings decide which apply."""
    return await HealthCheckView.as_view(checks=checks())(request, *args, **kwargs)
