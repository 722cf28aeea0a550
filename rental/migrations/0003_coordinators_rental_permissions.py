"""The network coordinators (group created by devices) also run every member's rental back office."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Network coordinators"
PERMISSIONS = [
    ("rental", "manage_rentals"),
    ("rental", "view_application"),
    ("rental", "view_trainingprogramme"),
    ("rental", "add_trainingprogramme"),
    ("rental", "change_trainingprogramme"),
]


def add_permissions(apps, schema_editor):
    create_permissions(
        global_apps.get_app_config("rental"), apps=apps, verbosity=0, using=schema_editor.connection.alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="rental"))


class Migration(migrations.Migration):
    dependencies = [("rental", "0002_rental_group"), ("devices", "0005_network_coordinators_group")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
