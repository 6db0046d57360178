import os

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["checks"]["database"] == "ok"
    if os.environ.get("REDIS_URL"):
        assert body["checks"]["broker"] == "ok"
        assert response.status_code == 200
    else:
        assert body["checks"]["broker"].startswith("not configured")
        assert response.status_code == 200


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    # Port 9 (discard) on loopback has no Redis: a real failed connection, not a mock.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"


def test_healthz_needs_no_login_and_refuses_writes(client):
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/healthz").status_code == 405
