from django.urls import path

from committee import views
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
]
