"""Quarterly reports through the API: the web's rules, through the same services."""

import pytest

from committee.models import QuarterlyReport
from committee.reports import generation, services
from core.quarters import Quarter

pytestmark = pytest.mark.django_db


def test_files_of_a_report_not_yet_built_are_404(api_as, people, plan):
    report = services.report_request(
        user=people["secretary"], quarter=Quarter.parse("2025Q3"), policy=None
    )
    response = api_as(people["committee"]).get(f"/api/v1/reports/{report.pk}/files/pdf/")
    assert response.status_code == 404


def test_secretary_requests_a_report_and_the_task_is_enqueued_on_commit(
    api_as, people, plan, django_capture_on_commit_callbacks
):
    client = api_as(people["secretary"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/v1/reports/", {"quarter": "2025q3", "scope": "nsp-2022"}, format="json"
        )
    assert response.status_code == 201, response.json()
    report = QuarterlyReport.objects.get(pk=response.json()["id"])
    assert (report.quarter, report.scope, report.state, report.requested_by) == (
        "2025Q3", "NSP-2022", "queued", people["secretary"],
    )  # fmt: skip
    assert response.json()["files"] == {}
    assert len(callbacks) == 1


def test_the_scope_defaults_to_nisp_2018(api_as, people, plan):
    response = api_as(people["secretary"]).post(
        "/api/v1/reports/", {"quarter": "2025Q3"}, format="json"
    )
    assert response.json()["scope"] == "NISP-2018"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"quarter": "Q3 2025"}, "quarter", "is not a quarter"),
        ({"quarter": "2025Q3", "scope": "NISP-2099"}, "scope", "is not a policy"),
        ({"quarter": "2999Q1"}, "quarter", "has not begun"),
        ({}, "quarter", "This field is required."),
    ],
)
def test_bad_requests_are_400_with_field_errors_and_create_nothing(
    api_as, people, plan, body, field, message
):
    response = api_as(people["secretary"]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert message in " ".join(e["message"] for e in response.json()["errors"][field])
    assert not QuarterlyReport.objects.exists()


def test_the_list_takes_a_fixed_number_of_queries(
    api_as, people, plan, django_assert_max_num_queries
):
    for scope in ("NISP-2018", "NAP-2014", "NSP-2022"):
        services.report_request(
            user=people["secretary"],
            quarter=Quarter.parse("2025Q3"),
            policy=services.scope_policy(scope),
        )
    client = api_as(people["committee"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/reports/")
    assert response.json()["count"] == 3


def test_a_report_narrowed_to_a_province_stores_its_place_and_figures(api_as, people, plan):
    client = api_as(people["secretary"])
    response = client.post(
        "/api/v1/reports/",
        {"quarter": "2025Q3", "scope": "ALL", "level": "special", "province": "GB"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["level"], response.json()["province"]) == ("special", "GB")
    report = generation.report_generate(response.json()["id"])
    shown = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert shown["figures"]["scope"]["province"] == "GB"
    from interventions.models import PlanItem

    assert shown["figures"]["totals"]["items"] == (
        PlanItem.objects.at_place(level="special", province="GB").count()
    )
    # A narrowed report locks no period on sign-off: the periods are every agency's.
    assert list(services.periods_sign_off_locks(report)) == []


def test_an_unknown_level_or_province_is_a_400_and_creates_nothing(api_as, people, plan):
    response = api_as(people["secretary"]).post(
        "/api/v1/reports/", {"quarter": "2025Q3", "level": "district", "province": "Kashmir"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"level", "province"}
    assert not QuarterlyReport.objects.exists()
