"""StreamField blocks shared by every content page. Each block renders with its own template."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it (required)."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")
        description = _("An image with its alternative text and an optional caption")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        label = _("Quote")
        description = _("A quotation with who said it")
        preview_value = {
            "text": "Un ordinateur remis en état, c'est une formation suivie à distance.",
            "attribution": "Une stagiaire de la formation continue",
        }


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("Figure"), max_length=30)
    label = blocks.CharBlock(label=_("What it counts"), max_length=120)
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=200)

    class Meta:
        icon = "pick"
        template = "blocks/key_figure_block.html"
        label = _("Key figure")
        description = _("A number that stands out, with what it counts and its source")
        preview_value = {"value": "300+", "label": "ordinateurs collectés en février 2022"}


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a link"), required=False, max_length=300, help_text=_("e.g. /boutique/ or a full address")
    )

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or give a link."))}
            )
        return value

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"
        label = _("Call to action")
        description = _("A highlighted invitation with a button")
        preview_value = {
            "title": "Besoin d'un ordinateur ?",
            "text": "Des appareils reconditionnés et garantis, près de chez vous.",
            "button_label": "Voir la boutique",
            "url": "/boutique/",
        }


class VideoLinkBlock(blocks.StructBlock):
    """A link to a video hosted elsewhere. No embedded player: nothing loads from a third party."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    url = blocks.URLBlock(label=_("Video address"))
    duration = blocks.CharBlock(label=_("Duration"), required=False, max_length=20)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "media"
        template = "blocks/video_link_block.html"
        label = _("Video link")
        description = _("A link to a video, without embedding a third-party player")
        preview_value = {"title": "Visite d'un atelier", "url": "https://video.example/atelier", "duration": "3 min"}


class LegalFactsBlock(blocks.StructBlock):
    """Facts kept in the site's settings (Settings › Organisation), shown where an editor places them: the
    publisher, the host, the consumer mediator. Typed once, never copied into a page."""

    facts = blocks.ChoiceBlock(
        label=_("Facts"),
        choices=[("publisher", _("Publisher")), ("host", _("Host")), ("mediator", _("Consumer mediator"))],
    )

    class Meta:
        icon = "doc-full"
        label = _("Legal facts from the settings")
        template = "blocks/legal_facts_block.html"
        description = _("The publisher, the host or the consumer mediator, as set in Settings › Organisation")
        preview_value = {"facts": "publisher"}


class BaseStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        icon="title",
        template="blocks/heading_block.html",
        preview_value="Une seconde vie pour le matériel informatique",
        description=_("A section heading"),
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        icon="pilcrow",
        preview_value="<p>Les associations du réseau collectent, effacent et reconditionnent.</p>",
        description=_("Rich text"),
    )
    image = ImageBlock()
    quote = QuoteBlock()
    key_figure = KeyFigureBlock()
    call_to_action = CallToActionBlock()
    video_link = VideoLinkBlock()
    legal_facts = LegalFactsBlock()
