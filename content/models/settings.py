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
    # The legal notice (loi pour la confiance dans l'économie numérique, art. 6) and the consumer mediator
    # (Code de la consommation, L612-1 and L616-1): the legal pages' "legal facts" blocks and the footer.
    legal_status = models.CharField(
        _("legal status"), max_length=200, blank=True, help_text=_("e.g. Association loi 1901 – RNA W353001234")
    )
    publication_director = models.CharField(_("director of publication"), max_length=150, blank=True)
    host_name = models.CharField(_("host"), max_length=150, blank=True)
    host_address = models.TextField(_("host's address"), blank=True)
    host_phone = models.CharField(_("host's phone"), max_length=30, blank=True)
    mediator_name = models.CharField(_("consumer mediator"), max_length=150, blank=True)
    mediator_address = models.TextField(_("mediator's address"), blank=True)
    mediator_url = models.URLField(_("mediator's website"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("email"), FieldPanel("phone"), FieldPanel("address")]),
        FieldPanel("footer_text"),
        MultiFieldPanel(
            [FieldPanel("legal_status"), FieldPanel("publication_director")], heading=_("Publisher of the site")
        ),
        MultiFieldPanel(
            [FieldPanel("host_name"), FieldPanel("host_address"), FieldPanel("host_phone")], heading=_("Host")
        ),
        MultiFieldPanel(
            [FieldPanel("mediator_name"), FieldPanel("mediator_address"), FieldPanel("mediator_url")],
            heading=_("Consumer mediator"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation")
