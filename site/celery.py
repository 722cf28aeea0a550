"""Celery application. Without REDIS_URL/CELERY_BROKER_URL tasks run inline (eager).

Like the WSGI and ASGI entry points, a worker or beat started without DJANGO_SETTINGS_MODULE runs the
production settings (which refuse to start without DJANGO_SECRET_KEY): a worker on the development settings
signed its links with the development key, which the web side refused. `make run` asks for the development
settings explicitly (`reemploi.devserver`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reemploi.settings.production")

app = Celery("reemploi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
