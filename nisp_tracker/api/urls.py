"""The API: one router under /api/v1/, each app's api/urls.py registering its viewsets on it."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from agencies.api.urls import register as register_agencies
from committee.api.urls import register as register_committee
from interventions.api.urls import register as register_interventions
from reporting.api.urls import register as register_reporting

router = DefaultRouter()
for register in (register_agencies, register_interventions, register_reporting, register_committee):
    register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
