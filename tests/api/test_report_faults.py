"""Report requests that cannot go ahead: an impossible quarter, an unreachable job queue."""

import socket

import pytest

from committee.models import QuarterlyReport
from committee.reports.services import QUEUE_UNREACHABLE
from nisp_tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture
def secretary(api_as, people):
    return api_as(people["secretary"])


@pytest.mark.parametrize("label", ["0001Q1", "1999Q4"])
def test_a_quarter_before_2000_is_a_field_error_not_a_conflict(secretary, label):
    response = secretary.post(REPORTS, {"quarter": label, "scope": "ALL"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["message"] for e in body["errors"]["quarter"]] == [
        f"{label} is before every policy (none before 2000)."
    ]
    assert not QuarterlyReport.objects.exists()


@pytest.fixture
def broker_down():
    """The Celery app pointed at a local port nothing listens on, its connections dropped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def forget_pools():
        # The app caches its pools; kombu keeps one per URL, so the real broker's pool is
        # found again (open) once the URL is put back.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_pools()
    conf.broker_url, conf.task_always_eager = f"redis://127.0.0.1:{port}/0", False
    yield
    celery_app.pool.force_close_all()  # the closed port's pool only
    forget_pools()
    conf.broker_url, conf.task_always_eager = saved


# Committed for real (transactional_db): the enqueue runs when the request's transaction
# commits, before the response is written, as in production.
def test_a_report_that_cannot_be_queued_is_marked_failed_with_a_plain_reason(
    committed_plan, transactional_db, secretary, broker_down
):
    response = secretary.post(REPORTS, {"quarter": "2025Q3", "scope": "ALL"}, format="json")

    assert response.status_code == 201
    assert (response.json()["state"], response.json()["error"]) == ("failed", QUEUE_UNREACHABLE)
    report = QuarterlyReport.objects.get()
    assert (report.state, report.error) == ("failed", "The job queue is unreachable; try again.")


def test_the_web_page_says_the_queue_is_unreachable(
    committed_plan, transactional_db, client, people, broker_down
):
    client.force_login(people["secretary"])
    response = client.post("/reports/", {"quarter": "2025Q3", "scope": "ALL"}, follow=True)
    assert "could not be queued: The job queue is unreachable; try again." in (
        response.content.decode()
    )
