from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Partner(index.Indexed, models.Model):
    """A partner or funder shown on /partenaires/ and in the home page's "Ils nous soutiennent"."""

    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funder")
        DONOR = "donor", _("Equipment donor")
        PROGRAMME = "programme", _("Programme partner")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FUNDER)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    show_on_home = models.BooleanField(_("show on the home page"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("logo"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
        FieldPanel("show_on_home"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name
