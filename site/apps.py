from django.apps import AppConfig


class ReemploiConfig(AppConfig):
    """The toolkit (site/, imported as `reemploi`): its management commands, tasks and deployment checks."""

    name = "reemploi"

    def ready(self):
        from . import checks  # noqa: F401 (registers them)
