"""Every change to progress data: validated, permission-checked, atomic, and recorded in history.

The web forms, the API and the Celery tasks call these functions and nothing else writes.
"""

from __future__ import annotations

import datetime
import mimetypes
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from agencies.models import User
from core.errors import ConflictError
from core.quarters import Quarter
from interventions.models import Cadence, Indicator, PlanItem, Policy
from reporting import notifications, periods, permissions, status, update_fields
from reporting.models import (
    Comment,
    EvidenceFile,
    IndicatorValue,
    ProgressUpdate,
    ReportingPeriod,
)
from reporting.update_fields import UpdateData

Confidence = ProgressUpdate.Confidence
Status = ProgressUpdate.Status
State = ProgressUpdate.State

# Ratings at which the committee needs to know why.
CONFIDENCE_NEEDING_RATIONALE = {Confidence.AMBER, Confidence.AMBER_RED, Confidence.RED}


def _previous_approved(item: PlanItem, agency_id: int, period: ReportingPeriod):
    return (
        status.latest_approved(item)
        .filter(agency_id=agency_id, period__start__lt=period.start)
        .first()
    )


def validate_update(item: PlanItem, agency_id: int, period: ReportingPeriod, data: UpdateData):
    """Cross-field rules, raised together as field errors."""
    errors: dict[str, list[str]] = {}
    if data.confidence in CONFIDENCE_NEEDING_RATIONALE and not data.confidence_rationale.strip():
        errors.setdefault("confidence_rationale", []).append(
            ValidationError(
                "Explain the rating: a rationale is required for amber, amber/red and red.",
                code="rationale_required",
            )
        )
    previous = _previous_approved(item, agency_id, period)
    if (
        previous
        and previous.confidence != data.confidence
        and not data.confidence_rationale.strip()
    ):
        errors.setdefault("confidence_rationale", []).append(
            ValidationError(
                "Explain the change: the last approved rating was "
                f"{previous.get_confidence_display()}.",
                code="rationale_required_for_change",
            )
        )
    if not 0 <= data.percent_complete <= 100:
        errors.setdefault("percent_complete", []).append(
            ValidationError("Enter a percentage from 0 to 100.", code="out_of_range")
        )
    if (
        data.budget_spent is not None
        and data.budget_released is not None
        and data.budget_spent > data.budget_released
    ):
        errors.setdefault("budget_spent", []).append(
            ValidationError("Spent cannot exceed released.", code="spent_exceeds_released")
        )
    for money in ("budget_released", "budget_spent"):
        value = getattr(data, money)
        if value is not None and value < 0:
            errors.setdefault(money, []).append(
                ValidationError("Enter an amount of zero or more.", code="negative_amount")
            )
    indicators = {i.pk: i for i in item.indicators.all()}
    for indicator_id, value in data.indicator_values.items():
        indicator = indicators.get(indicator_id)
        if value in ("", None) and indicator is not None:
            continue  # not reported this period
        if indicator is None:
            errors.setdefault("indicator_values", []).append(
                ValidationError(
                    f"Indicator {indicator_id} does not belong to this item.",
                    code="unknown_indicator",
                )
            )
        elif indicator.measure == Indicator.Measure.NUMBER and not isinstance(value, Decimal):
            errors.setdefault("indicator_values", []).append(
                ValidationError(
                    f"“{indicator.description}” takes a number.", code="number_required"
                )
            )
    if errors:
        raise ValidationError(errors)


def _require_open(period: ReportingPeriod) -> None:
    # Drafts save while the period has started and is not locked; see reporting.periods.
    periods.require_draftable(period)


def _write_indicator_values(update: ProgressUpdate, values: dict[int, Decimal | str]) -> None:
    for indicator_id, value in values.items():
        is_number = isinstance(value, Decimal)
        if value in ("", None):
            IndicatorValue.objects.filter(update=update, indicator_id=indicator_id).delete()
            continue
        IndicatorValue.objects.update_or_create(
            update=update,
            indicator_id=indicator_id,
            defaults={"number": value if is_number else None, "text": "" if is_number else value},
        )


@transaction.atomic
def update_create(
    *, user: User, item: PlanItem, period: ReportingPeriod, data: UpdateData
) -> ProgressUpdate:
    if not permissions.can_draft(user, item):
        raise PermissionDenied("Only desk officers of a responsible agency report on this item.")
    if period.policy_id != item.policy_id:
        raise ValidationError(
            {
                "period": ValidationError(
                    "This period belongs to another policy.", code="wrong_policy"
                )
            }
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _require_open(period)
    if ProgressUpdate.objects.filter(item=item, period=period, agency=user.agency).exists():
        raise ConflictError(
            f"{user.agency.code} already has an update for {period.label}: edit that one.",
            code="duplicate_update",
        )
    validate_update(item, user.agency_id, period, data)
    update = ProgressUpdate(item=item, period=period, agency=user.agency, author=user)
    update_fields.apply(update, data)
    update.save()
    _write_indicator_values(update, data.indicator_values)
    return update


def _locked_for_change(update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if current.version != version:
        raise ConflictError(
            "Someone else saved this update after you opened it "
            f"(you had version {version}, it is now {current.version}). "
            "Reload to see their changes; yours were not saved.",
            code="stale_version",
        )
    return current


def _editable(user: User, update: ProgressUpdate, version: int, *, verb: str) -> ProgressUpdate:
    """The update locked for change, once the officer may change it in its current state."""
    if not permissions.can_edit(user, update):
        raise PermissionDenied(f"Only the agency's desk officers may have an update {verb}.")
    current = _locked_for_change(update, version)
    _require_open(current.period)
    if not current.is_editable:
        raise ConflictError(
            f"A {current.get_state_display().lower()} update cannot be {verb}.",
            code="update_not_editable",
        )
    return current


@transaction.atomic
def update_edit(
    *, user: User, update: ProgressUpdate, data: UpdateData, version: int
) -> ProgressUpdate:
    current = _editable(user, update, version, verb="edited")
    if update_fields.is_unchanged(current, data):
        return current  # nothing to record: no new version, no needless 409 for others
    validate_update(current.item, current.agency_id, current.period, data)
    update_fields.apply(current, data)
    current.version += 1
    current.save()
    _write_indicator_values(current, data.indicator_values)
    return current


@transaction.atomic
def update_submit(*, user: User, update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = _editable(user, update, version, verb="submitted")
    periods.require_submittable(current.period, current.agency_id)
    if (
        current.status == Status.COMPLETED
        and not current.evidence_link
        and not current.evidence.exists()
    ):
        raise ValidationError(
            {
                "evidence": ValidationError(
                    "Marking an item completed needs evidence: attach a file or a link.",
                    code="evidence_required",
                )
            }
        )
    current.state = State.SUBMITTED
    current.submitted_at = timezone.now()
    current.first_submitted_at = current.first_submitted_at or current.submitted_at
    current.version += 1
    current.save()
    notifications.update_submitted(current)
    return current


def _review(update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if current.version != version:
        raise ConflictError(
            "This update changed since you opened it; reload before reviewing.",
            code="stale_version",
        )
    if current.period.state == ReportingPeriod.State.LOCKED:
        raise ConflictError(
            f"{current.period.label} is locked: it has been reported on.", code="period_locked"
        )
    if current.state != State.SUBMITTED:
        raise ConflictError(
            f"Only submitted updates are reviewed; this one is {current.state}.",
            code="not_submitted",
        )
    return current


@transaction.atomic
def update_approve(
    *, user: User, update: ProgressUpdate, version: int, comment: str = ""
) -> ProgressUpdate:
    if not permissions.can_approve(user, update):
        raise PermissionDenied("Only the agency's reviewer approves its updates.")
    current = _review(update, version)
    current.state = State.APPROVED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.version += 1
    current.save()
    notifications.update_approved(current)
    return current


@transaction.atomic
def update_return(
    *, user: User, update: ProgressUpdate, comment: str, version: int
) -> ProgressUpdate:
    if not permissions.can_return(user, update):
        raise PermissionDenied("Only the agency's reviewer or the committee secretary returns it.")
    if not comment.strip():
        raise ValidationError(
            {
                "comment": ValidationError(
                    "Say what needs to change before returning it.", code="comment_required"
                )
            }
        )
    current = _review(update, version)
    current.state = State.RETURNED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.version += 1
    current.save()
    Comment.objects.create(item=current.item, update=current, author=user, text=comment)
    notifications.update_returned(current)
    return current


@transaction.atomic
def evidence_add(*, user: User, update: ProgressUpdate, upload: UploadedFile) -> EvidenceFile:
    if not permissions.can_edit(user, update):
        raise PermissionDenied("Only the agency's desk officers attach evidence.")
    if not update.is_editable:
        raise ConflictError(
            "Evidence is attached while the update is a draft or returned.",
            code="update_not_editable",
        )
    _require_open(update.period)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": ValidationError(
                    f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes.",
                    code="file_too_large",
                )
            }
        )
    evidence = EvidenceFile(
        update=update,
        file=upload,
        original_name=upload.name,
        content_type=mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
        size=upload.size,
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["update", "uploaded_by"])
    evidence.save()
    return evidence


def comment_add(
    *, user: User, item: PlanItem, text: str, update: ProgressUpdate | None = None
) -> Comment:
    if not permissions.can_comment(user):
        raise PermissionDenied("Committee members, the secretary and reviewers comment.")
    if not text.strip():
        raise ValidationError({"text": ValidationError("Write a comment.", code="required")})
    return Comment.objects.create(item=item, update=update, author=user, text=text.strip())


# --- periods -------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    quarter = Quarter.of(day)
    return quarter.label, quarter.start, quarter.end


def month_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    start = day.replace(day=1)
    next_start = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return f"{day:%Y-%m}", start, next_start - datetime.timedelta(days=1)


PeriodBounds = Callable[[datetime.date], tuple[str, datetime.date, datetime.date]]


def period_bounds_for(policy) -> PeriodBounds:
    """The policy's cadence as a function from a day to its period's label, start and end."""
    return month_of if policy.reporting_cadence == Cadence.MONTHLY else quarter_of


def periods_ensure(
    *, today: datetime.date | None = None, ahead: int = 1, policies=None
) -> list[ReportingPeriod]:
    """Create the current and the next reporting periods of every policy (or of the ones
    given), per its cadence."""
    today = today or timezone.localdate()
    created = []
    for policy in Policy.objects.all() if policies is None else policies:
        period_of = period_bounds_for(policy)
        day = today
        for _ in range(ahead + 1):
            label, start, end = period_of(day)
            period, was_created = ReportingPeriod.objects.get_or_create(
                policy=policy,
                label=label,
                defaults={
                    "start": start,
                    "end": end,
                    "deadline": end + datetime.timedelta(days=settings.REPORTING_DEADLINE_DAYS),
                    # Created ahead of time, it waits; the schedule opens it when it starts.
                    "state": ReportingPeriod.State.UPCOMING
                    if start > today
                    else ReportingPeriod.State.OPEN,
                },
            )
            if was_created:
                created.append(period)
            day = end + datetime.timedelta(days=1)
    return created
