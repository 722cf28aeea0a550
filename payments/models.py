"""Stripe events received by the webhook: each one is processed once, in the transaction of its effect."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
