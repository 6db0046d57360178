from django.urls import path

from interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("policies/<str:code>/", views.policy_detail, name="policy_detail"),
    path("crosswalk/", views.crosswalk, name="crosswalk"),
]
