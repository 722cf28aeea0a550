"""The workshops set their own member's allocation rules; the coordinators anyone's."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

RULES = [("programmes", f"{action}_allocationrule") for action in ("view", "add", "change", "delete")]
GROUP_PERMISSIONS = {"Workshop": RULES, "Network coordinators": RULES}


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
        group.permissions.remove(*group.permissions.filter(codename__endswith="_allocationrule"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_allocation_rules"), ("programmes", "0002_coordinators_permissions")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
