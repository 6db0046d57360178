from django.urls import path

from interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/<str:code>/", views.policy_detail, name="policy_detail"),
    path(
        "items/<int:item_id>/propose-change/",
        views.change_request_create,
        name="change_request_create",
    ),
    path("plan/changes/", views.change_request_queue, name="change_request_queue"),
    path(
        "plan/changes/<int:request_id>/decide/",
        views.change_request_decide,
        name="change_request_decide",
    ),
    path("plan/due-dates/", views.due_dates_bulk, name="due_dates_bulk"),
    path("items/<int:item_id>/sensitivity/", views.item_sensitivity, name="item_sensitivity"),
    path(
        "items/<int:item_id>/grants/<int:grant_id>/revoke/",
        views.grant_revoke,
        name="grant_revoke",
    ),
    path("policies/<str:code>/sensitivity/", views.policy_sensitivity, name="policy_sensitivity"),
]
