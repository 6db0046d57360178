"""Every change to a quarterly report: requested, generated, rerun, signed off, scheduled.

The web pages, the API, the management command and the Celery tasks all call these functions.
"""

from __future__ import annotations

import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from agencies.models import User
from interventions.models import Policy
from reporting import permissions
from reporting.figures import committee_figures
from reporting.models import QuarterlyReport
from reporting.quarters import Quarter
from reporting.reports.render_csv import render_csv
from reporting.reports.render_pdf import render_pdf
from reporting.reports.render_xlsx import render_xlsx
from reporting.services import ConflictError

log = logging.getLogger(__name__)
State = QuarterlyReport.State
# The scope the schedule reports on: NISP 2018 section J asks for this report.
SCHEDULED_SCOPE = "NISP-2018"
VERSION_CONSTRAINT = "reporting_quarterlyreport_unique_version"
QUEUE_UNREACHABLE = "The job queue is unreachable; try again."


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
        if not _is_version_race(error):
            raise  # a broken rule, not a race: a bug to see, never a "try again"
        # Two requests raced for the same version number; the database kept one.
        raise ConflictError("Another version of this report was just requested.") from error
    if enqueue:
        transaction.on_commit(functools.partial(_enqueue, report))
    return report


def _is_version_race(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)  # PostgreSQL names the constraint
    if diag is not None:
        return diag.constraint_name == VERSION_CONSTRAINT
    return "reporting_quarterlyreport.version" in str(error)  # SQLite names the columns


def _enqueue(report: QuarterlyReport) -> None:
    """Send the report to a worker; if the broker cannot be reached, mark it failed at once
    (after the commit, so the request that queued it is not undone) rather than leave a queued
    report that nothing will run."""
    # Imported here: the task module imports these services.
    from reporting.tasks import generate_quarterly_report

    try:
        generate_quarterly_report.delay(report.pk)
    except (BrokerError, OSError) as error:
        log.warning("Could not queue report %s: %s", report.pk, error)
        QuarterlyReport.objects.filter(pk=report.pk, state=State.QUEUED).update(
            state=State.FAILED, error=QUEUE_UNREACHABLE
        )
        report.state, report.error = State.FAILED, QUEUE_UNREACHABLE


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
        raise ConflictError(f"A {report.get_state_display().lower()} report is not run again.")
    report.state = State.QUEUED
    report.save(update_fields=["state"])
    transaction.on_commit(functools.partial(_enqueue, report))
    return report


@transaction.atomic
def reports_requeue_stale(*, now: datetime.datetime | None = None) -> list[QuarterlyReport]:
    """Queue again every report queued or running past the task time limit (its worker died).

    Idempotent: the stale clock restarts at the requeue (started_at), so a second pass finds
    nothing until another time limit has passed; rows another pass holds are skipped.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    stale = (
        QuarterlyReport.objects.without_snapshot()
        .select_for_update(skip_locked=True)
        .filter(state__in=[State.QUEUED, State.RUNNING])
        .filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True, requested_at__lt=cutoff))
    )
    requeued = []
    for report in stale:
        log.warning("Requeuing report %s, %s since before %s", report.pk, report.state, cutoff)
        report.state = State.QUEUED
        report.started_at = now
        report.save(update_fields=["state", "started_at"])
        transaction.on_commit(functools.partial(_enqueue, report))
        requeued.append(report)
    return requeued


@transaction.atomic
def report_sign_off(*, user: User, report: QuarterlyReport) -> QuarterlyReport:
    """Record the committee's sign-off on a generated version; it becomes final."""
    if not permissions.can_manage_reports(user):
        raise PermissionDenied("Only the committee secretary records the committee's sign-off.")
    report = QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report.pk)
    if report.state != State.DONE:
        raise ConflictError("Only a generated report can be signed off.")
    if report.is_final:
        raise ConflictError("This version is already signed off.")
    other = (
        QuarterlyReport.objects.filter(
            quarter=report.quarter, scope=report.scope, signed_off_at__isnull=False
        )
        .exclude(pk=report.pk)
        .values_list("version", flat=True)
        .first()
    )
    if other:
        raise ConflictError(f"Version {other} of this report is already signed off.")
    report.signed_off_by = user
    report.signed_off_at = timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    return report


# --- generation ----------------------------------------------------------------------------


def _start(report_id: int) -> QuarterlyReport | None:
    """Mark the report running, or None when it is already done (a redelivered task)."""
    with transaction.atomic():
        report = QuarterlyReport.objects.select_for_update().get(pk=report_id)
        if report.state == State.DONE:
            return None
        report.state = State.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.error = ""
        report.save(update_fields=["state", "started_at", "attempts", "error"])
    return report


def _freeze(report: QuarterlyReport) -> dict:
    """The report's figures, taken once: a rerun after a failure renders the same snapshot."""
    if report.snapshot is None:
        figures = committee_figures(
            quarter=Quarter.parse(report.quarter), policy=_policy_of(report)
        )
        report.snapshot = figures
        report.contains_sample = bool(figures["contains_sample"])
        report.save(update_fields=["snapshot", "contains_sample"])
        # Render from what the database holds (JSON, its objects' keys unordered), exactly as
        # the web view will read it back years later.
        report.refresh_from_db(fields=["snapshot"])
    return report.snapshot


def _policy_of(report: QuarterlyReport) -> Policy | None:
    if report.scope == QuarterlyReport.ALL:
        return None
    try:
        return Policy.objects.get(code=report.scope)
    except Policy.DoesNotExist as error:
        raise Policy.DoesNotExist(f"The policy {report.scope} no longer exists.") from error


def file_stem(report: QuarterlyReport) -> str:
    sample = "-SAMPLE" if report.contains_sample else ""
    return f"nisp-report-{report.scope}-{report.quarter}-v{report.version}{sample}"


def _fail(report_id: int, error: Exception) -> None:
    message = str(error) or type(error).__name__
    try:
        QuarterlyReport.objects.filter(pk=report_id).exclude(state=State.DONE).update(
            state=State.FAILED, error=f"{type(error).__name__}: {message}"[:2000]
        )
    except DatabaseError:
        # The database itself is the failure; the retried task records the outcome.
        log.exception("Could not record the failure of report %s", report_id)


def report_generate(report_id: int) -> QuarterlyReport:
    """Build a report: freeze the figures, render every format, store the files, mark it done.

    Idempotent: a done report is left as it is; a queued, running (its worker died) or failed
    one is built again. On error the report is marked failed with the message, and the error
    re-raised so the task can retry transient failures.
    """
    report = _start(report_id)
    if report is None:
        return QuarterlyReport.objects.get(pk=report_id)
    try:
        snapshot = _freeze(report)
        stem = file_stem(report)
        files = {
            "pdf": ContentFile(render_pdf(report, snapshot), name=f"{stem}.pdf"),
            "xlsx": ContentFile(render_xlsx(report, snapshot), name=f"{stem}.xlsx"),
            "csv": ContentFile(render_csv(snapshot), name=f"{stem}-annex.csv"),
        }
        with transaction.atomic():
            # The snapshot is already written: neither read nor write it again.
            current = (
                QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report_id)
            )
            if current.state == State.DONE:
                # Another delivery of the task finished first.
                return current
            for field, content in files.items():
                getattr(current, field).save(content.name, content, save=False)
            current.state = State.DONE
            current.finished_at = timezone.now()
            current.error = ""
            current.save(update_fields=[*files, "state", "finished_at", "error"])
            current.snapshot = snapshot
            transaction.on_commit(lambda: report_notify(current))
        return current
    except Exception as error:
        _fail(report_id, error)
        raise


def report_url(report: QuarterlyReport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("reporting:report_detail", args=[report.pk])


def committee_emails() -> list[str]:
    return sorted(
        User.objects.filter(
            is_active=True,
            role__in=[User.Role.COMMITTEE_MEMBER, User.Role.COMMITTEE_SECRETARY],
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def report_notify(report: QuarterlyReport) -> int:
    """E-mail each committee member the link to a finished report (one message each)."""
    scope = report.snapshot["scope"]["title"] if report.snapshot else report.scope
    subject = f"Quarterly progress report {report.quarter} ({report.scope}) is ready"
    sample = (
        "\nThis report contains SAMPLE (demo) data and is not a record of real progress.\n"
        if report.contains_sample
        else ""
    )
    body = (
        f"The Advisory Committee's progress report for {report.quarter}, {scope}, "
        f"version {report.version}, is ready.\n{sample}\n"
        f"Read it and download the PDF, workbook and annex at:\n{report_url(report)}\n"
    )
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in committee_emails()
    ]
    try:
        return send_mass_mail(messages, fail_silently=False)
    except OSError:
        # The report is done and shown on the site; a mail outage must not fail it.
        log.exception("Could not e-mail the committee about report %s", report.pk)
        return 0


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
