"""Circul'lettre subscriptions: double opt-in with a signed, expiring link; unsubscribe in one click."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from content.models import Subscriber
from content.newsletter_links import (  # noqa: F401 (the links are part of this module's interface)
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    UNSUBSCRIBE_SALT,
    absolute_url,
    confirm_token,
    confirm_url,
    unsubscribe_token,
    unsubscribe_url,
)
from content.tasks import send_plain_email
from reemploi.queue import enqueue


class InvalidLink(Exception):
    """The link was tampered with, or names no subscriber."""


class ExpiredLink(Exception):
    """The confirmation link is older than CONFIRM_MAX_AGE."""


@transaction.atomic
def subscriber_request(*, email: str) -> Subscriber:
    """Record a subscription request and e-mail the confirmation link.

    An address already confirmed is left as it is and told so by e-mail, so that the form never
    reveals who is subscribed.
    """
    email = email.strip().lower()
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        template = "content/email/newsletter_already_subscribed.txt"
    else:
        subscriber.status = Subscriber.Status.PENDING
        subscriber.unsubscribed_at = None
        subscriber.full_clean()
        subscriber.save()
        template = "content/email/newsletter_confirm.txt"
    context = {
        "confirm_url": confirm_url(subscriber),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "max_age_days": CONFIRM_MAX_AGE // 86400,
    }
    body = render_to_string(template, context)
    subject = body.splitlines()[0]
    transaction.on_commit(
        lambda: enqueue(
            send_plain_email,
            subject=subject,
            body="\n".join(body.splitlines()[2:]),
            to=[email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
    )
    return subscriber


def _subscriber_from(token: str, *, salt: str, max_age: int | None = None) -> Subscriber:
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ExpiredLink from exc
    except signing.BadSignature as exc:
        raise InvalidLink from exc
    try:
        return Subscriber.objects.get(pk=pk)
    except Subscriber.DoesNotExist as exc:
        raise InvalidLink from exc


def subscriber_from_confirm_token(token: str) -> Subscriber:
    return _subscriber_from(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def subscriber_from_unsubscribe_token(token: str) -> Subscriber:
    return _subscriber_from(token, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber
