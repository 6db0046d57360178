"""Throttles that keep the API serving when the shared cache (Redis) is unreachable.

Throttling guards against overuse; it is not worth refusing every request for. With Redis down
a throttle lets the request through and logs a warning (once a minute per process, so an outage
does not flood the logs).
"""

from __future__ import annotations

import logging
import time

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

log = logging.getLogger(__name__)
_WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def _warn_cache_down(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        log.warning("Throttling is off: the cache is unreachable (%s)", error)


class FailOpenThrottleMixin:
    """Lets a request through, with a logged warning, when the cache cannot be reached."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            _warn_cache_down(error)
            return True


class FailedAttemptThrottle(SimpleRateThrottle):
    """Counts failed attempts (wrong API tokens) per client address; once over the rate every
    further attempt from the address is refused until the window passes.

    Only failures are counted (``record_failure``), so a client using a good token is never
    slowed by this throttle.
    """

    scope = "token_failure"

    def get_rate(self):
        # Read at request time so that settings overrides (tests, env) take effect; no rate
        # for the scope turns the throttle off, as for DRF's own throttles.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def is_blocked(self, request) -> bool:
        if self.rate is None:
            return False
        try:
            self.history = self.cache.get(self.get_cache_key(request), [])
        except (RedisError, OSError) as error:
            _warn_cache_down(error)
            return False
        self.now = self.timer()
        self.history = [t for t in self.history if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        try:
            key = self.get_cache_key(request)
            history = [t for t in self.cache.get(key, []) if t > self.timer() - self.duration]
            self.cache.set(key, [self.timer(), *history], self.duration)
        except (RedisError, OSError) as error:
            _warn_cache_down(error)
