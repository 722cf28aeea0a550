"""The "Workshop" group: what a workshop technician may see and do in the admin."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Workshop"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("devices", "view_intakebatch"),
    ("devices", "add_intakebatch"),
    ("devices", "change_intakebatch"),
    ("devices", "view_donor"),
    ("devices", "add_donor"),
    ("devices", "change_donor"),
    ("devices", "view_association"),
    ("devices", "add_association"),
    ("devices", "change_association"),
    ("devices", "view_device"),
    ("devices", "view_deviceevent"),
    ("devices", "operate_device"),
]


def create_workshop_group(apps, schema_editor):
    # On a new database the permissions of `devices` are only created after all migrations (post_migrate):
    # create them now so the group can hold them.
    create_permissions(
        global_apps.get_app_config("devices"), apps=apps, verbosity=0, using=schema_editor.connection.alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_workshop_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # After Wagtail's migrations that give every admin group the "choose" permissions of their time:
        # the Workshop group holds exactly the permissions listed above.
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_workshop_group, remove_workshop_group)]
