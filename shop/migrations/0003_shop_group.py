"""The "Shop" group: staff who run orders, withdrawals, buyer organisations and quotes."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Shop"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("shop", "manage_orders"),
]


def create_shop_group(apps, schema_editor):
    create_permissions(global_apps.get_app_config("shop"), apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_shop_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_checkout_orders"),
        ("devices", "0002_workshop_group"),
    ]

    operations = [migrations.RunPython(create_shop_group, remove_shop_group)]
