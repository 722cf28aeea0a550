"""The editorial roles of the back office, and the moderation workflow between them.

Wagtail's own migrations create the same on a new database; `roles_ensure()` restores them wherever they
are missing (the demo command, a database flushed by transactional tests) without duplicating anything.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW = "Validation par la modération"  # shown to editors: "Soumettre à Validation par la modération"
WAGTAIL_WORKFLOW = "Moderators approval"  # the name Wagtail's migrations give it
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "lock_page", "unlock_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_ensure() -> dict[str, Group]:
    """Editors write and submit; Moderators approve and publish, through the moderation workflow (Wagtail's
    "Moderators approval", named in French: its name is on the editors' submit button)."""
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    access_admin = _permission("wagtailadmin", "access_admin")
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(app_label, codename)
            )
        groups[name] = group

    workflow_renamed(Workflow, GroupApprovalTask)
    task = GroupApprovalTask.objects.filter(name=WORKFLOW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW)
    task.groups.add(groups[MODERATORS])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    if not WorkflowPage.objects.filter(page=root_page).exists():
        WorkflowPage.objects.create(page=root_page, workflow=workflow)
    return groups


def workflow_renamed(workflow_model, task_model) -> None:
    """Wagtail's workflow and its task, under their French name (also run by migration content 0005)."""
    workflow_model.objects.filter(name=WAGTAIL_WORKFLOW).update(name=WORKFLOW)
    task_model.objects.filter(name=WAGTAIL_WORKFLOW).update(name=WORKFLOW)
