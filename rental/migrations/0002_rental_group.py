"""The "Rental" group: what a rental officer may see and do in the admin."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Rental"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("rental", "manage_rentals"),
    ("rental", "view_application"),
    ("rental", "view_trainingprogramme"),
    ("rental", "add_trainingprogramme"),
    ("rental", "change_trainingprogramme"),
    ("devices", "view_device"),
    ("devices", "view_association"),
]


def create_rental_group(apps, schema_editor):
    # On a new database the permissions of `rental` are only created after all migrations (post_migrate):
    # create them now so the group can hold them.
    for label in ("rental", "devices"):
        create_permissions(
            global_apps.get_app_config(label), apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_rental_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rental", "0001_initial"),
        # After the Workshop group's migration, which follows Wagtail's "choose" permission migrations.
        ("devices", "0002_workshop_group"),
    ]

    operations = [migrations.RunPython(create_rental_group, remove_rental_group)]
