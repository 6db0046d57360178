"""API clients authenticated the way real clients are: with tokens made by the service."""

import uuid

import pytest
from rest_framework.test import APIClient

from agencies.services import api_token_create


@pytest.fixture(scope="session")
def _cache_prefix():
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _isolated_throttle_counts(settings, _cache_prefix):
    """Throttle counters live in the cache (Redis in CI), which outlives a test run; a prefix
    of this run's own keeps one run's counts out of the next."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": _cache_prefix} for name, config in settings.CACHES.items()
    }


def client_with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as(db):
    """A client for the user, holding a real token (read-only if asked)."""

    def make(user, *, read_only: bool = False) -> APIClient:
        _, key = api_token_create(user=user, name="test client", read_only=read_only)
        return client_with_token(key)

    return make
