"""Rate limits on public forms (newsletter, contact, equipment offers), counted per client address."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

PUBLIC_FORM_RATE = "5/10m"


def client_ip(group, request) -> str:
    """The visitor's address: behind TRUSTED_PROXY_COUNT proxies, the one the first proxy saw."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def form_rate_limited(request, group: str) -> bool:
    """Count this POST against the client's quota and tell whether the quota is exceeded."""
    return is_ratelimited(
        request,
        group=group,
        key=client_ip,
        rate=getattr(settings, "PUBLIC_FORM_RATE", PUBLIC_FORM_RATE),
        method="POST",
        increment=True,
    )
