"""The public site's demo: pages, snippets, images, settings and editorial roles, idempotently.

Builds the home page's content, the network and its eight member associations, partners with generated
logos, news and stories, the legal pages, the contact and donation forms, the site settings and the
editorial roles (Editors, Moderators). The texts live in `content.demo_data`. `load()` is called by
`manage.py demo` (the `demo` app) after the registry's demo, whose member associations the member pages
present: this module reads the registry (as `content` may) and imports nothing from the apps above it.

Running it again changes nothing: pages are looked up by parent and slug, snippets by name, images by title.
A page whose content differs from the data is updated and gets one new published revision; an unchanged
page is left alone (no new revision).
"""

import io
import json
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from content import demo_data as data
from content.models import (
    FormField,
    FormPage,
    HomePage,
    ImpactFigures,
    MemberPage,
    NetworkIndexPage,
    NewsIndexPage,
    NewsPage,
    OrganisationSettings,
    Partner,
    PartnersPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
)
from content.roles import roles_ensure
from devices.models import Association

FORM_FIELD_ATTRS = ("label", "field_type", "required", "help_text")


@transaction.atomic
def load() -> dict:
    """Build or refresh the site's demo content.

    Returns the number of pages created or updated (`changes`).
    """
    pages = _Pages()
    home = pages.home()
    _sites(home)
    roles_ensure()
    _settings()
    _partners()
    _network(pages, home)
    pages.page(home, PartnersPage, "partenaires", show_in_menus=True, **data.PARTNERS_PAGE)
    _articles(pages, home)
    _legal(pages, home)
    _forms(pages, home)
    return {"changes": pages.changes}


# --- comparing page content --------------------------------------------------------------------------------


def _stream_data(field, value):
    """A StreamField value as comparable JSON: block types and values, without the generated block ids."""

    def strip(item):
        if isinstance(item, dict):
            return {key: strip(value) for key, value in item.items() if key != "id"}
        if isinstance(item, list):
            return [strip(value) for value in item]
        return item

    if not hasattr(value, "stream_block"):
        value = field.to_python(value)
    return json.dumps(strip(field.stream_block.get_prep_value(value)), cls=DjangoJSONEncoder, sort_keys=True)


def _differs(page, name, value) -> bool:
    field = page._meta.get_field(name)
    if isinstance(field, StreamField):
        return _stream_data(field, getattr(page, name)) != _stream_data(field, value)
    if field.is_relation:
        return getattr(page, field.attname) != (value.pk if value is not None else None)
    return field.to_python(getattr(page, name)) != field.to_python(value)


def _form_fields_differ(page, fields) -> bool:
    current = [tuple(getattr(field, attr) for attr in FORM_FIELD_ATTRS) for field in page.form_fields.all()]
    return current != [tuple(field) for field in fields]


# --- generated images ------------------------------------------------------------------------------------


SMALL_WORDS = {"d", "de", "des", "du", "et", "l"}


def _initials(name: str) -> str:
    words = name.replace("'", " ").replace("-", " ").split()
    return _drawable("".join(word[0] for word in words if word.lower() not in SMALL_WORDS)[:3].upper())


def _drawable(text: str) -> str:
    """Text Pillow's default font can draw: it has neither accented letters nor the euro sign."""
    text = unicodedata.normalize("NFKD", text.replace("€", "EUR"))
    return "".join(char for char in text if char.isascii())


def _png(size, colour, text, *, laptop=False) -> io.BytesIO:
    width, height = size
    canvas = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(canvas)
    if laptop:  # a white laptop outline above the caption
        w, h = width // 3, height // 3
        left, top = (width - w) // 2, height // 5
        draw.rounded_rectangle((left, top, left + w, top + h), radius=12, outline="white", width=10)
        draw.rectangle((left - w // 8, top + h + 10, left + w + w // 8, top + h + 34), fill="white")
        text_y = top + h + 34 + (height - top - h - 34) // 2
    else:
        text_y = height // 2
    font = ImageFont.load_default(size=max(24, int(height / 8 if laptop else height / 2.5)))
    draw.text((width // 2, text_y), _drawable(text), fill="white", anchor="mm", font=font)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer


def _image(title: str, filename: str, buffer_factory):
    """The Wagtail image with this title, created from the generated PNG if it does not exist yet."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).order_by("pk").first()
    if existing:
        return existing
    image = image_model(title=title, file=ImageFile(buffer_factory(), name=filename))
    image._set_image_file_metadata()
    image.save()
    return image


def logo(name: str, colour: str):
    initials = _initials(name)
    return _image(f"Logo {name}", f"logo-{initials.lower()}.png", lambda: _png((240, 120), colour, initials))


def illustration(slug: str, colour: str, caption: str):
    return _image(
        f"Illustration – {caption}",
        f"illustration-{slug}.png",
        lambda: _png((1200, 675), colour, caption, laptop=True),
    )


# --- pages -------------------------------------------------------------------------------------------------


class _Pages:
    """Creates or updates demo pages, publishing only those that change, and counts them."""

    def __init__(self):
        self.changes = 0

    def publish(self, page):
        page.save_revision().publish()
        self.changes += 1

    def apply(self, page, fields, tags, form_fields) -> bool:
        """Set what differs from the data on the page in memory; say whether anything did."""
        changed = False
        for name, value in fields.items():
            if _differs(page, name, value):
                setattr(page, name, value)
                changed = True
        if tags is not None and set(page.tags.names()) != set(tags):
            page.tags.clear()
            page.tags.add(*tags)
            changed = True
        if form_fields is not None and _form_fields_differ(page, form_fields):
            page.form_fields = [
                FormField(sort_order=order, **dict(zip(FORM_FIELD_ATTRS, field, strict=True)))
                for order, field in enumerate(form_fields)
            ]
            changed = True
        return changed

    def page(self, parent, model, slug, *, tags=None, form_fields=None, **fields):
        """The child of `parent` with this slug, created or brought up to date, and published."""
        existing = Page.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None and existing.specific_class is not model:
            raise CommandError(f"{existing.url_path} existe déjà avec un autre type ({existing.specific_class}).")
        page = existing.specific if existing is not None else model(slug=slug)
        changed = self.apply(page, fields, tags, form_fields)
        if existing is None:
            parent.add_child(instance=page)
            self.publish(page)
        elif changed:
            self.publish(page)
        return page

    def home(self) -> HomePage:
        """The home page made by content/migrations/0002 (created the same way if absent), filled in."""
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="Accueil", slug="accueil", **_home_required()))
        if self.apply(home, data.HOME, None, None):
            self.publish(home)
        return home


def _home_required():
    return {name: data.HOME[name] for name in ("hero_title", "hero_text")}


def _sites(home):
    url = urlsplit(settings.SITE_BASE_URL)
    port = url.port or (443 if url.scheme == "https" else 80)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": url.hostname, "port": port, "root_page": home, "site_name": "Réemploi"},
    )


def _network(pages, home):
    """The network page and one page per member association of the registry (created first by its demo)."""
    index = pages.page(home, NetworkIndexPage, "reseau", show_in_menus=True, **data.NETWORK)
    associations = {association.slug: association for association in Association.objects.all()}
    for member in data.ASSOCIATIONS:
        association = associations.get(member["slug"])
        if association is None:
            continue
        pages.page(
            index,
            MemberPage,
            member["slug"],
            title=association.name,
            association=association,
            short_description=member["short_description"],
            body=member["body"],
            search_description=member["short_description"],
        )


def _articles(pages, home):
    for model, index_model, slug, index_fields, articles in (
        (NewsPage, NewsIndexPage, "actualites", data.NEWS_INDEX, data.NEWS),
        (StoryPage, StoryIndexPage, "histoires", data.STORIES_INDEX, data.STORIES),
    ):
        index = pages.page(home, index_model, slug, show_in_menus=True, **index_fields)
        for article in articles:
            image, image_alt = None, ""
            if article["image"]:
                colour, caption, image_alt = article["image"]
                image = illustration(article["slug"], colour, caption)
            pages.page(
                index,
                model,
                article["slug"],
                tags=article["tags"],
                title=article["title"],
                date=article["date"],
                intro=article["intro"],
                body=article["body"],
                image=image,
                image_alt=image_alt,
                search_description=article["intro"],
            )


def _legal(pages, home):
    for page in data.LEGAL_PAGES:
        pages.page(
            home,
            StandardPage,
            page["slug"],
            title=page["title"],
            intro=page["intro"],
            body=page["body"],
            last_reviewed=data.LEGAL_REVIEWED,
            show_in_menus=False,
        )


def _forms(pages, home):
    for form in data.FORMS:
        pages.page(
            home,
            FormPage,
            form["slug"],
            form_fields=form["fields"],
            title=form["title"],
            show_in_menus=True,
            intro=form["intro"],
            thank_you_text=data.FORM_THANKS,
            to_address=", ".join(settings.STAFF_NOTIFICATION_EMAILS),
            from_address="ne-pas-repondre@reemploi.example",
            subject=form["subject"],
        )


# --- snippets and settings ---------------------------------------------------------------------------------


def _partners():
    for order, partner in enumerate(data.PARTNERS):
        Partner.objects.update_or_create(
            name=partner["name"],
            defaults={
                "kind": partner["kind"],
                "url": partner["url"],
                "description": partner["description"],
                "logo": logo(partner["name"], partner["colour"]),
                "sort_order": (order + 1) * 10,
                "show_on_home": True,
            },
        )


def _settings():
    for model, values in ((ImpactFigures, data.IMPACT_FIGURES), (OrganisationSettings, data.ORGANISATION)):
        instance = model.load()
        if any(getattr(instance, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(instance, name, value)
            instance.save()
