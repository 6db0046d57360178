from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    """The Advisory Committee's read side: figures, dashboard, charts, quarterly reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "committee"
