"""The reference: a bare Django view, served by gunicorn exactly like the site (`bench.bare:application`).

DEBUG off, no apps, no middleware, no database, no templates: one view returning a small HttpResponse.
It measures what gunicorn + Django's request handling cost on this machine, the ceiling the pages are
compared with.
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(32),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
    USE_I18N=False,
)

BODY = b"<!doctype html><title>bare</title><p>Hello from a bare Django view.</p>\n"


def hello(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
