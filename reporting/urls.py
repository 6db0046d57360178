from django.urls import path

from reporting import views
from reporting.reports import views as report_views

app_name = "reporting"

urlpatterns = [
    path("my/", views.my_items, name="my_items"),
    path("items/<int:item_id>/updates/new/", views.update_create, name="update_create"),
    path("items/<int:item_id>/comments/", views.comment_add, name="comment_add"),
    path("updates/<int:update_id>/", views.update_edit, name="update_edit"),
    path("updates/<int:update_id>/submit/", views.update_submit, name="update_submit"),
    path("updates/<int:update_id>/review/", views.update_review, name="update_review"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("compliance/", views.compliance, name="compliance"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:report_id>/", report_views.report_detail, name="report_detail"),
    path(
        "reports/<int:report_id>/download/<str:fmt>/",
        report_views.report_download,
        name="report_download",
    ),
    path("reports/<int:report_id>/sign-off/", report_views.report_sign_off, name="report_sign_off"),
    path("reports/<int:report_id>/rerun/", report_views.report_rerun, name="report_rerun"),
]
