import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket app, overridden for its line form only (`shop.basket.forms`); models and migrations
    stay Oscar's (MIGRATION_MODULES in settings)."""

    name = "shop.basket"
