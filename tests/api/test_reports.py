"""Quarterly reports through the API: the web's rules, through the same services."""

import pytest

from committee.models import QuarterlyReport
from committee.reports import generation, services
from core.quarters import Quarter
from tests.committee.reports import figures_in_xlsx, seed_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_report(people, plan):
    seed_quarter()
    report = services.report_request(
        user=people["secretary"], quarter=Quarter.parse("2025Q3"), policy=None
    )
    return generation.report_generate(report.pk)


def test_committee_lists_reports_and_reads_one_with_its_figures(api_as, people, done_report):
    client = api_as(people["committee"])
    listed = client.get("/api/v1/reports/").json()
    assert [r["id"] for r in listed["results"]] == [done_report.pk]
    assert "figures" not in listed["results"][0], "lists leave the frozen figures out"
    shown = client.get(f"/api/v1/reports/{done_report.pk}/").json()
    assert (shown["quarter"], shown["scope"], shown["version"], shown["state"]) == (
        "2025Q3", "ALL", 1, "done",
    )  # fmt: skip
    assert shown["figures"]["totals"] == done_report.snapshot["totals"]
    assert set(shown["files"]) == {"pdf", "xlsx", "csv"}


def test_a_token_client_downloads_the_files(api_as, people, done_report, tmp_path):
    client = api_as(people["committee"], read_only=True)
    response = client.get(f"/api/v1/reports/{done_report.pk}/files/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    saved = tmp_path / "report.xlsx"
    saved.write_bytes(b"".join(response.streaming_content))
    assert figures_in_xlsx(saved) == figures_in_xlsx(done_report.xlsx.path)


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


def test_outsiders_may_not_read_or_request_reports(api_as, people, done_report):
    officer = api_as(people["officer"])
    assert officer.get("/api/v1/reports/").status_code == 403
    assert officer.get(f"/api/v1/reports/{done_report.pk}/").status_code == 403
    for role in ("officer", "committee"):
        response = api_as(people[role]).post(
            "/api/v1/reports/", {"quarter": "2025Q3"}, format="json"
        )
        assert response.status_code == 403, role
    assert QuarterlyReport.objects.count() == 1


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
