from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo accounts, sample progress and synthetic scale data: never real progress."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
