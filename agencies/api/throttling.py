"""Throttling per token for token clients and per person for browser sessions."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from agencies.models import ApiToken
from core.api.throttling import FailOpenThrottleMixin


class PerClientRateThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Each token has its own budget (rate "token"); a signed-in browser has one (rate "user").

    Tokens are counted apart from their owner so that one runaway script does not lock its
    owner out of the web pages' API calls, and a person cannot multiply their budget by
    opening sessions.
    """

    scope = "user"

    def allow_request(self, request, view):
        self.scope = "token" if isinstance(request.auth, ApiToken) else "user"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        # Read at request time so that settings overrides (tests, env) take effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = request.auth.pk
        elif request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            return None  # anonymous requests are refused before throttling matters
        return self.cache_format % {"scope": self.scope, "ident": ident}
