"""Request bodies the API cannot use: too deep, too large, malformed. Each is a 400 or 413 in
the API's error shape, and nothing is saved."""

import pytest

from core.api.parsers import nesting_depth
from reporting.models import ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(api_as, people):
    return api_as(people["officer"])


def post_raw(client, url, body: bytes | str, content_type="application/json"):
    return client.generic("POST", url, body, content_type=content_type)


def url(item):
    return f"/api/v1/items/{item.pk}/updates/"


def test_a_deeply_nested_body_is_a_400_not_a_crash(officer, moi_item):
    response = post_raw(officer, url(moi_item), "[" * 1000 + "]" * 1000)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "nested more than 32 levels" in body["detail"]
    assert body["errors"] == {}
    assert not ProgressUpdate.objects.exists()


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert nesting_depth('{"narrative": "[[[[{{{{\\"]]]"}') == 1
    assert nesting_depth('[{"a": [1, {"b": []}]}]') == 5
    assert nesting_depth("3") == 0


def test_a_malformed_body_is_a_400_in_the_error_shape(officer, moi_item):
    response = post_raw(officer, url(moi_item), '{"status": ')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(officer, moi_item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(officer, url(moi_item), '{"narrative": "' + "x" * 2000 + '"}')

    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "detail": "The request body is larger than 1,000 bytes.",
        "errors": {},
    }


def test_djangos_own_400_under_api_is_json(officer, settings):
    # An unknown host is refused by Django before any API code runs.
    response = officer.get("/api/v1/policies/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "bad_request",
        "detail": "The request could not be read.",
        "errors": {},
    }
