"""The quarterly report built by a real Celery worker on Redis, checked against the database."""

import time

import pytest
from django.urls import reverse

from agencies.models import User
from committee.models import QuarterlyReport
from tests.committee.reports import (
    expected_from_database,
    figures_in_pdf,
    figures_in_xlsx,
    seed_quarter,
    wait_until_finished,
)
from tests.factories import ProgressUpdateFactory, quarter_period, user_with_role

pytestmark = pytest.mark.integration
Role = User.Role


def request_report(client, secretary) -> QuarterlyReport:
    client.force_login(secretary)
    response = client.post(
        reverse("committee:report_list"), {"quarter": "2025Q3", "scope": "NISP-2018"}
    )
    assert response.status_code == 302, response.content
    return QuarterlyReport.objects.latest("pk")


def test_worker_builds_a_report_whose_files_match_the_database_and_stay_frozen(
    celery_worker, committed_plan, worker_media_dir, worker_mail_dir, client, settings
):
    settings.MEDIA_ROOT = worker_media_dir
    items = seed_quarter()
    secretary = user_with_role(Role.COMMITTEE_SECRETARY, email="secretary@acis.gov.pk")
    user_with_role(Role.COMMITTEE_MEMBER, email="member@acis.gov.pk")
    user_with_role(Role.DESK_OFFICER, "MOI", email="officer@interior.gov.pk")

    earlier_mail = set(worker_mail_dir.iterdir())  # the session's worker sends other mail too
    report = wait_until_finished(request_report(client, secretary).pk)

    assert (report.state, report.error, report.version) == ("done", "", 1)
    expected = expected_from_database()
    assert expected["by_status"]["Delayed"] == 1, "the seed is what the test thinks it is"
    in_xlsx = figures_in_xlsx(report.xlsx.path)
    assert in_xlsx == expected
    in_pdf = figures_in_pdf(report.pdf.path)
    assert in_pdf == {"items": expected["items"], "by_status": expected["by_status"]}
    assert report.snapshot["totals"]["items"] == expected["items"]
    mail = "".join(p.read_text() for p in set(worker_mail_dir.iterdir()) - earlier_mail)
    assert "member@acis.gov.pk" in mail
    assert f"/reports/{report.pk}/" in mail
    assert "officer@interior.gov.pk" not in mail

    # A later edit: another item approved as completed for the same quarter.
    ProgressUpdateFactory(
        item=items[5], period=quarter_period("NISP-2018", "2025Q3"), status="completed"
    )
    assert expected_from_database() != expected
    assert figures_in_xlsx(report.xlsx.path) == expected
    assert figures_in_pdf(report.pdf.path) == in_pdf
    page = client.get(reverse("committee:report_detail", args=[report.pk]))
    assert f'data-status="completed">{expected["by_status"]["Completed"]}<' in page.content.decode()

    # Regenerating makes version 2 with the new figures and keeps version 1 as it was.
    second = wait_until_finished(request_report(client, secretary).pk)
    assert (second.state, second.version) == ("done", 2)
    assert figures_in_xlsx(second.xlsx.path) == expected_from_database()
    assert figures_in_xlsx(report.xlsx.path) == expected
    assert QuarterlyReport.objects.filter(quarter="2025Q3", scope="NISP-2018").count() == 2


def wait_for_state(report_id: int, state: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = QuarterlyReport.objects.get(pk=report_id).state
        if current == state:
            return
        assert current not in ("done", "failed"), f"the report ended ({current}) before the kill"
        time.sleep(0.05)
    raise AssertionError(f"Report {report_id} never reached {state}")


def test_a_worker_killed_mid_report_leaves_it_running_and_run_again_completes_it(
    celery_worker, committed_plan, worker_media_dir, client, settings
):
    settings.MEDIA_ROOT = worker_media_dir
    seed_quarter()
    secretary = user_with_role(Role.COMMITTEE_SECRETARY, username="secretary.kill")
    client.force_login(secretary)
    # Every policy: the largest report, so the kill lands while it is being drawn.
    client.post(reverse("committee:report_list"), {"quarter": "2025Q3", "scope": "ALL"})
    report = QuarterlyReport.objects.latest("pk")
    try:
        wait_for_state(report.pk, "running")
        celery_worker.process.kill()  # SIGKILL: no cleanup, as when a machine dies
        celery_worker.process.wait()
        time.sleep(1)
        report.refresh_from_db()
        assert (report.state, report.pdf.name) == ("running", "")
        page = client.get(reverse("committee:report_list")).content.decode()
        assert "Run again" not in page, "a running report is not rerun before the time limit"
    finally:
        celery_worker.start()

    # Past the task time limit no worker can still be on it: the secretary runs it again.
    settings.CELERY_TASK_TIME_LIMIT = 1
    time.sleep(1.1)
    assert "Run again" in client.get(reverse("committee:report_list")).content.decode()
    response = client.post(reverse("committee:report_rerun", args=[report.pk]))
    assert response.status_code == 302
    finished = wait_until_finished(report.pk)
    assert (finished.state, finished.version, finished.error) == ("done", 1, "")
    assert all(getattr(finished, fmt).name for fmt in ("pdf", "xlsx", "csv"))
    assert QuarterlyReport.objects.filter(quarter="2025Q3", scope="ALL").count() == 1
