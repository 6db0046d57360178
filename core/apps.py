from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and that has no domain of its own."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
