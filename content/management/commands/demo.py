"""`manage.py demo`: the whole French demo site, its device registry and its shop, idempotently.

Builds the home page's content, the network and its eight member associations, partners with generated
logos, news and stories, the legal pages, the contact and donation forms, the site settings, the editorial
roles and one login per role; then the registry's demo batches (`devices.demo`) and their shop listings
(`demo_shop`). The texts live in `content.demo_data`.

Running it again changes nothing: pages are looked up by parent and slug, snippets by name, images by title,
users by e-mail. A page whose content differs from the data is updated and gets one new published revision;
an unchanged page is left alone (no new revision).
"""

import io
import json
import unicodedata
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
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
from content.roles import EDITORS, MODERATORS, roles_ensure
from devices import demo as registry_demo
from rental import demo as rental_demo

PASSWORD = registry_demo.DEMO_PASSWORD
WORKSHOP = "Workshop"
SHOP = "Shop"
RENTAL = "Rental"
CUSTOMER_ROLES = ("donor", "buyer", "trainee")
# e-mail, first name, role (superuser, a group name or "donor"), French label, where to go
USERS = [
    ("admin@reemploi.example", "Administratrice", "superuser", "administration", "tout le site, /admin/"),
    ("editeur@reemploi.example", "Éditeur", EDITORS, "éditeur", "rédige et soumet (/admin/)"),
    ("moderateur@reemploi.example", "Modératrice", MODERATORS, "modératrice", "valide et publie (/admin/)"),
    ("atelier@reemploi.example", "Technicien·ne", WORKSHOP, "atelier", "registre des appareils (/admin/atelier/)"),
    ("region@reemploi.example", "Région Bretagne", "donor", "donateur", "espace donateurs (/donateurs/)"),
    ("boutique@reemploi.example", "Vendeuse", SHOP, "boutique", "commandes (/admin/boutique/commandes/)"),
    ("ccas@reemploi.example", "CCAS de Redon", "buyer", "acheteur pro", "achat sur facture (/boutique/)"),
    ("location@reemploi.example", "Maëlle", RENTAL, "location", "demandes de location (/admin/location/demandes/)"),
    ("stagiaire@reemploi.example", "Nolwenn", "trainee", "stagiaire", "ses demandes (/location/mes-demandes/)"),
]
SERVICE_FLAGS = {
    "sale": "offers_sale",
    "rental": "offers_rental",
    "repair": "offers_repair",
    "training": "offers_training",
    "collection": "offers_collection",
}
FORM_FIELD_ATTRS = ("label", "field_type", "required", "help_text")


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


class Command(BaseCommand):
    help = "Charge les données de démonstration (site, registre, boutique). Peut être relancée sans effet."

    def handle(self, *args, **options):
        self.changes = 0
        with transaction.atomic():
            home = self._home()
            self._sites(home)
            roles_ensure()
            self._settings()
            self._partners()
            self._network(home)
            self._page(home, PartnersPage, "partenaires", show_in_menus=True, **data.PARTNERS_PAGE)
            self._articles(home)
            self._legal(home)
            self._forms(home)
            registry = registry_demo.load(
                [(a["name"], a["slug"], a["city"], a["department"]) for a in data.ASSOCIATIONS]
            )
            self._users()
        if "shop" in settings.INSTALLED_APPS:
            call_command("demo_shop", verbosity=options["verbosity"])
        rental_demo.load(PASSWORD)
        if options["verbosity"]:
            self._summary(registry)

    # --- pages -------------------------------------------------------------------------------------------

    def _publish(self, page):
        page.save_revision().publish()
        self.changes = getattr(self, "changes", 0) + 1

    def _apply(self, page, fields, tags, form_fields) -> bool:
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

    def _page(self, parent, model, slug, *, tags=None, form_fields=None, **fields):
        """The child of `parent` with this slug, created or brought up to date, and published."""
        existing = Page.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None and existing.specific_class is not model:
            raise CommandError(f"{existing.url_path} existe déjà avec un autre type ({existing.specific_class}).")
        page = existing.specific if existing is not None else model(slug=slug)
        changed = self._apply(page, fields, tags, form_fields)
        if existing is None:
            parent.add_child(instance=page)
            self._publish(page)
        elif changed:
            self._publish(page)
        return page

    def _home(self) -> HomePage:
        """The home page made by content/migrations/0002 (created the same way if absent), filled in."""
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="Accueil", slug="accueil", **_home_required()))
        if self._apply(home, data.HOME, None, None):
            self._publish(home)
        return home

    def _sites(self, home):
        url = urlsplit(settings.SITE_BASE_URL)
        port = url.port or (443 if url.scheme == "https" else 80)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": url.hostname, "port": port, "root_page": home, "site_name": "Réemploi"},
        )

    def _network(self, home):
        index = self._page(home, NetworkIndexPage, "reseau", show_in_menus=True, **data.NETWORK)
        for member in data.ASSOCIATIONS:
            flags = {flag: key in member["services"] for key, flag in SERVICE_FLAGS.items()}
            self._page(
                index,
                MemberPage,
                member["slug"],
                title=member["name"],
                short_description=member["short_description"],
                street=member["street"],
                postcode=member["postcode"],
                city=member["city"],
                latitude=member["latitude"],
                longitude=member["longitude"],
                phone=member["phone"],
                email=f"contact@{member['slug']}.example",
                opening_hours=member["hours"],
                is_demo=member["is_demo"],
                body=member["body"],
                search_description=member["short_description"],
                **flags,
            )

    def _articles(self, home):
        for model, index_model, slug, index_fields, articles in (
            (NewsPage, NewsIndexPage, "actualites", data.NEWS_INDEX, data.NEWS),
            (StoryPage, StoryIndexPage, "histoires", data.STORIES_INDEX, data.STORIES),
        ):
            index = self._page(home, index_model, slug, show_in_menus=True, **index_fields)
            for article in articles:
                image, image_alt = None, ""
                if article["image"]:
                    colour, caption, image_alt = article["image"]
                    image = illustration(article["slug"], colour, caption)
                self._page(
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

    def _legal(self, home):
        for page in data.LEGAL_PAGES:
            self._page(
                home,
                StandardPage,
                page["slug"],
                title=page["title"],
                intro=page["intro"],
                body=page["body"],
                last_reviewed=data.LEGAL_REVIEWED,
                show_in_menus=False,
            )

    def _forms(self, home):
        for form in data.FORMS:
            self._page(
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

    # --- snippets, settings, users ------------------------------------------------------------------------

    def _partners(self):
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

    def _settings(self):
        for model, values in ((ImpactFigures, data.IMPACT_FIGURES), (OrganisationSettings, data.ORGANISATION)):
            instance = model.load()
            if any(getattr(instance, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.save()

    def _users(self):
        User = get_user_model()
        for email, first_name, role, _label, _where in USERS:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=PASSWORD, first_name=first_name)
            user.set_password(PASSWORD)
            user.is_active = True
            user.is_staff = role not in CUSTOMER_ROLES
            user.is_superuser = role == "superuser"
            user.save()
            EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
            )
            if role in (EDITORS, MODERATORS, WORKSHOP, SHOP, RENTAL):
                user.groups.add(Group.objects.get(name=role))

    def _summary(self, registry):
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes ({self.changes} page(s) créée(s) ou mise(s) à jour) : "
                f"{MemberPage.objects.count()} associations, {Partner.objects.count()} partenaires, "
                f"{NewsPage.objects.count()} actualités, {StoryPage.objects.count()} histoires, "
                f"{FormPage.objects.count()} formulaires, {registry['devices']} appareils tracés."
            )
        )
        self.stdout.write(f"\nSite : {settings.SITE_BASE_URL}/   administration : {settings.SITE_BASE_URL}/admin/\n")
        self.stdout.write(f"  {'E-mail':30} {'Mot de passe':20} {'Rôle':14} Accès")
        for email, _first, _role, label, where in USERS:
            self.stdout.write(f"  {email:30} {PASSWORD:20} {label:14} {where}")


def _home_required():
    return {name: data.HOME[name] for name in ("hero_title", "hero_text")}
