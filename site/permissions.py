"""Back-office views guarded by one permission: PermissionDenied (answered 403) for anyone without it."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def permission_required_403(permission: str):
    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator
