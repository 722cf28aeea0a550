import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    """Oscar's partner app, overridden only for its purchase strategy (`shop.partner.strategy`).

    Its models and migrations stay Oscar's (MIGRATION_MODULES in settings), so Oscar upgrades bring them.
    """

    name = "shop.partner"
