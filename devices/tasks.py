from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task
def inventory_import(*, run_pk: int, actor_pk: int | None):
    """Import a previewed inventory file (a large one, on a worker): read and checked again, then registered
    chunk by chunk, its progress saved on the run."""
    from devices import inventory

    actor = get_user_model().objects.filter(pk=actor_pk).first()
    inventory.inventory_import_start(run_pk=run_pk, actor=actor)
