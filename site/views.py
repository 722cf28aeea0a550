from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


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
