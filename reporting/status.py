"""The progress rules the committee's numbers rest on, each written once.

Every page, figure, filter, export, report and reminder asks this module; none spells a rule
again. The vocabulary, for one agency, one item and one period:

- *not reported*: no update, or a draft only (the agency is reminded);
- *submitted*: sent for review, awaiting the agency's reviewer;
- *returned*: reported, sent back, awaiting resubmission (the officer is still reminded);
- *approved*: accepted by the agency's reviewer; only approved updates move a figure;
- *late*: first submitted after the period's deadline (whatever happened to it since).

An item's *current status* is that of its *latest approved* update: the newest period first,
then the latest review, then the highest id, so two readers never pick different updates.
An item is *overdue* when past its due date (or its timeline's last year) and neither
completed nor discontinued.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Window,
)
from django.db.models.functions import RowNumber

from interventions.models import Indicator, PlanItem, Responsibility
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod

State = ProgressUpdate.State


class Reported(TextChoices):
    """What an agency has reported on an item for a period."""

    NOT_REPORTED = "not_reported", "Not reported"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


# The update states that count as reported; a draft does not.
REPORTED_STATES = (State.SUBMITTED, State.RETURNED, State.APPROVED)
# What an officer must still act on: nothing reported yet, or sent back.
NEEDS_REPORT = (Reported.NOT_REPORTED, Reported.RETURNED)
FINISHED_STATUSES = (ProgressUpdate.Status.COMPLETED, ProgressUpdate.Status.DISCONTINUED)

# The one ordering of "latest approved": newest period, latest review, highest id.
LATEST_APPROVED_ORDER = ("-period__start", "-reviewed_at", "-pk")


def reported_of(state: str | None) -> str:
    """The vocabulary's word for an update in `state` (None: no update at all)."""
    if state in (None, State.DRAFT):
        return Reported.NOT_REPORTED
    return Reported(state)


def is_reported() -> Q:
    """Updates that count as reported (submitted, returned or approved)."""
    return Q(state__in=REPORTED_STATES)


def is_late(period: ReportingPeriod | None = None) -> Q:
    """Updates first submitted after their period's deadline (or after `period`'s)."""
    deadline = period.deadline if period is not None else F("period__deadline")
    return Q(first_submitted_at__date__gt=deadline)


def update_is_late(update: ProgressUpdate) -> bool:
    first = update.first_submitted_at
    return first is not None and first.date() > update.period.deadline


def latest_approved(item_ref=None, as_of: datetime.date | None = None) -> QuerySet[ProgressUpdate]:
    """Approved updates of the outer item (or of `item_ref`), latest first; with `as_of`, only
    those of periods begun by that day (the status as the committee knew it then)."""
    updates = ProgressUpdate.objects.filter(
        item=item_ref if item_ref is not None else OuterRef("pk"), state=State.APPROVED
    )
    if as_of is not None:
        updates = updates.filter(period__start__lte=as_of)
    return updates.order_by(*LATEST_APPROVED_ORDER)


def last_approved_before(
    item: PlanItem, agency_id: int, period: ReportingPeriod
) -> ProgressUpdate | None:
    """The agency's latest approved update on the item for an earlier period: what a new
    update is checked and compared against."""
    return (
        latest_approved(item)
        .filter(agency_id=agency_id, period__start__lt=period.start)
        .select_related("period")
        .prefetch_related("indicator_values")
        .first()
    )


def latest_approved_by_item(
    items: QuerySet[PlanItem], as_of: datetime.date, *fields: str
) -> dict[int, dict]:
    """Per item, `fields` of its latest update approved for a period begun by `as_of`, in one
    query (a window over every item at once, for the committee's figures)."""
    ranked = (
        ProgressUpdate.objects.filter(
            item__in=items, state=State.APPROVED, period__start__lte=as_of
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F(name.lstrip("-")).desc() for name in LATEST_APPROVED_ORDER],
            )
        )
        .filter(rank=1)
        .values("item_id", *fields)
    )
    return {update["item_id"]: update for update in ranked}


def with_current_status(
    items: QuerySet[PlanItem], as_of: datetime.date | None = None
) -> QuerySet[PlanItem]:
    """Annotate each item with its latest approved update's status, percent, rating and date,
    and whether that update is sample data (pages mark such a status as sample)."""
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
        indicator=OuterRef("pk"), update__state=State.APPROVED
    ).order_by(*(f"-update__{name.lstrip('-')}" for name in LATEST_APPROVED_ORDER))
    return indicators.annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_text=Subquery(latest.values("text")[:1]),
        latest_period=Subquery(latest.values("update__period__label")[:1]),
        latest_is_sample=Subquery(latest.values("update__is_sample")[:1]),
    )


def overdue_condition(today: datetime.date) -> Q:
    """On items annotated by `with_current_status`: past the due date (or the timeline's last
    year) and not completed or discontinued."""
    past = Q(due_date__lt=today) | Q(due_date__isnull=True, end_year__lt=today.year)
    # Spelled out: NOT IN on the annotation would also drop items with no status (NULL).
    unfinished = Q(current_status__isnull=True) | ~Q(current_status__in=FINISHED_STATUSES)
    return past & unfinished


def reported_in_period(period_filter: Q, agency_ref=None) -> Exists:
    """Whether the outer item has a reported update in the periods `period_filter` selects (by
    `agency_ref` when given, else by any agency)."""
    updates = ProgressUpdate.objects.filter(is_reported(), period_filter, item=OuterRef("pk"))
    if agency_ref is not None:
        updates = updates.filter(agency=agency_ref)
    return Exists(updates)


def items_owed(period: ReportingPeriod, agency_id: int) -> QuerySet[PlanItem]:
    """The items an agency answers for in a period's policy."""
    return PlanItem.objects.filter(
        policy_id=period.policy_id, responsibilities__agency_id=agency_id
    ).distinct()


def items_needing_report(period: ReportingPeriod, agency_id: int) -> QuerySet[PlanItem]:
    """The agency's items it must still report on: not reported (no update or a draft), or
    returned and not yet resubmitted."""
    done = ProgressUpdate.objects.filter(
        item=OuterRef("pk"),
        period=period,
        agency_id=agency_id,
        state__in=[State.SUBMITTED, State.APPROVED],
    )
    return items_owed(period, agency_id).exclude(Exists(done))


def period_counts(period: ReportingPeriod) -> dict[int, dict[str, int]]:
    """Per agency (by id), for one period: items owed and how many are not reported,
    submitted, returned, approved, and late. One grouped read of the updates, one of the
    responsibilities."""
    owed = dict(
        Responsibility.objects.filter(item__policy_id=period.policy_id, agency__isnull=False)
        .values("agency_id")
        .annotate(owed=Count("item", distinct=True))
        .values_list("agency_id", "owed")
    )
    counts = {
        row["agency_id"]: row
        for row in ProgressUpdate.objects.filter(is_reported(), period=period)
        .values("agency_id")
        .annotate(
            submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
            returned=Count("pk", filter=Q(state=State.RETURNED)),
            approved=Count("pk", filter=Q(state=State.APPROVED)),
            late=Count("pk", filter=is_late(period)),
        )
    }
    out = {}
    for agency_id, items in owed.items():
        row = counts.get(agency_id, {})
        reported = sum(row.get(name, 0) for name in ("submitted", "returned", "approved"))
        out[agency_id] = {
            "owed": items,
            "not_reported": max(items - reported, 0),
            "submitted": row.get("submitted", 0),
            "returned": row.get("returned", 0),
            "approved": row.get("approved", 0),
            "late": row.get("late", 0),
        }
    return out
