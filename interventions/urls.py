from django.urls import path

from interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/<str:code>/", views.policy_detail, name="policy_detail"),
]
