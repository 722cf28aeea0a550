"""One member, one record: the member page shows its association's identity and what is live there; a new
association gets its page's draft; the old page fields moved onto the associations (data migration)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from content.models import MemberPage
from devices.models import Association, Device, Donor, IntakeBatch, MemberLabel
from tests import factories

pytestmark = pytest.mark.django_db


def _page_html(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def _devices(association, status, count):
    donor = Donor.objects.get_or_create(name="Région Bretagne", defaults={"kind": Donor.Kind.LOCAL_AUTHORITY})[0]
    batch = IntakeBatch.objects.create(donor=donor, association=association)
    Device.objects.bulk_create(
        Device(category=Device.Category.LAPTOP, batch=batch, association=association, status=status)
        for _ in range(count)
    )


def test_the_member_page_reads_the_association_and_shows_what_is_live(client, home_page):
    network = factories.network_index(home_page)
    page = factories.member_page(
        network,
        title="Ordi Lorient",
        street="3 quai des Indes",
        postcode="56100",
        city="Lorient",
        opening_hours="Lundi : 14 h – 18 h",
        offers_sale=True,
        offers_rental=True,
    )
    association = page.association
    association.labels.add(MemberLabel.objects.create(name="Ordi 3.0"))
    _devices(association, Device.Status.LISTED, 3)
    _devices(association, Device.Status.RESERVED, 2)
    _devices(association, Device.Status.SOLD, 4)

    content = _page_html(client, page)

    assert "3 quai des Indes<br>56100 Lorient" in content and "Lundi : 14 h – 18 h" in content
    assert "Ordi 3.0" in content
    assert "3 appareils en vente ici" in content and 'href="/boutique/catalogue/?retrait=ordi-lorient"' in content
    assert "2 portables dans le parc de location" in content

    # The address is typed once: a change on the association shows on the page at once.
    Association.objects.filter(pk=association.pk).update(street="5 rue du Port")
    assert "5 rue du Port<br>56100 Lorient" in _page_html(client, page)


def test_a_member_with_nothing_live_says_so(client, home_page):
    page = factories.member_page(factories.network_index(home_page), offers_sale=True, offers_rental=True)
    content = _page_html(client, page)
    assert "Aucun appareil en vente ici pour le moment" in content
    assert "Aucun portable dans le parc de location pour le moment" in content


def test_the_association_keeps_its_identity_checked_and_its_departement_from_the_postcode():
    association = Association(name="Ordi Saint-Brieuc", slug="ordi-saint-brieuc", postcode="22 000", siret="1")
    with pytest.raises(ValidationError) as refused:
        association.full_clean()
    assert set(refused.value.message_dict) == {"siret"}
    association.siret = "356 000 000 00001"  # La Poste's establishments: digits adding up to a multiple of 5
    association.rna = "w223004567"
    association.full_clean()
    assert (association.postcode, association.department, association.rna) == ("22000", "22", "W223004567")


def test_a_new_association_gets_the_draft_of_its_member_page(home_page):
    network = factories.network_index(home_page)
    association = Association.objects.create(name="Ordi Morlaix", slug="ordi-morlaix", city="Morlaix")

    page = MemberPage.objects.get(association=association)
    assert page.get_parent().specific == network and page.slug == "ordi-morlaix"
    assert not page.live and page.title == "Ordi Morlaix" and page.latest_revision is not None
    association.save()  # saving again creates nothing more
    assert MemberPage.objects.filter(association=association).count() == 1


def test_without_a_network_page_no_draft_is_made(home_page):
    Association.objects.create(name="Ordi Vitré", slug="ordi-vitre")
    assert not MemberPage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_moves_the_page_fields_onto_the_associations(base_data):
    """Member pages as they were stored before (address on the page) end up pointing at associations that
    hold the address, the known association being completed rather than duplicated."""
    executor = MigrationExecutor(connection)
    before = [("content", "0002_home_page_and_sites")]
    executor.migrate(before)
    registry_now = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "devices"]
    apps = executor.loader.project_state(before + registry_now).apps
    OldPage = apps.get_model("content", "MemberPage")
    OldAssociation = apps.get_model("devices", "Association")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    content_type = ContentType.objects.get_or_create(app_label="content", model="memberpage")[0]
    root = Page.objects.get(depth=1)
    known = OldAssociation.objects.create(name="Déclic", slug="declic", city="")
    common = {"content_type": content_type, "depth": 2, "numchild": 0, "locale_id": root.locale_id, "live": True}
    for n, (title, slug, postcode, city) in enumerate(
        [("Déclic", "declic", "35600", "Redon"), ("Ordi Brest", "ordi-brest", "29200", "Brest")]
    ):
        OldPage.objects.create(
            title=title,
            slug=slug,
            path=f"{root.path}{9000 + n:04d}",
            url_path=f"/{slug}/",
            short_description="…",
            street="1 rue de la Gare",
            postcode=postcode,
            city=city,
            latitude="48.1",
            longitude="-2.1",
            opening_hours="Samedi : 10 h – 12 h",
            offers_rental=True,
            **common,
        )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward again, every app to its latest migration

    pages = {page.slug: page for page in MemberPage.objects.select_related("association")}
    assert pages["declic"].association_id == known.pk
    declic = Association.objects.get(pk=known.pk)
    assert (declic.city, declic.postcode, declic.department, declic.offers_rental) == ("Redon", "35600", "35", True)
    brest = pages["ordi-brest"].association
    assert (brest.name, brest.street, brest.department, brest.opening_hours) == (
        "Ordi Brest",
        "1 rue de la Gare",
        "29",
        "Samedi : 10 h – 12 h",
    )
    assert Association.objects.count() == 2


def test_the_django_site_follows_site_base_url_after_migrating(settings):
    """allauth's and Oscar's e-mails build links from the Django Site: its domain keeps SITE_BASE_URL's port."""
    from django.apps import apps
    from django.contrib.sites.models import Site

    from content.signals import site_domain_follow_base_url

    settings.SITE_BASE_URL = "http://127.0.0.1:8123"
    site_domain_follow_base_url(sender=apps.get_app_config("content"), using="default")
    assert Site.objects.get(pk=settings.SITE_ID).domain == "127.0.0.1:8123"
