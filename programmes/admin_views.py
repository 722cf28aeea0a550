"""The programme steps of the workshop's device page: allocate a ready device to a relay partner, or donate
it within a programme. Registered on the device page by `programmes.wagtail_hooks` (hook
`register_device_steps`); the services check every rule again."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devices import services as registry
from devices.admin_views import DeviceActionView
from programmes import forms, services
from programmes.models import AllocationRule


class AllocateView(DeviceActionView):
    slug, label, form_class = "allocate", gettext_lazy("Allocate to a relay partner"), forms.AllocateForm
    allowed_statuses = registry.ALLOCATABLE
    service = staticmethod(services.allocation_create)

    def success_message(self, device, allocation) -> str:
        return _("%(tag)s allocated to %(partner)s (“%(programme)s”): it waits for the partner's receipt.") % {
            "tag": device.asset_tag,
            "partner": allocation.partner,
            "programme": allocation.programme,
        }

    @classmethod
    def allows(cls, device, user=None) -> bool:
        return super().allows(device, user) and services.programmes_for_device(device).exists()


class DonateView(DeviceActionView):
    slug, label, form_class = "donate", gettext_lazy("Donate within a programme"), forms.ProgrammeDonateForm
    allowed_statuses = registry.DONATABLE
    service = staticmethod(registry.device_donate)

    @classmethod
    def allows(cls, device, user=None) -> bool:
        return super().allows(device, user) and services.programmes_for_device(device).exists()


class ChannelView(DeviceActionView):
    """The member's allocation rules propose a channel for a ready device; staff follow it or choose another
    with a reason (an event of the log), then record the channel's own step."""

    slug, label, form_class = "channel", gettext_lazy("Channel proposed by the rules"), forms.ChannelForm
    allowed_statuses = registry.ALLOCATABLE
    service = staticmethod(services.channel_choose)
    button_class = "button button-secondary"
    placed_before = "list"  # first among a ready device's steps

    @classmethod
    def allows(cls, device, user=None) -> bool:
        return (
            super().allows(device, user) and AllocationRule.objects.filter(association=device.association_id).exists()
        )

    def success_message(self, device, choice) -> str:
        label = dict(AllocationRule.Channel.choices)[choice["chosen"]]
        return _("Channel recorded for %(tag)s: %(channel)s. Record its step below.") % {
            "tag": device.asset_tag,
            "channel": label,
        }


DEVICE_STEPS = [ChannelView, AllocateView, DonateView]
