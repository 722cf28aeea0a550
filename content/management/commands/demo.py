"""`manage.py demo`: the whole French demo site, its device registry and its shop, idempotently.

Running it again changes nothing: pages, snippets and users are looked up by slug or e-mail first.
"""

import io
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont
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

PASSWORD = registry_demo.DEMO_PASSWORD
USERS = [
    ("admin@reemploi.example", "Administratrice", "superuser", "tout le site, /admin/ et /boutique/dashboard/"),
    ("editeur@reemploi.example", "Éditeur", EDITORS, "rédige et soumet les actualités"),
    ("moderateur@reemploi.example", "Modératrice", MODERATORS, "valide et publie"),
    ("atelier@reemploi.example", "Technicien·ne", "Workshop", "registre des appareils (/admin/atelier/)"),
    ("region@reemploi.example", "Région Bretagne", "donor", "espace donateurs (/donateurs/)"),
]
SERVICE_FLAGS = {
    "sale": "offers_sale",
    "rental": "offers_rental",
    "repair": "offers_repair",
    "training": "offers_training",
    "collection": "offers_collection",
}


def _paragraphs(texts):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts]


class Command(BaseCommand):
    help = "Load the French demo data (site, registry, shop). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = self._home()
            self._sites(home)
            roles_ensure()
            self._settings()
            partners_logos = self._partners()
            self._network(home)
            self._page(
                home,
                PartnersPage,
                "partenaires",
                title="Partenaires",
                show_in_menus=True,
                intro="<p>Collectivités, entreprises et programmes qui rendent le réemploi possible.</p>",
            )
            self._articles(home)
            self._legal(home)
            self._forms(home)
            registry = registry_demo.load([(a[1], a[0], a[2], a[4]) for a in data.ASSOCIATIONS])
            self._users()
        if "shop" in settings.INSTALLED_APPS:
            call_command("demo_shop", verbosity=options["verbosity"])
        self._summary(registry, len(partners_logos))

    # --- tree --------------------------------------------------------------------------------------

    def _home(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="Accueil", slug="accueil", hero_title="-", hero_text="-"))
        changed = False
        values = {
            "hero_title": "Une seconde vie pour le matériel informatique",
            "hero_text": "Le réseau OGO fédère huit associations bretonnes qui collectent les ordinateurs des "
            "institutions, effacent les données, les reconditionnent et les remettent en service : vente, "
            "location solidaire, dons.",
            "shop_cta": "Des ordinateurs testés et effacés, garantis deux ans, "
            "à retirer dans l'atelier le plus proche.",
            "rental_cta": "Stagiaire d'une formation financée par la Région ? Un ordinateur pour 5 € par mois.",
            "seo_title": "Réemploi informatique en Bretagne – réseau OGO",
            "search_description": "Ordinateurs reconditionnés, location solidaire et traçabilité du matériel donné.",
        }
        for name, value in values.items():
            if getattr(home, name) != value:
                setattr(home, name, value)
                changed = True
        if changed:
            home.save_revision().publish()
        return home

    def _sites(self, home):
        url = urlsplit(settings.SITE_BASE_URL)
        port = url.port or (443 if url.scheme == "https" else 80)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": url.hostname, "port": port, "root_page": home, "site_name": "Réemploi"},
        )

    def _page(self, parent, model, slug, **fields):
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing:
            return existing
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
        return page

    def _network(self, home):
        index = self._page(
            home,
            NetworkIndexPage,
            "reseau",
            title="Le réseau",
            show_in_menus=True,
            intro="<p>Huit associations de réemploi, de Brest à Rennes, fédérées depuis juillet 2020.</p>",
        )
        for slug, name, city, postcode, _dep, street, lat, lon, services, is_demo, description in data.ASSOCIATIONS:
            flags = {flag: key in services for key, flag in SERVICE_FLAGS.items()}
            self._page(
                index,
                MemberPage,
                slug,
                title=name,
                short_description=description,
                street=street,
                postcode=postcode,
                city=city,
                latitude=lat,
                longitude=lon,
                phone="02 99 00 00 00",
                email=f"contact@{slug}.example",
                opening_hours=data.OPENING_HOURS,
                is_demo=is_demo,
                body=_paragraphs([description]),
                **flags,
            )

    def _articles(self, home):
        news_index = self._page(
            home,
            NewsIndexPage,
            "actualites",
            title="Actualités",
            show_in_menus=True,
            intro="<p>La vie des ateliers et du réseau.</p>",
        )
        for slug, title, day, intro, tags, paragraphs, figure in data.NEWS:
            body = _paragraphs(paragraphs)
            if figure:
                body.append({"type": "key_figure", "value": {"value": figure[0], "label": figure[1], "source": ""}})
            page = self._page(news_index, NewsPage, slug, title=title, date=day, intro=intro, body=body)
            if not page.tags.exists():
                page.tags.add(*tags)
                page.save_revision().publish()
        story_index = self._page(
            home,
            StoryIndexPage,
            "histoires",
            title="Histoires collectives",
            show_in_menus=True,
            intro="<p>Ce que devient le matériel, raconté par ceux qui s'en servent.</p>",
        )
        for slug, title, day, intro, tags, paragraphs, quote, who in data.STORIES:
            body = _paragraphs(paragraphs) + [{"type": "quote", "value": {"text": quote, "attribution": who}}]
            body.append(
                {
                    "type": "call_to_action",
                    "value": {
                        "title": "Vous aussi, donnez une seconde vie",
                        "text": "",
                        "button_label": "Donner du matériel",
                        "page": None,
                        "url": "/donner/",
                    },
                }
            )
            page = self._page(story_index, StoryPage, slug, title=title, date=day, intro=intro, body=body)
            if not page.tags.exists():
                page.tags.add(*tags)
                page.save_revision().publish()

    def _legal(self, home):
        for slug, (title, blocks) in data.LEGAL_PAGES.items():
            self._page(
                home, StandardPage, slug, title=title, body=[{"type": kind, "value": value} for kind, value in blocks]
            )

    def _forms(self, home):
        for slug, title, intro, fields, subject in (
            (
                "contact",
                "Contact",
                "<p>Une question sur un achat, une location ou un don ? Écrivez-nous.</p>",
                data.CONTACT_FIELDS,
                "Message depuis le site",
            ),
            (
                "donner",
                "Donner du matériel",
                "<p>Collectivités, entreprises, établissements : proposez-nous vos "
                "ordinateurs, nous venons les chercher et vous rendons compte de leur seconde vie.</p>",
                data.DONATION_FIELDS,
                "Proposition de don de matériel",
            ),
        ):
            page = self._page(
                home,
                FormPage,
                slug,
                title=title,
                show_in_menus=True,
                intro=intro,
                thank_you_text="<p>Merci ! L'équipe vous répond sous quelques jours.</p>",
                to_address=",".join(settings.STAFF_NOTIFICATION_EMAILS),
                subject=subject,
            )
            if not page.form_fields.exists():
                for order, (label, field_type, required, help_text) in enumerate(fields):
                    FormField.objects.create(
                        page=page,
                        sort_order=order,
                        label=label,
                        field_type=field_type,
                        required=required,
                        help_text=help_text,
                    )

    # --- snippets, settings, users --------------------------------------------------------------------

    def _logo(self, name, colour):
        Image_ = get_image_model()
        title = f"Logo {name}"
        existing = Image_.objects.filter(title=title).first()
        if existing:
            return existing
        canvas = Image.new("RGB", (240, 120), colour)
        initials = "".join(word[0] for word in name.replace("'", " ").split() if word[0].isupper())[:3]
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default(size=48) if hasattr(ImageFont, "load_default") else None
        draw.text((120, 60), initials, fill="white", anchor="mm", font=font)
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        return Image_.objects.create(title=title, file=ImageFile(buffer, name=f"logo-{initials.lower()}.png"))

    def _partners(self):
        logos = []
        for order, (name, kind, url, colour, description) in enumerate(data.PARTNERS):
            logo = self._logo(name, colour)
            Partner.objects.update_or_create(
                name=name,
                defaults={"kind": kind, "url": url, "description": description, "logo": logo, "sort_order": order * 10},
            )
            logos.append(logo)
        return logos

    def _settings(self):
        figures = ImpactFigures.load()
        figures.integration_jobs = 14
        figures.save()
        org = OrganisationSettings.load()
        org.name = "OGO – Ordi Grand Ouest"
        org.email = "contact@reemploi.example"
        org.address = "Réseau OGO\nBretagne"
        org.footer_text = "Huit associations bretonnes pour le réemploi informatique et l'inclusion numérique."
        org.save()

    def _users(self):
        User = get_user_model()
        for email, first_name, role, _where in USERS:
            user, _created = User.objects.get_or_create(email=email, defaults={"first_name": first_name})
            user.set_password(PASSWORD)
            user.is_staff = role not in ("donor",)
            user.is_superuser = role == "superuser"
            user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            if role in (EDITORS, MODERATORS, "Workshop"):
                user.groups.add(Group.objects.get(name=role))

    def _summary(self, registry, partners):
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {MemberPage.objects.count()} associations, {partners} partenaires, "
                f"{NewsPage.objects.count()} actualités, {StoryPage.objects.count()} histoires, "
                f"{registry['devices']} appareils tracés."
            )
        )
        self.stdout.write(f"\nSite : {settings.SITE_BASE_URL}/   (mot de passe de tous les comptes : {PASSWORD})")
        for email, _first, role, where in USERS:
            self.stdout.write(f"  {email:32} {role:11} {where}")
