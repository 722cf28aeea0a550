from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from content import newsletter_links


class Subscriber(index.Indexed, models.Model):
    """A Circul'lettre subscriber. Counts only once the e-mail link has been followed (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("e-mail"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed on"), null=True, blank=True)

    search_fields = [index.SearchField("email"), index.FilterField("status")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")

    def __str__(self):
        return self.email

    def unsubscribe_url(self):
        return newsletter_links.unsubscribe_url(self)

    unsubscribe_url.short_description = _("unsubscribe link")
