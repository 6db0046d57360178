"""Every change to a quarterly report: requested, generated, rerun, signed off, scheduled.

The web pages, the API, the management command and the Celery tasks all call these functions.
"""

from __future__ import annotations

import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from agencies import geography
from agencies.models import Province, User
from committee import permissions
from committee.models import QuarterlyReport
from core.errors import ConflictError
from core.quarters import Quarter
from core.tasks import enqueue
from interventions.models import Policy
from reporting.models import ReportingPeriod
from reporting.periods import lockable_periods, periods_lock_signed_off, periods_of_quarter

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
            {
                "scope": [
                    _("“%(scope)s” is not a policy. Choose one of %(known)s, or ALL.")
                    % {"scope": scope, "known": known}
                ]
            },
            code="invalid",
        )
    return policy


def scope_code(policy: Policy | None) -> str:
    return policy.code if policy else QuarterlyReport.ALL


def scope_place(*, level: str = "", province: str = "") -> dict[str, str]:
    """A level and a province as a report stores them (blank: all), or clear field errors."""
    level, province = (level or "").strip(), (province or "").strip()
    errors = {}
    if level not in ("", *geography.Level.values):
        errors["level"] = [
            _("“%(level)s” is not a level: choose federal, provincial or special.")
            % {"level": level}
        ]
    if province not in ("", *Province.values):
        errors["province"] = [
            _("“%(province)s” is not a province or area: choose one of %(known)s.")
            % {"province": province, "known": ", ".join(Province.values)}
        ]
    if errors:
        raise ValidationError(errors, code="invalid")
    return {"level": level, "province": province}


def scope_edition(edition: str = "") -> str:
    """An edition as a report stores it (blank: the committee's), or a clear field error."""
    edition = (edition or "").strip() or QuarterlyReport.Edition.COMMITTEE
    if edition not in QuarterlyReport.Edition.values:
        raise ValidationError(
            {
                "edition": [
                    _("“%(edition)s” is not an edition: choose committee or official.")
                    % {"edition": edition}
                ]
            },
            code="invalid",
        )
    return edition


def _validate_request(
    quarter: Quarter, scope: str, today: datetime.date, place: dict[str, str]
) -> None:
    if quarter.start > today:
        raise ValidationError(
            {
                "quarter": [
                    _("%(quarter)s has not begun: a report covers a quarter under way or past.")
                    % {"quarter": quarter}
                ]
            }
        )
    signed = (
        QuarterlyReport.objects.filter(
            quarter=quarter.label, scope=scope, **place, signed_off_at__isnull=False
        )
        .values_list("version", flat=True)
        .first()
    )
    if signed:
        raise ValidationError(
            {
                "quarter": [
                    _("Version %(version)s of this report is signed off and final.")
                    % {"version": signed}
                ]
            }
        )


def _create(
    *,
    quarter: Quarter,
    scope: str,
    requested_by: User | None,
    enqueue: bool = True,
    language: str = settings.LANGUAGE_CODE,
    place: dict[str, str] | None = None,
) -> QuarterlyReport:
    """`place` names the series: level, province and (absent: the committee's) edition."""
    place = {
        "level": "",
        "province": "",
        "edition": QuarterlyReport.Edition.COMMITTEE,
        **(place or {}),
    }
    latest = QuarterlyReport.objects.filter(quarter=quarter.label, scope=scope, **place).aggregate(
        latest=Max("version")
    )["latest"]
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(
                quarter=quarter.label,
                scope=scope,
                **place,
                version=(latest or 0) + 1,
                requested_by=requested_by,
                requested_at=timezone.now(),
                language=language,
            )
    except IntegrityError as error:
        if not _is_version_race(error):
            raise  # a broken rule, not a race: a bug to see, never a "try again"
        # Two requests raced for the same version number; the database kept one.
        raise ConflictError(
            _("Another version of this report was just requested."), code="duplicate_request"
        ) from error
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
    try:
        # By name: the task module imports the generation, which these services must not.
        enqueue("committee.generate_quarterly_report", report.pk)
    except (BrokerError, OSError) as error:
        log.warning("Could not queue report %s: %s", report.pk, error)
        QuarterlyReport.objects.filter(pk=report.pk, state=State.QUEUED).update(
            state=State.FAILED, error=QUEUE_UNREACHABLE
        )
        report.state, report.error = State.FAILED, QUEUE_UNREACHABLE


@transaction.atomic
def report_request(
    *,
    user: User,
    quarter: Quarter,
    policy: Policy | None,
    language: str = settings.LANGUAGE_CODE,
    level: str = "",
    province: str = "",
    edition: str = QuarterlyReport.Edition.COMMITTEE,
) -> QuarterlyReport:
    """Queue a new version of the report for a quarter and scope (the secretary only), written
    in English or Urdu; narrowed, when asked, to a level and/or a province; the committee's
    edition (with the restricted annex) or the official one (restricted items left out)."""
    if not permissions.can_manage_reports(user):
        raise PermissionDenied(_("Only the committee secretary requests quarterly reports."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose English or Urdu.")]})
    scope = scope_code(policy)
    place = {**scope_place(level=level, province=province), "edition": scope_edition(edition)}
    _validate_request(quarter, scope, timezone.localdate(), place)
    return _create(quarter=quarter, scope=scope, requested_by=user, language=language, place=place)


@transaction.atomic
def report_create_unqueued(*, quarter: Quarter, policy: Policy | None) -> QuarterlyReport:
    """A new version for the caller to generate in its own process (the management command)."""
    scope = scope_code(policy)
    place = {**scope_place(), "edition": scope_edition()}
    _validate_request(quarter, scope, timezone.localdate(), place)
    return _create(quarter=quarter, scope=scope, requested_by=None, enqueue=False, place=place)


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
        raise PermissionDenied(_("Only the committee secretary reruns quarterly reports."))
    report = QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report.pk)
    if not can_rerun(report):
        raise ConflictError(
            _("A %(state)s report is not run again.")
            % {"state": report.get_state_display().lower()},
            code="report_not_rerunnable",
        )
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
        raise PermissionDenied(_("Only the committee secretary records the committee's sign-off."))
    report = QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report.pk)
    if report.state != State.DONE:
        raise ConflictError(_("Only a generated report can be signed off."), code="report_not_done")
    if report.is_final:
        raise ConflictError(_("This version is already signed off."), code="already_signed_off")
    other = (
        QuarterlyReport.objects.filter(
            quarter=report.quarter, scope=report.scope, **report.series, signed_off_at__isnull=False
        )
        .exclude(pk=report.pk)
        .values_list("version", flat=True)
        .first()
    )
    if other:
        raise ConflictError(
            _("Version %(version)s of this report is already signed off.") % {"version": other},
            code="already_signed_off",
        )
    report.signed_off_by = user
    report.signed_off_at = timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    # The quarter is reported on: its periods lock in the same transaction.
    periods_lock_signed_off(user=user, periods=periods_sign_off_locks(report))
    return report


def periods_sign_off_locks(report: QuarterlyReport):
    """The periods a sign-off of this report locks (its scope's, inside its quarter, not yet
    locked), as the report page states them before the secretary confirms. A report narrowed
    to a level or a province locks nothing: the periods are every agency's."""
    if report.level or report.province:
        return ReportingPeriod.objects.none()
    quarter = Quarter.parse(report.quarter)
    if report.scope == QuarterlyReport.ALL:
        return lockable_periods(periods_of_quarter(quarter, None))
    policy = Policy.objects.filter(code=report.scope).first()
    if policy is None:
        return ReportingPeriod.objects.none()
    return lockable_periods(periods_of_quarter(quarter, policy.pk))


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
    scheduled = QuarterlyReport.objects.filter(
        quarter=quarter.label,
        scope=SCHEDULED_SCOPE,
        level="",
        province="",
        edition=QuarterlyReport.Edition.COMMITTEE,
    )
    if scheduled.exists():
        return None
    try:
        return _create(quarter=quarter, scope=SCHEDULED_SCOPE, requested_by=None)
    except ConflictError:
        return None
