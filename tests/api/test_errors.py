"""Each failure names its cause in `code` (a client branches on it, never on the wording),
field errors are typed the one way ({field: [{code, message}]}), and every 4xx/5xx under
/api/ is JSON in the one error shape, including paths no view answers."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import get_resolver
from rest_framework.test import APIClient

from core.quarters import Quarter
from reporting.models import ProgressUpdate, ReportingPeriod
from tests.api.helpers import approve

pytestmark = pytest.mark.django_db

NEW = {"status": "in_progress", "percent_complete": 10, "confidence": "green",
       "narrative": "Started."}  # fmt: skip


def create(client, item, period, **fields):
    return client.post(
        f"/api/v1/items/{item.pk}/updates/", {"period": period.pk, **NEW, **fields}, format="json"
    )


def test_each_409_cause_has_its_own_code(api_as, people, moi_item, period):
    officer = api_as(people["officer"])
    update = create(officer, moi_item, period).json()
    url = f"/api/v1/updates/{update['id']}/"
    officer.patch(url, {"version": 1, "narrative": "Edited."}, format="json")
    stale = officer.patch(url, {"version": 1, "narrative": "From an old copy."}, format="json")
    duplicate = create(officer, moi_item, period)
    # A closed period keeps drafts editable (issue 16) but takes no submission.
    ReportingPeriod.objects.filter(pk=period.pk).update(state="closed")
    closed = officer.post(f"{url}submit/", {"version": 2}, format="json")
    assert [r.status_code for r in (stale, duplicate, closed)] == [409, 409, 409]
    assert [r.json()["code"] for r in (stale, duplicate, closed)] == [
        "stale_version",
        "duplicate_update",
        "period_not_open",
    ]


def test_a_period_not_started_is_period_not_open(api_as, people, moi_item, period):
    future = ReportingPeriod.objects.create(
        policy=period.policy, label="2099Q1", start="2099-01-01", end="2099-03-31",
        deadline="2099-04-15",
    )  # fmt: skip
    response = create(api_as(people["officer"]), moi_item, future)
    assert (response.status_code, response.json()["code"]) == (409, "period_not_open")


def test_rule_violations_carry_their_codes_per_field(api_as, people, moi_item, period):
    response = create(
        api_as(people["officer"]), moi_item, period,
        confidence="red", budget_released=10, budget_spent=20,
    )  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["code"] for e in body["errors"]["confidence_rationale"]] == ["rationale_required"]
    assert [e["code"] for e in body["errors"]["budget_spent"]] == ["spent_exceeds_released"]
    assert "amber" in body["errors"]["confidence_rationale"][0]["message"]
    assert not ProgressUpdate.objects.exists()


def test_a_changed_rating_without_a_rationale_has_its_own_code(api_as, people, moi_item, period):
    quarter = Quarter.of(period.start - datetime.timedelta(days=1))
    earlier = ReportingPeriod.objects.create(
        policy=period.policy, label=quarter.label, start=quarter.start, end=quarter.end,
        deadline=quarter.end + datetime.timedelta(days=15),
    )  # fmt: skip
    approve(moi_item, earlier, people, confidence="green")
    response = create(api_as(people["officer"]), moi_item, period, confidence="amber_green")
    errors = response.json()["errors"]["confidence_rationale"]
    assert [e["code"] for e in errors] == ["rationale_required_for_change"]


def test_serializer_and_nested_errors_are_typed_the_same_way(api_as, people, moi_item, period):
    response = create(
        api_as(people["officer"]), moi_item, period,
        percent_complete=150, indicator_values=[{"indicator": "x", "value": True}],
    )  # fmt: skip
    errors = response.json()["errors"]
    assert errors["percent_complete"][0]["code"] == "max_value"
    assert {e["code"] for e in errors["indicator_values.0.indicator"]} == {"invalid"}
    assert {e["code"] for e in errors["indicator_values.0.value"]} == {"invalid"}
    for field_errors in errors.values():
        for error in field_errors:
            assert set(error) == {"code", "message"}


def test_return_without_a_comment_is_comment_required(api_as, people, moi_item, period):
    officer = api_as(people["officer"])
    update = create(officer, moi_item, period).json()
    officer.post(f"/api/v1/updates/{update['id']}/submit/", {"version": 1}, format="json")
    response = api_as(people["reviewer"]).post(
        f"/api/v1/updates/{update['id']}/return/", {"version": 2}, format="json"
    )
    assert response.json()["errors"]["comment"][0]["code"] == "comment_required"


@pytest.mark.parametrize(
    "path",
    ["/api/v2/", "/api/v1/updates/0.5/submit/", "/api/v1/nothing/", "/api/v1/items/abc/",
     "/api/nothing"],
)  # fmt: skip
def test_paths_no_view_answers_are_json_404s(api_as, people, path):
    response = api_as(people["committee"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == {"code", "detail", "errors"}


def test_web_pages_keep_their_html_404(client, people):
    client.force_login(people["committee"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_under_api_is_a_json_500():
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/api/v1/items/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b'"code": "server_error"' in response.content
    web = handler(RequestFactory().get("/items/"))
    assert web["Content-Type"].startswith("text/html")


def test_an_unknown_download_format_is_a_json_404(api_as, people):
    response = api_as(people["committee"]).get("/api/v1/items/", {"format": "csv"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_anonymous_get_json_errors_too():
    response = APIClient().get("/api/v1/updates/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
