"""Cached registry figures are dropped once a recorded device event is committed."""

from django.db import transaction
from django.db.models.signals import post_save

from devices.models import DeviceEvent


def _forget_figures(sender, **kwargs):
    from devices.selectors import impact_figures_forget

    transaction.on_commit(impact_figures_forget)


post_save.connect(_forget_figures, sender=DeviceEvent, dispatch_uid="devices-forget-figures")
