from django.db import migrations

WAGTAIL_WORKFLOW = "Moderators approval"
WORKFLOW = "Validation par la modération"


def rename(apps, schema_editor):
    for model in (apps.get_model("wagtailcore", "Workflow"), apps.get_model("wagtailcore", "Task")):
        model.objects.filter(name=WAGTAIL_WORKFLOW).update(name=WORKFLOW)


def rename_back(apps, schema_editor):
    for model in (apps.get_model("wagtailcore", "Workflow"), apps.get_model("wagtailcore", "Task")):
        model.objects.filter(name=WORKFLOW).update(name=WAGTAIL_WORKFLOW)


class Migration(migrations.Migration):
    """The editors' submit button read "Soumettre à Moderators approval": the workflow's name, in English."""

    dependencies = [
        ("content", "0004_legal_notice_and_mediator"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
