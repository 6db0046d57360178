"""Who gets in: tokens (header), sessions (browser, with CSRF), and nobody anonymous."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import ApiToken
from agencies.services import api_token_create, api_token_revoke
from tests.api.conftest import client_with_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/policies/"


def new_update(period) -> dict:
    return {"period": period.pk, "status": "in_progress", "percent_complete": 1,
            "confidence": "green", "narrative": "Started."}  # fmt: skip


def test_anonymous_is_told_to_send_a_token():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_key_is_refused():
    response = client_with_token("not-a-real-key").get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."


def test_a_revoked_token_is_refused(people):
    token, key = api_token_create(user=people["officer"], name="old script")
    api_token_revoke(user=people["officer"], token=token)
    assert client_with_token(key).get(URL).status_code == 401


def test_a_deactivated_persons_token_is_refused(people):
    _, key = api_token_create(user=people["officer"], name="script")
    people["officer"].is_active = False
    people["officer"].save()
    assert client_with_token(key).get(URL).status_code == 401


def test_use_is_recorded_at_most_every_few_minutes(people):
    token, key = api_token_create(user=people["officer"], name="script")
    client = client_with_token(key)
    client.get(URL)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_read_only_token_reads_but_never_writes(api_as, people, moi_item, period):
    client = api_as(people["officer"], read_only=True)
    assert client.get(f"/api/v1/items/{moi_item.pk}/").status_code == 200
    response = client.post(
        f"/api/v1/items/{moi_item.pk}/updates/",
        new_update(period),
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This token is read-only."


def test_a_browser_session_reads_the_api(people, plan):
    client = APIClient()
    client.force_login(people["committee"])
    assert client.get(URL).status_code == 200


def test_a_session_write_needs_the_csrf_token(people, moi_item, period):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people["officer"])
    response = client.post(
        f"/api/v1/items/{moi_item.pk}/updates/",
        new_update(period),
        format="json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
