"""Replace Wagtail's welcome page with the network's home page and name both site models.

allauth's e-mails read django.contrib.sites, Wagtail reads its own Site: both are set here.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def create_home_and_sites(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("content", "HomePage")
    DjangoSite = apps.get_model("sites", "Site")

    base_url = urlsplit(settings.SITE_BASE_URL)
    host = base_url.hostname or "localhost"
    port = base_url.port or (443 if base_url.scheme == "https" else 80)
    DjangoSite.objects.update_or_create(
        pk=getattr(settings, "SITE_ID", 1), defaults={"domain": host, "name": "Réemploi – OGO"}
    )

    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home", title__startswith="Welcome").delete()
    root = Page.objects.get(depth=1)
    locale, _ = Locale.objects.get_or_create(language_code="fr")
    content_type, _ = ContentType.objects.get_or_create(app_label="content", model="homepage")
    path = root.path + "0001"
    while Page.objects.filter(path=path).exists():
        path = root.path + f"{int(path[-4:]) + 1:04d}"
    home = HomePage.objects.create(
        title="Accueil",
        draft_title="Accueil",
        slug="accueil",
        content_type=content_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale=locale,
        live=True,
        hero_title="Une seconde vie pour le matériel informatique",
        hero_text="Le réseau OGO fédère des associations bretonnes qui collectent, effacent et "
        "reconditionnent les ordinateurs des institutions pour les remettre en service.",
        body="[]",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname=host, port=port, root_page_id=home.pk, is_default_site=True, site_name="Réemploi")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_and_sites, migrations.RunPython.noop)]
