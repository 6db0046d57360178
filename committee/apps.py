from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    """The Advisory Committee: figures, dashboard, reports, meetings, decisions, actions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "committee"

    def ready(self) -> None:
        # /my/ belongs to reporting, which cannot import the committee: the committee hands
        # it the owner's action items through reporting's section hook instead.
        from committee.my_actions import my_actions_section
        from committee.warming import warm_soon
        from core.data_version import data_changed
        from reporting import my_sections

        my_sections.register(my_actions_section)
        # Every committed change asks for the dashboard's figures to be computed again.
        data_changed.connect(warm_soon, dispatch_uid="committee-warm-dashboard-figures")
