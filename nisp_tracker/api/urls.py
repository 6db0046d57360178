"""The API: one router under /api/v1/, each app's api/urls.py registering its viewsets on it."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from agencies.api.urls import register as register_agencies
from committee.api.urls import register as register_committee
from core.csp import docs_view
from interventions.api.urls import register as register_interventions
from reporting.api.urls import register as register_reporting

router = DefaultRouter()
for register in (register_agencies, register_interventions, register_reporting, register_committee):
    register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script to allow.
    path(
        "docs/",
        docs_view(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "docs/redoc/",
        docs_view(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
]
