import logging
import sys
from urllib.parse import urlencode

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)
DATABASE_RETRY_AFTER_SECONDS = 60


def login_redirect(url_name: str):
    """A view sending a login-like page of Oscar or Wagtail to allauth's, keeping a safe `next`."""

    def view(request, *args, **kwargs):
        target = reverse(url_name)
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target += "?" + urlencode({"next": next_url})
        return redirect(target)

    return view


def server_error(request):
    """Django's 500 page, but a 503 with `Retry-After` when the database cannot be reached: a clear page
    (rendered without the database: no context processors, no settings from it) that says to come back."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("database unreachable: %s", error)
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
    return HttpResponseServerError(loader.get_template("500.html").render())
