from django.urls import path

from reporting import cycle_views, views, workbook_views

app_name = "reporting"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("crosswalk/", views.crosswalk, name="crosswalk"),
    path("my/", views.my_items, name="my_items"),
    path("my/workbook/", workbook_views.workbook_page, name="workbook"),
    path(
        "my/workbook/download/<int:period_id>/",
        workbook_views.workbook_download,
        name="workbook_download",
    ),
    path("my/workbook/upload/", workbook_views.workbook_upload, name="workbook_upload"),
    path(
        "my/workbook/imports/<int:record_id>/", workbook_views.import_detail, name="import_detail"
    ),
    path(
        "my/workbook/imports/<int:record_id>/progress/",
        workbook_views.import_progress,
        name="import_progress",
    ),
    path(
        "my/workbook/imports/<int:record_id>/confirm/",
        workbook_views.import_confirm,
        name="import_confirm",
    ),
    path("items/<int:item_id>/updates/new/", views.update_create, name="update_create"),
    path("items/<int:item_id>/comments/", views.comment_add, name="comment_add"),
    path("items/<int:item_id>/owner/", views.owner_assign, name="owner_assign"),
    path("updates/<int:update_id>/", views.update_edit, name="update_edit"),
    path("updates/<int:update_id>/submit/", views.update_submit, name="update_submit"),
    path("updates/<int:update_id>/review/", views.update_review, name="update_review"),
    path(
        "updates/<int:update_id>/sensitivity/",
        views.record_sensitivity,
        name="update_sensitivity",
    ),
    path(
        "updates/<int:update_id>/evidence/<int:file_id>/sensitivity/",
        views.record_sensitivity,
        name="evidence_sensitivity",
    ),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/approve/", views.reviews_approve, name="reviews_approve"),
    path("compliance/", views.compliance, name="compliance"),
    path("periods/", cycle_views.period_list, name="period_list"),
    path("periods/<int:period_id>/", cycle_views.period_detail, name="period_detail"),
    path(
        "periods/<int:period_id>/extensions/",
        cycle_views.period_extend,
        name="period_extend",
    ),
    path(
        "periods/<int:period_id>/<slug:action>/",
        cycle_views.period_action,
        name="period_action",
    ),
    path("notifications/", cycle_views.notification_list, name="notification_list"),
    path(
        "updates/<int:update_id>/evidence/<int:file_id>/",
        cycle_views.evidence_download,
        name="evidence_download",
    ),
    path(
        "updates/<int:update_id>/evidence/<int:file_id>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
]
