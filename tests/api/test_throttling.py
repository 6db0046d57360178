"""Throttling: each token has its own budget, a signed-in browser another (rates in settings)."""

import uuid

import pytest
from rest_framework.test import APIClient

from agencies.services import api_token_create
from tests.api.conftest import client_with_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/policies/"


@pytest.fixture
def low_rates(settings):
    # Counts start at zero: ids repeat across tests on SQLite (rolled back), so each test
    # counts under a key prefix of its own, on the same cache backend (Redis in CI).
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute", "user": "2/minute"},
    }


def test_a_token_over_its_rate_gets_429_with_retry_after(low_rates, people):
    _, key = api_token_create(user=people["officer"], name="busy script")
    client = client_with_token(key)
    assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    response = client.get(URL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_each_token_and_the_browser_session_count_separately(low_rates, people):
    person = people["officer"]
    first = client_with_token(api_token_create(user=person, name="one")[1])
    second = client_with_token(api_token_create(user=person, name="two")[1])
    for _ in range(3):
        first.get(URL)
    assert first.get(URL).status_code == 429
    assert second.get(URL).status_code == 200
    browser = APIClient()
    browser.force_login(person)
    assert [browser.get(URL).status_code for _ in range(3)] == [200, 200, 429]
