"""Every change to a quarterly report: requested, generated, rerun, signed off, scheduled.

The web pages, the API, the management command and the Celery tasks all call these functions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from agencies.models import User
from committee import permissions
from committee.models import QuarterlyReport
from core.errors import ConflictError
from core.quarters import Quarter
from core.tasks import enqueue
from interventions.models import Policy

State = QuarterlyReport.State
# The scope the schedule reports on: NISP 2018 section J asks for this report.
SCHEDULED_SCOPE = "NISP-2018"


def scope_policy(scope: str) -> Policy | None:
    """The policy a scope names (None for all policies), or a clear field error."""
    scope = (scope or "").strip()
    if scope.upper() == QuarterlyReport.ALL:
        return None
    policy = Policy.objects.filter(code__iexact=scope).first()
    if policy is None:
        known = ", ".join(Policy.objects.values_list("code", flat=True))
        raise ValidationError(
            {"scope": [f"“{scope}” is not a policy. Choose one of {known}, or ALL."]},
            code="invalid",
        )
    return policy


def scope_code(policy: Policy | None) -> str:
    return policy.code if policy else QuarterlyReport.ALL


def _validate_request(quarter: Quarter, scope: str, today: datetime.date) -> None:
    if quarter.start > today:
        raise ValidationError(
            {"quarter": [f"{quarter} has not begun: a report covers a quarter under way or past."]}
        )
    signed = (
        QuarterlyReport.objects.filter(
            quarter=quarter.label, scope=scope, signed_off_at__isnull=False
        )
        .values_list("version", flat=True)
        .first()
    )
    if signed:
        raise ValidationError(
            {"quarter": [f"Version {signed} of this report is signed off and final."]}
        )


def _create(
    *, quarter: Quarter, scope: str, requested_by: User | None, enqueue: bool = True
) -> QuarterlyReport:
    latest = QuarterlyReport.objects.filter(quarter=quarter.label, scope=scope).aggregate(
        latest=Max("version")
    )["latest"]
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(
                quarter=quarter.label,
                scope=scope,
                version=(latest or 0) + 1,
                requested_by=requested_by,
                requested_at=timezone.now(),
            )
    except IntegrityError as error:
        # Two requests raced for the same version number; the database kept one.
        raise ConflictError(
            "Another version of this report was just requested.", code="duplicate_request"
        ) from error
    if enqueue:
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    # By name: the task module imports the generation, which these services must not.
    enqueue("committee.generate_quarterly_report", report_id)


@transaction.atomic
def report_request(*, user: User, quarter: Quarter, policy: Policy | None) -> QuarterlyReport:
    """Queue a new version of the report for a quarter and scope (the secretary only)."""
    if not permissions.can_manage_reports(user):
        raise PermissionDenied("Only the committee secretary requests quarterly reports.")
    scope = scope_code(policy)
    _validate_request(quarter, scope, timezone.localdate())
    return _create(quarter=quarter, scope=scope, requested_by=user)


@transaction.atomic
def report_create_unqueued(*, quarter: Quarter, policy: Policy | None) -> QuarterlyReport:
    """A new version for the caller to generate in its own process (the management command)."""
    scope = scope_code(policy)
    _validate_request(quarter, scope, timezone.localdate())
    return _create(quarter=quarter, scope=scope, requested_by=None, enqueue=False)


def is_stale(report: QuarterlyReport, now: datetime.datetime | None = None) -> bool:
    """Queued or running for longer than any task may run: its worker died or its message was
    lost, and it will not finish without a rerun."""
    if report.state not in (State.QUEUED, State.RUNNING):
        return False
    since = report.started_at or report.requested_at
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return since < (now or timezone.now()) - limit


def can_rerun(report: QuarterlyReport) -> bool:
    return report.state == State.FAILED or is_stale(report)


@transaction.atomic
def report_rerun(*, user: User, report: QuarterlyReport) -> QuarterlyReport:
    """Queue a failed or stuck version again; it keeps its version number."""
    if not permissions.can_manage_reports(user):
        raise PermissionDenied("Only the committee secretary reruns quarterly reports.")
    report = QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report.pk)
    if not can_rerun(report):
        raise ConflictError(
            f"A {report.get_state_display().lower()} report is not run again.",
            code="report_not_rerunnable",
        )
    report.state = State.QUEUED
    report.save(update_fields=["state"])
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


@transaction.atomic
def report_sign_off(*, user: User, report: QuarterlyReport) -> QuarterlyReport:
    """Record the committee's sign-off on a generated version; it becomes final."""
    if not permissions.can_manage_reports(user):
        raise PermissionDenied("Only the committee secretary records the committee's sign-off.")
    report = QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report.pk)
    if report.state != State.DONE:
        raise ConflictError("Only a generated report can be signed off.", code="report_not_done")
    if report.is_final:
        raise ConflictError("This version is already signed off.", code="already_signed_off")
    other = (
        QuarterlyReport.objects.filter(
            quarter=report.quarter, scope=report.scope, signed_off_at__isnull=False
        )
        .exclude(pk=report.pk)
        .values_list("version", flat=True)
        .first()
    )
    if other:
        raise ConflictError(
            f"Version {other} of this report is already signed off.", code="already_signed_off"
        )
    report.signed_off_by = user
    report.signed_off_at = timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    return report


# --- the schedule --------------------------------------------------------------------------


def last_quarter_past_deadline(today: datetime.date) -> Quarter:
    """The latest quarter whose submission deadline (end + REPORTING_DEADLINE_DAYS) has passed."""
    grace = datetime.timedelta(days=settings.REPORTING_DEADLINE_DAYS)
    quarter = Quarter.of(today)
    while quarter.end + grace >= today:
        quarter = quarter.previous()
    return quarter


@transaction.atomic
def reports_schedule_due(*, today: datetime.date | None = None) -> QuarterlyReport | None:
    """Request the NISP 2018 report of the last quarter past its deadline, once."""
    quarter = last_quarter_past_deadline(today or timezone.localdate())
    if QuarterlyReport.objects.filter(quarter=quarter.label, scope=SCHEDULED_SCOPE).exists():
        return None
    try:
        return _create(quarter=quarter, scope=SCHEDULED_SCOPE, requested_by=None)
    except ConflictError:
        return None
