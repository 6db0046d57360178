"""A killed worker's report is taken over: the beat job requeues reports running past the task
time limit, once, and the broker redelivers within the same bound."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from committee.models import QuarterlyReport
from committee.reports import services
from committee.tasks import requeue_stale_reports
from nisp_tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db
State = QuarterlyReport.State
START = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)


def report(quarter: str, state: str, started: datetime.datetime | None) -> QuarterlyReport:
    return QuarterlyReport.objects.create(
        quarter=quarter,
        scope="ALL",
        version=1,
        state=state,
        requested_at=START - datetime.timedelta(minutes=1),
        started_at=started,
        attempts=1 if started else 0,
    )


def test_a_report_running_past_the_time_limit_is_requeued_once(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_TIME_LIMIT = 360
    stuck = report("2025Q1", State.RUNNING, START)
    busy = report("2025Q2", State.RUNNING, START + datetime.timedelta(minutes=5))
    lost = report("2025Q3", State.QUEUED, None)
    done = report("2025Q4", State.DONE, START)

    with time_machine.travel(START + datetime.timedelta(minutes=7), tick=False):
        with django_capture_on_commit_callbacks() as enqueued:
            requeued = requeue_stale_reports()
        assert sorted(requeued) == sorted([stuck.pk, lost.pk])
        assert len(enqueued) == 2  # one message each, sent after the commit
        stuck.refresh_from_db()
        assert (stuck.state, stuck.started_at) == (State.QUEUED, timezone.now())

        # Idempotent: the beat's next pass finds nothing new to requeue.
        with django_capture_on_commit_callbacks() as again:
            assert requeue_stale_reports() == []
        assert again == []

    busy.refresh_from_db()
    done.refresh_from_db()
    assert (busy.state, done.state) == (State.RUNNING, State.DONE)

    # Never picked up by a worker within another time limit: requeued again.
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        assert stuck.pk in requeue_stale_reports()


def test_a_report_within_the_limit_is_left_to_its_worker(settings):
    settings.CELERY_TASK_TIME_LIMIT = 360
    running = report("2025Q1", State.RUNNING, START)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        assert services.reports_requeue_stale() == []
    running.refresh_from_db()
    assert running.state == State.RUNNING


def test_beat_runs_the_requeue_often_and_redelivery_waits_only_past_the_time_limit():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-reports"]
    assert entry["task"] == "committee.requeue_stale_reports"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= 300
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= settings.CELERY_TASK_TIME_LIMIT + 120
