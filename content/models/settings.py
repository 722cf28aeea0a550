from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="pick")
class ImpactFigures(BaseGenericSetting):
    """Key figures on the home page. Placeholders until the device registry computes them."""

    devices_reused = models.PositiveIntegerField(_("devices given a second life"), default=0)
    people_equipped = models.PositiveIntegerField(_("people equipped"), default=0)
    kg_waste_avoided = models.PositiveIntegerField(_("kilograms of waste avoided"), default=0)
    integration_jobs = models.PositiveIntegerField(_("people in integration jobs"), default=0)

    panels = [
        FieldPanel("devices_reused"),
        FieldPanel("people_equipped"),
        FieldPanel("kg_waste_avoided"),
        FieldPanel("integration_jobs"),
    ]

    class Meta:
        verbose_name = _("impact figures")


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """The network's contact details, shown in the footer and on the legal pages."""

    name = models.CharField(_("name"), max_length=150, default="OGO – Ordi Grand Ouest")
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("email"), FieldPanel("phone"), FieldPanel("address")]),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("organisation")
