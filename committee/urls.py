from django.urls import path
from django.views.generic import RedirectView

from committee import meeting_views, views
from committee.reports import views as report_views

app_name = "committee"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:report_id>/", report_views.report_detail, name="report_detail"),
    path(
        "reports/<int:report_id>/download/<str:fmt>/",
        report_views.report_download,
        name="report_download",
    ),
    path("reports/<int:report_id>/sign-off/", report_views.report_sign_off, name="report_sign_off"),
    path("reports/<int:report_id>/progress/", report_views.report_progress, name="report_progress"),
    path("reports/<int:report_id>/rerun/", report_views.report_rerun, name="report_rerun"),
    path("committee/meetings/", meeting_views.meeting_list, name="meeting_list"),
    path(
        "committee/meetings/<int:meeting_id>/", meeting_views.meeting_detail, name="meeting_detail"
    ),
    path(
        "committee/meetings/<int:meeting_id>/minutes/",
        meeting_views.meeting_minutes,
        name="meeting_minutes",
    ),
    path(
        "committee/meetings/<int:meeting_id>/minutes.pdf",
        meeting_views.meeting_minutes_pdf,
        name="meeting_minutes_pdf",
    ),
    path(
        "committee/meetings/<int:meeting_id>/agenda/", meeting_views.agenda_add, name="agenda_add"
    ),
    path(
        "committee/meetings/<int:meeting_id>/comments/",
        meeting_views.meeting_comment,
        name="meeting_comment",
    ),
    path(
        "committee/agenda/<int:point_id>/move/<str:direction>/",
        meeting_views.agenda_move,
        name="agenda_move",
    ),
    path("committee/agenda/<int:point_id>/drop/", meeting_views.agenda_drop, name="agenda_drop"),
    path(
        "committee/agenda/<int:point_id>/decisions/",
        meeting_views.decision_add,
        name="decision_add",
    ),
    path("committee/action-items/", meeting_views.action_list, name="action_list"),
    path("committee/my-actions/", meeting_views.my_actions, name="my_actions"),
    path(
        "committee/action-items/<int:action_id>/",
        meeting_views.action_detail,
        name="action_detail",
    ),
    path(
        "committee/action-items/<int:action_id>/close/",
        meeting_views.action_close,
        name="action_close",
    ),
    path(
        "committee/action-items/<int:action_id>/drop/",
        meeting_views.action_drop,
        name="action_drop",
    ),
    # The first addresses of the action pages, kept for links already sent (escalation mail).
    path(
        "committee/actions/",
        RedirectView.as_view(
            pattern_name="committee:action_list", query_string=True, permanent=True
        ),
    ),
    path(
        "committee/actions/<int:action_id>/",
        RedirectView.as_view(pattern_name="committee:action_detail", permanent=True),
    ),
]
