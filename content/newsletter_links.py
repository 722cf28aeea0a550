"""The signed links of the Circul'lettre e-mails: confirm a subscription (expires), unsubscribe (never does).

A token carries the subscriber's id only, signed with its own salt; reading one back is in
`content.newsletter`, which looks the subscriber up.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "content.newsletter.confirm"
UNSUBSCRIBE_SALT = "content.newsletter.unsubscribe"
CONFIRM_MAX_AGE = 60 * 60 * 72  # the confirmation link works for three days


def confirm_token(subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def absolute_url(path: str) -> str:
    return settings.SITE_BASE_URL + path


def confirm_url(subscriber) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)]))


def unsubscribe_url(subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber)]))
