"""A person's own API tokens: create one (its key is shown once) and revoke it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from agencies.forms import ApiTokenForm
from agencies.selectors import sign_in_failures
from agencies.services import (
    api_token_create,
    api_token_revoke,
    can_unlock_sign_ins,
    sign_in_lockout_clear,
    user_language_set,
)


@never_cache  # the page may carry a new key
@login_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            form = ApiTokenForm()
            messages.success(
                request, _("Token “%(name)s” created. Copy its key now.") % {"name": token.name}
            )
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "agencies/token_list.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    api_token_revoke(user=request.user, token=token)
    messages.success(
        request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("agencies:token_list")


@login_required
def lockout_list(request):
    """Failed sign-ins and lockouts, with a button to unlock each account or address."""
    if not can_unlock_sign_ins(request.user):
        raise PermissionDenied(
            _("Only the committee secretary or an administrator unlocks sign-ins.")
        )
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        ip_address = request.POST.get("ip_address", "").strip()
        try:
            sign_in_lockout_clear(by=request.user, username=username, ip_address=ip_address)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(who)s can sign in again.") % {"who": username or ip_address}
            )
        return redirect("agencies:lockout_list")
    return render(
        request,
        "agencies/lockout_list.html",
        {"attempts": sign_in_failures(), "limit": settings.AXES_FAILURE_LIMIT},
    )


@require_POST
def language_set(request):
    """Django's set_language (cookie, safe redirect back), also saved on the signed-in user."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return set_language(request)
