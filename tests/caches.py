"""Cache settings the tests share."""

# Nothing listens on port 1: every get and set fails at once, as when Redis is down.
UNREACHABLE_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


def make_unreachable(settings, alias: str) -> None:
    """Point the cache `alias` at a Redis that is not there, for this test."""
    settings.CACHES = {**settings.CACHES, alias: UNREACHABLE_REDIS}
