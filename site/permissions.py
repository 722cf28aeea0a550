"""The back offices' answer to a user without the right permission: a 403 page, in the admin's layout.

Views use Django's own `permission_required(..., raise_exception=True)`. Wagtail's admin turns the
`PermissionDenied` it raises into a redirect to its dashboard, so every back-office URL is wrapped with
`forbidden_as_403` (`decorate_urlpatterns(patterns, forbidden_as_403)`) and answers 403 instead.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

FORBIDDEN_TEMPLATE = "backoffice/forbidden.html"


def forbidden_as_403(view_func):
    """Answer 403 where Wagtail's admin would turn PermissionDenied into a redirect to its dashboard."""

    @wraps(view_func)
    def wrapped(request, *args, **kwargs):
        try:
            return view_func(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, FORBIDDEN_TEMPLATE, status=403)

    return wrapped
