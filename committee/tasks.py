"""The committee's jobs: building quarterly reports, keeping the dashboard's figures ready;
each is thin and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from committee.reports.generation import report_generate
from committee.reports.services import reports_requeue_stale, reports_schedule_due
from committee.services import actions_escalate_overdue
from committee.warming import WARM_TASK
from committee.warming import warm_dashboard_figures as warm

# Failures worth retrying: the database or the broker briefly unreachable. A report or policy
# that does not exist is not retried; the report records the error either way.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="committee.generate_quarterly_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    # Below the broker's visibility timeout: a retry waiting longer would be handed to a
    # second worker while the first still holds it, and run twice.
    retry_backoff_max=300,
    max_retries=5,
)
def generate_quarterly_report(report_id: int) -> str:
    """Build a queued report (idempotent: a done report is left alone); returns its state."""
    return report_generate(report_id).state


@shared_task(name="committee.schedule_quarterly_reports")
def schedule_quarterly_reports(today: str | None = None) -> int | None:
    """Request the NISP 2018 report of the last quarter past its deadline, if none exists."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    report = reports_schedule_due(today=day)
    return report.pk if report else None


@shared_task(name="committee.requeue_stale_reports")
def requeue_stale_reports() -> list[int]:
    """Take over reports whose worker died: queued or running past the task time limit."""
    return [report.pk for report in reports_requeue_stale()]


@shared_task(
    name="committee.escalate_overdue_actions", autoretry_for=TRANSIENT_ERRORS, max_retries=3
)
def escalate_overdue_actions(today: str | None = None) -> list[int]:
    """Tell owners and the secretary of action items past their due date (once each)."""
    day = datetime.date.fromisoformat(today) if today else None
    return [action.pk for action in actions_escalate_overdue(today=day)]


@shared_task(
    name=WARM_TASK,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=300,  # below the broker's visibility timeout, as above
    max_retries=3,
)
def warm_dashboard_figures() -> list[str]:
    """After a change: the default dashboard's figures computed into the cache."""
    return warm()
