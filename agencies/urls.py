from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    # Django's own address for it, so its docs and the switcher form agree.
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("account/lockouts/", views.lockout_list, name="lockout_list"),
]
