"""A generated report through the API: listed, read with its frozen figures, its files downloaded
with a token, and hidden from outsiders.

The quarter is seeded and its report (scope ALL) generated once for the module
(tests.shared_rows); requests and their errors are in test_reports.py, from a fresh start.
"""

import pytest

from committee.models import QuarterlyReport
from committee.reports import generation, services
from core.quarters import Quarter
from tests.committee.reports import figures_in_xlsx, seed_quarter
from tests.progress import make_people
from tests.shared_rows import shared_people, shared_rows, use_shared_files  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_rows(django_db_blocker, tmp_path_factory, "api-report") as folder:
        people = make_people()
        seed_quarter()
        report = services.report_request(
            user=people["secretary"], quarter=Quarter.parse("2025Q3"), policy=None
        )
        generation.report_generate(report.pk)
        yield {"folder": folder, "people": people, "report": report.pk}


@pytest.fixture
def done_report(db, shared, settings) -> QuarterlyReport:
    use_shared_files(settings, shared["folder"])
    return QuarterlyReport.objects.get(pk=shared["report"])


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
