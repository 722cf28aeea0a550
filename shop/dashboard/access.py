"""Who may use Oscar's dashboard (`/boutique/dashboard/`): the network coordinators and superusers only.

Oscar lets any `is_staff` user see every partner's orders, customers and reports there, whereas a member's
staff see their own member's orders only (`/admin/boutique/`). Rather than Oscar's partner-limited dashboard
(`Partner.users`, one more list of people to keep in step with the memberships), the whole dashboard is
closed to anyone else: `shop.dashboard.apps.DashboardConfig` wraps every one of its URLs, the sub-apps'
included, with `coordinators_only`. Oscar's own checks still apply behind it (what coordinators need is given
to their group by `shop/migrations/0004_network_members.py`).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from devices.scoping import is_coordinator


def dashboard_allowed(user) -> bool:
    """Superusers and network coordinators with a staff account (Oscar's dashboard also asks for `is_staff`)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and is_coordinator(user))


def coordinators_only(view):
    """403 for a signed-in user who may not use the dashboard; the platform's login for an anonymous visitor."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not dashboard_allowed(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
