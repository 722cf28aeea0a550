"""The "Network coordinators" group: OGO's staff who see and act for every member of the network.

Each app adds its own back office's permissions to this group in a migration of its own (the shop and the
rental do), so that no app names another's permissions.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Network coordinators"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("devices", "coordinate_network"),
    ("devices", "operate_device"),
    *[
        ("devices", f"{action}_{model}")
        for model in ("association", "memberlabel", "membership", "donor", "intakebatch")
        for action in ("view", "add", "change", "delete")
    ],
    ("devices", "view_device"),
    ("devices", "view_deviceevent"),
]


def create_group(apps, schema_editor):
    create_permissions(
        global_apps.get_app_config("devices"), apps=apps, verbosity=0, using=schema_editor.connection.alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("devices", "0004_memberships"), ("devices", "0002_workshop_group")]

    operations = [migrations.RunPython(create_group, remove_group)]
