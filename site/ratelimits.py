"""The visitor's address, and the rate limits of public forms (newsletter, contact, offers, rental), per address."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

PUBLIC_FORM_RATE = "5/10m"


def client_ip(request) -> str:
    """The visitor's address: behind TRUSTED_PROXY_COUNT proxies, the one the first proxy saw."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def client_ip_key(group, request) -> str:
    """`client_ip` as a django-ratelimit key (`RATELIMIT_...`, `is_ratelimited(key=...)`)."""
    return client_ip(request)


def form_rate_limited(request, group: str) -> bool:
    """Count this POST against the client's quota and tell whether the quota is exceeded."""
    return is_ratelimited(
        request,
        group=group,
        key=client_ip_key,
        rate=getattr(settings, "PUBLIC_FORM_RATE", PUBLIC_FORM_RATE),
        method="POST",
        increment=True,
    )
