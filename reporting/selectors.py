"""Reads of progress data, each owning its joins so a page costs a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from agencies.models import User
from interventions.models import Indicator, PlanItem
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod


def latest_approved(item_ref=None, as_of: datetime.date | None = None) -> QuerySet[ProgressUpdate]:
    """Approved updates of the outer item, newest period first; with `as_of`, only those of
    periods begun by that day (the status as the committee knew it then)."""
    updates = ProgressUpdate.objects.filter(
        item=item_ref if item_ref is not None else OuterRef("pk"),
        state=ProgressUpdate.State.APPROVED,
    )
    if as_of is not None:
        updates = updates.filter(period__start__lte=as_of)
    return updates.order_by("-period__start", "-reviewed_at")


def with_current_status(
    items: QuerySet[PlanItem], as_of: datetime.date | None = None
) -> QuerySet[PlanItem]:
    """Annotate each item with its latest approved update's status, percent and date, and
    whether that update is sample data (pages mark such a status as sample)."""
    latest = latest_approved(as_of=as_of)
    return items.annotate(
        current_status=Subquery(latest.values("status")[:1]),
        current_percent=Subquery(latest.values("percent_complete")[:1]),
        current_confidence=Subquery(latest.values("confidence")[:1]),
        last_approved_at=Subquery(latest.values("reviewed_at")[:1]),
        current_is_sample=Subquery(latest.values("is_sample")[:1]),
    )


def with_latest_actual(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Annotate each indicator with its latest approved value and that value's period label."""
    latest = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), update__state=ProgressUpdate.State.APPROVED
    ).order_by("-update__period__start", "-update__reviewed_at")
    return indicators.annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_text=Subquery(latest.values("text")[:1]),
        latest_period=Subquery(latest.values("update__period__label")[:1]),
        latest_is_sample=Subquery(latest.values("update__is_sample")[:1]),
    )


def reportable_periods() -> QuerySet[ReportingPeriod]:
    """Periods officers may report on now: open, and already started (the next one is
    created ahead of time but waits for its start)."""
    return ReportingPeriod.objects.filter(
        state=ReportingPeriod.State.OPEN, start__lte=timezone.localdate()
    ).order_by("start")


def latest_reportable_period_by_policy() -> dict[int, ReportingPeriod]:
    """Per policy, the most recent period open for reporting."""
    return {period.policy_id: period for period in reportable_periods()}


def review_queue(user: User) -> QuerySet[ProgressUpdate]:
    queryset = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
    if user.role == User.Role.AGENCY_REVIEWER:
        queryset = queryset.filter(agency_id=user.agency_id)
    elif user.role != User.Role.COMMITTEE_SECRETARY:
        return queryset.none()
    return queryset.select_related("item__policy", "period", "agency", "author").order_by(
        "submitted_at"
    )
