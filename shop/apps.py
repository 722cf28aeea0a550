from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")

    def ready(self):
        # Modules that read models at import wait for the app registry: Oscar's analytics receivers, ours,
        # the Stripe event handlers, and the Celery tasks (`shop.emails` schedules them by name, so they must be
        # registered in every process, not only in the worker that discovers them).
        from oscar.apps.analytics import receivers as oscar_analytics

        from reemploi import product_search

        from . import signals, tasks, webhooks  # noqa: F401
        from .catalogue import search_products

        product_search.register(search_products)

        # Oscar counts every product view with a database write and keeps each signed-in visitor's viewing
        # history. Neither is used here, and the history is personal data we have no reason to keep.
        product_viewed = get_class("catalogue.signals", "product_viewed")
        product_viewed.disconnect(oscar_analytics.receive_product_view)
