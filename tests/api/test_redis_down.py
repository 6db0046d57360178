"""Redis unreachable: the API keeps answering, throttling is skipped with a logged warning."""

import logging
import socket

import pytest

from core.api import throttling

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings, closed_port, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(throttling, "_last_warning", 0.0)


def test_api_reads_are_served_with_the_cache_down_and_a_warning_logged(
    redis_down, api_as, people, moi_item, caplog
):
    client = api_as(people["officer"])
    with caplog.at_level(logging.WARNING, logger="core.api.throttling"):
        items = client.get("/api/v1/items/")
        item = client.get(f"/api/v1/items/{moi_item.pk}/")

    assert items.status_code == 200
    assert item.status_code == 200
    warnings = [r for r in caplog.records if r.name == "core.api.throttling"]
    assert len(warnings) == 1  # once a minute, not once a request
    assert "Throttling is off: the cache is unreachable" in warnings[0].getMessage()


def test_a_wrong_token_is_still_a_401_with_the_cache_down(redis_down, client):
    response = client.get("/api/v1/items/", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code == 401
