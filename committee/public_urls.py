from django.urls import path

from committee import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("policies/<str:code>/", public_views.policy_detail, name="policy_detail"),
    path("items/<int:item_id>/", public_views.item_detail, name="item_detail"),
    path("crosswalk/", public_views.crosswalk, name="crosswalk"),
    path(
        "updates/<int:update_id>/evidence/<int:file_id>/",
        public_views.evidence_download,
        name="evidence_download",
    ),
    path("open-data/items.<str:fmt>", public_views.open_data, name="open_data"),
]
