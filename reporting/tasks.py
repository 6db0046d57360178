"""Scheduled reporting jobs; each is thin and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reporting.reminders import reminders_send
from reporting.reports.services import (
    report_generate,
    reports_requeue_stale,
    reports_schedule_due,
)
from reporting.services import periods_ensure


@shared_task(name="reporting.ensure_periods")
def ensure_periods() -> list[str]:
    """Create the current and next reporting periods of every policy (idempotent)."""
    return [str(period) for period in periods_ensure()]


@shared_task(
    name="reporting.send_reminders",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def send_reminders(today: str | None = None) -> int:
    """E-mail reminders and escalations that are due; returns how many were sent."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return len(reminders_send(today=day))


# Failures worth retrying: the database or the broker briefly unreachable. A report or policy
# that does not exist is not retried; the report records the error either way.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="reporting.generate_quarterly_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def generate_quarterly_report(report_id: int) -> str:
    """Build a queued report (idempotent: a done report is left alone); returns its state."""
    return report_generate(report_id).state


@shared_task(name="reporting.schedule_quarterly_reports")
def schedule_quarterly_reports(today: str | None = None) -> int | None:
    """Request the NISP 2018 report of the last quarter past its deadline, if none exists."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    report = reports_schedule_due(today=day)
    return report.pk if report else None


@shared_task(name="reporting.requeue_stale_reports")
def requeue_stale_reports() -> list[int]:
    """Take over reports whose worker died: queued or running past the task time limit."""
    return [report.pk for report in reports_requeue_stale()]
