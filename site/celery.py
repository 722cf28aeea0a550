"""Celery application. Without REDIS_URL/CELERY_BROKER_URL tasks run inline (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.dev")

app = Celery("reemploi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
