"""The shop in a network of members.

- A quote belongs, once answered, to the member whose counter answered it (`Quote.association`).
- Every member association has its workshop (its Oscar partner, the pickup place) from the start: existing
  members without one get it here, new ones from `shop.signals` when they are created.
- The network coordinators (group created by devices) run every member's orders, and use Oscar's dashboard
  for the network's catalogue and its reports: the dashboard is theirs only (`shop.dashboard.apps`).
"""

import django.db.models.deletion
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_NAME = "Network coordinators"
PERMISSIONS = [
    ("shop", "manage_orders"),
    # Oscar's dashboard: the catalogue (products, categories), stock alerts, orders (read) and reports.
    ("catalogue", "view_product"),
    ("catalogue", "add_product"),
    ("catalogue", "change_product"),
    ("catalogue", "view_category"),
    ("catalogue", "add_category"),
    ("catalogue", "change_category"),
    ("catalogue", "view_productclass"),
    ("partner", "view_partner"),
    ("partner", "view_stockalert"),
    ("order", "view_order"),
    ("analytics", "view_userrecord"),
]


def add_permissions(apps, schema_editor):
    for app_label in sorted({app_label for app_label, _codename in PERMISSIONS}):
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        for app_label, codename in PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def workshops_for_existing_members(apps, schema_editor):
    """Each member association without a workshop gets one, adopting the partner of its code if it exists (as
    `shop.services.listings.workshop_partner` does)."""
    Association = apps.get_model("devices", "Association")
    Partner = apps.get_model("partner", "Partner")
    Workshop = apps.get_model("shop", "Workshop")
    for association in Association.objects.filter(workshop__isnull=True):
        partner, _created = Partner.objects.get_or_create(
            code=f"atelier-{association.slug}", defaults={"name": association.name}
        )
        if not Workshop.objects.filter(partner=partner).exists():
            Workshop.objects.create(association=association, partner=partner)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_shop_group"),
        ("devices", "0005_network_coordinators_group"),
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
        ("partner", "0007_partneraddress_code"),
        ("order", "0021_billingaddress_code_shippingaddress_code"),
        ("analytics", "0003_auto_20200801_0817"),
    ]

    operations = [
        migrations.AddField(
            model_name="quote",
            name="association",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shop_quotes",
                to="devices.association",
                verbose_name="answered by",
            ),
        ),
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.RunPython(workshops_for_existing_members, migrations.RunPython.noop),
    ]
