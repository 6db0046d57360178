"""`Authorization: Token <key>` for REST clients, with keys people create and revoke themselves."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from agencies.middleware import activate_user_language
from agencies.models import ApiToken
from agencies.services import api_token_hash, api_token_mark_used
from core.api.throttling import FailedAttemptThrottle


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing (and its OpenAPI security scheme), looking keys up by their hash.

    A token's person is known only here, after the middleware chose the language from the
    request: their saved language then applies, as it does on every page they open."""

    keyword = "Token"

    def authenticate(self, request):
        # Guessing keys: an address with too many wrong tokens is refused before any lookup.
        throttle = FailedAttemptThrottle()
        if throttle.is_blocked(request):
            raise exceptions.Throttled(throttle.wait())
        try:
            found = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
        if found is not None:
            activate_user_language(request, found[0])
        return found

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.active()
            .select_related("user__agency")
            .filter(key_hash=api_token_hash(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is inactive."))
        api_token_mark_used(token)
        return token.user, token
