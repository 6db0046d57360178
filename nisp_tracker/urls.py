from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from nisp_tracker.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Pages outside base.html (the admin, the API's documents) name no icon, so browsers ask
    # here; not permanent: the icon's hashed name changes with the file.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
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
