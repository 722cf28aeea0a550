"""Rate limits on public forms (newsletter, contact, equipment offers), counted per client address."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

PUBLIC_FORM_RATE = "5/10m"


def form_rate_limited(request, group: str) -> bool:
    """Count this POST against the client's quota and tell whether the quota is exceeded."""
    return is_ratelimited(
        request,
        group=group,
        key="ip",
        rate=getattr(settings, "PUBLIC_FORM_RATE", PUBLIC_FORM_RATE),
        method="POST",
        increment=True,
    )
