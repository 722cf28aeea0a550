"""The coordinators set the solidarity prices."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Network coordinators": [("programmes", f"{action}_solidarityprice") for action in ("view", "add", "change")]
}


def add_permissions(apps, schema_editor):
    create_permissions(
        global_apps.get_app_config("programmes"), apps=apps, verbosity=0, using=schema_editor.connection.alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUP_PERMISSIONS):
        group.permissions.remove(*group.permissions.filter(codename__endswith="_solidarityprice"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0005_solidarity_vouchers")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
