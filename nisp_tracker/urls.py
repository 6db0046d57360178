from django.contrib import admin
from django.urls import include, path

from nisp_tracker.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("nisp_tracker.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Anyone, without login: the public items and their approved progress (committee.public).
    path("public/", include("committee.public_urls")),
    path("", include("agencies.urls")),
    path("", include("reporting.urls")),
    path("", include("committee.urls")),
    path("", include("interventions.urls")),
]

# JSON errors under /api/, Django's pages elsewhere.
handler400 = "core.api.views.bad_request"
handler403 = "core.api.views.permission_denied"
handler404 = "core.api.views.page_not_found"
handler500 = "core.api.views.server_error"
