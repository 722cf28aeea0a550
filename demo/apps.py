from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds `manage.py demo` and the logins that span apps; no models."""

    name = "demo"
    label = "demo"
