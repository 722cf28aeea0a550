"""Test data for the whole suite: users with their roles, images, snippets and a small page tree.

Oscar's own factories (`oscar.test.factories`) cover the shop's models; these cover the rest.
Pages are created with `add_child` and published through a revision, as the admin does, so that
`live`, `first_published_at` and the revision history look like real content.
"""

import datetime
import itertools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from content.models import (
    FormField,
    FormPage,
    HomePage,
    MemberPage,
    NetworkIndexPage,
    NewsIndexPage,
    NewsPage,
    Partner,
    PartnersPage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    Subscriber,
)
from devices.models import Association

PASSWORD = "Velo-Kreiz-Breizh-2026"
_sequence = itertools.count(1)


# --- Users ---------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose e-mail address is verified, so that allauth lets them log in (`verified=False`: not yet).

    `groups=["Editors"]` puts them in groups by name.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.bzh")
    first_name = "Anna"
    last_name = "Le Goff"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if not create:
            return
        user.save()
        if extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(*[Group.objects.get(name=name) for name in extracted])


def editor(**kwargs):
    """A member of Wagtail's "Editors" group: writes pages and submits them for moderation."""
    return UserFactory(groups=["Editors"], **kwargs)


def moderator(**kwargs):
    """A member of Wagtail's "Moderators" group: approves and publishes."""
    return UserFactory(groups=["Moderators"], **kwargs)


def superuser(**kwargs):
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


# --- Images and snippets -------------------------------------------------------------------------


def image(title="Atelier de reconditionnement", **kwargs):
    return get_image_model().objects.create(
        title=title, file=get_test_image_file(filename=f"image-{next(_sequence)}.png", **kwargs)
    )


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = Partner.Kind.FUNDER
    url = factory.Sequence(lambda n: f"https://partenaire{n}.example/")
    show_on_home = True


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"lectrice{n}@exemple.bzh")
    status = Subscriber.Status.PENDING


# --- Pages ---------------------------------------------------------------------------------------


def publish(parent, page):
    """Add `page` under `parent` and publish it through a revision, as the admin's Publish button does."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def paragraph(text):
    """A StreamField paragraph block in the JSON-like form pages accept: `body=[paragraph("…"), {...}]`."""
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def network_index(home, **kwargs):
    kwargs.setdefault("title", "Le réseau")
    kwargs.setdefault("slug", "reseau")
    kwargs.setdefault("intro", "<p>Huit associations en Bretagne.</p>")
    return publish(home, NetworkIndexPage(**kwargs))


ASSOCIATION_FIELDS = {field.name for field in Association._meta.get_fields() if field.concrete} - {"id", "name", "slug"}


def member_page(network, **kwargs):
    """A published member page and its association; address, hours and services go to the association."""
    n = next(_sequence)
    kwargs.setdefault("title", f"Association {n}")
    kwargs.setdefault("slug", slugify(kwargs["title"]))
    kwargs.setdefault("short_description", "Collecte et reconditionne les ordinateurs.")
    identity = {name: kwargs.pop(name) for name in list(kwargs) if name in ASSOCIATION_FIELDS}
    identity.setdefault("street", "12 rue de Saint-Malo")
    identity.setdefault("postcode", "35000")
    identity.setdefault("city", "Rennes")
    identity.setdefault("latitude", "48.11417")
    identity.setdefault("longitude", "-1.68083")
    if "association" not in kwargs:
        association = Association(name=kwargs["title"], slug=kwargs["slug"], **identity)
        association.full_clean()
        association.save()
        kwargs["association"] = association
    draft = MemberPage.objects.filter(association=kwargs["association"]).first()
    if draft is None:
        return publish(network, MemberPage(**kwargs))
    # A new association got the draft of its page (content.signals): the editor completes and publishes it.
    for name, value in kwargs.items():
        setattr(draft, name, value)
    draft.save_revision().publish()
    draft.refresh_from_db()
    return draft


def partners_page(home, **kwargs):
    kwargs.setdefault("title", "Partenaires")
    kwargs.setdefault("slug", "partenaires")
    return publish(home, PartnersPage(**kwargs))


def news_index(home, **kwargs):
    kwargs.setdefault("title", "Actualités")
    kwargs.setdefault("slug", "actualites")
    return publish(home, NewsIndexPage(**kwargs))


def story_index(home, **kwargs):
    kwargs.setdefault("title", "Histoires")
    kwargs.setdefault("slug", "histoires")
    return publish(home, StoryIndexPage(**kwargs))


def _article(model, index, tags, **kwargs):
    n = next(_sequence)
    kwargs.setdefault("title", f"Article {n}")
    kwargs.setdefault("slug", slugify(kwargs["title"]))
    kwargs.setdefault("intro", f"Introduction de l'article {n}.")
    kwargs.setdefault("date", datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300))
    kwargs.setdefault("body", [paragraph(f"Corps de l'article {n}.")])
    page = model(**kwargs)
    if tags:
        page.tags.add(*tags)
    return publish(index, page)


def news_page(index, tags=(), **kwargs):
    return _article(NewsPage, index, tags, **kwargs)


def story_page(index, tags=(), **kwargs):
    return _article(StoryPage, index, tags, **kwargs)


def standard_page(parent, **kwargs):
    n = next(_sequence)
    kwargs.setdefault("title", f"Page {n}")
    kwargs.setdefault("slug", slugify(kwargs["title"]))
    kwargs.setdefault("body", [paragraph("Contenu de la page.")])
    return publish(parent, StandardPage(**kwargs))


def form_page(home, fields=(), **kwargs):
    """A FormPage; `fields` are dicts of FormField attributes (label, field_type, required, choices…)."""
    kwargs.setdefault("title", "Contact")
    kwargs.setdefault("slug", "contact")
    kwargs.setdefault("to_address", "equipe@reemploi.example")
    kwargs.setdefault("from_address", "site@reemploi.example")
    kwargs.setdefault("subject", "Nouveau message du site")
    page = FormPage(**kwargs)
    page.form_fields = [FormField(sort_order=i, **field) for i, field in enumerate(fields)]
    return publish(home, page)


def home(home_page, **changes):
    """The home page created by the data migration, with `changes` published."""
    page = HomePage.objects.get(pk=home_page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
