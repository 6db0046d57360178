"""Guessing API tokens: wrong tokens are counted per client address and refused with 429."""

import secrets
import uuid

import pytest
from rest_framework.test import APIClient

from agencies.services import api_token_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/policies/"


@pytest.fixture
def low_failure_rate(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_failure": "5/hour",
        },
    }


def get(key: str, address: str):
    return APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address)


def test_an_address_guessing_tokens_is_refused_with_429(low_failure_rate, people):
    statuses = [get(secrets.token_urlsafe(32), "10.1.1.1").status_code for _ in range(7)]
    assert statuses == [401] * 5 + [429] * 2

    response = get(secrets.token_urlsafe(32), "10.1.1.1")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Even a real token is refused from that address until the window passes.
    _, key = api_token_create(user=people["officer"], name="script")
    assert get(key, "10.1.1.1").status_code == 429


def test_other_addresses_and_good_tokens_are_not_slowed(low_failure_rate, people):
    for _ in range(6):
        get(secrets.token_urlsafe(32), "10.1.1.1")
    _, key = api_token_create(user=people["officer"], name="script")

    assert get(secrets.token_urlsafe(32), "10.2.2.2").status_code == 401
    assert [get(key, "10.3.3.3").status_code for _ in range(8)] == [200] * 8


def test_a_forwarded_for_header_does_not_change_the_address_without_a_proxy(
    low_failure_rate, people
):
    for n in range(6):
        APIClient().get(
            URL,
            HTTP_AUTHORIZATION=f"Token {secrets.token_urlsafe(32)}",
            REMOTE_ADDR="10.1.1.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert get(secrets.token_urlsafe(32), "10.1.1.1").status_code == 429
