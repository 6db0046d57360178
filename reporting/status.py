"""The progress rules the committee's numbers rest on, each written once.

Every page, figure, filter, export, report and reminder asks this module; none spells a rule
again. The vocabulary, for one agency, one item and one period:

- *not reported*: no update, or a draft only (the agency is reminded);
- *submitted*: sent for review, awaiting the agency's reviewer;
- *returned*: reported, sent back, awaiting resubmission (the officer is still reminded);
- *approved*: accepted by the agency's reviewer; only approved updates move a figure;
- *late*: first submitted after the period's deadline (whatever happened to it since), unless
  within an extension the secretary gave the agency for that period.

An item's *current status* is that of its *latest approved* update: the newest period first,
then the latest review, then the highest id, so two readers never pick different updates.
An item is *overdue* when past the due date in force (the committee's latest revision, else
the source's) and neither completed nor discontinued. An item with no due date in force is *no
due date set*: a gap in the plan, counted on its own and never overdue (a policy window that
closed, like Annex A's 2018-2022, is not a due date).

Budget execution sets the money beside the progress: utilisation is spent ÷ released; an item
is flagged when its spending runs ahead of its progress or money is released with no progress.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from interventions.baselines import with_due_in_force
from interventions.models import Indicator, PlanItem, Responsibility
from reporting.models import DeadlineExtension, IndicatorValue, ProgressUpdate, ReportingPeriod

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

# Statuses from the most to the least severe: what a list sorted by status shows first.
STATUS_SEVERITY = (
    ProgressUpdate.Status.DELAYED,
    ProgressUpdate.Status.AT_RISK,
    ProgressUpdate.Status.NOT_STARTED,
    ProgressUpdate.Status.IN_PROGRESS,
    ProgressUpdate.Status.ON_TRACK,
    ProgressUpdate.Status.COMPLETED,
    ProgressUpdate.Status.DISCONTINUED,
)


def status_severity(field: str = "current_status") -> Case:
    """A status's rank in STATUS_SEVERITY (0 the most severe); null when there is none."""
    return Case(*(When(**{field: s}, then=Value(rank)) for rank, s in enumerate(STATUS_SEVERITY)))


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
    """Updates first submitted after their period's deadline (or after `period`'s), and not
    within an extension given to their agency for that period."""
    deadline = period.deadline if period is not None else F("period__deadline")
    extended = DeadlineExtension.objects.filter(
        period=OuterRef("period_id"),
        agency=OuterRef("agency_id"),
        # The wrapper tells TruncDate the outer column's type, which an OuterRef does not.
        until__gte=TruncDate(
            ExpressionWrapper(OuterRef("first_submitted_at"), output_field=DateTimeField())
        ),
    )
    return Q(first_submitted_at__date__gt=deadline) & ~Exists(extended)


def update_is_late(update: ProgressUpdate) -> bool:
    first = update.first_submitted_at
    if first is None:
        return False
    day = timezone.localdate(first)
    if day <= update.period.deadline:
        return False
    return not DeadlineExtension.objects.filter(
        period_id=update.period_id, agency_id=update.agency_id, until__gte=day
    ).exists()


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


def _latest_of_each(updates: QuerySet[ProgressUpdate], *partition_by: str):
    """The first update of each group (`partition_by`) in LATEST_APPROVED_ORDER, in the same
    one query: a window ranks them, the first of each is kept."""
    return updates.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F(name) for name in partition_by],
            order_by=[F(name.lstrip("-")).desc() for name in LATEST_APPROVED_ORDER],
        )
    ).filter(rank=1)


def last_approved_before_by_pair(
    item_ids, agency_ids, period: ReportingPeriod
) -> dict[tuple[int, int], ProgressUpdate]:
    """`last_approved_before` for many items and agencies of one period in one query (a
    workbook upload checks its rows against them): (item id, agency id) -> that agency's last
    approved update on the item before the period, with its period. A pair with none is absent."""
    ranked = _latest_of_each(
        ProgressUpdate.objects.filter(
            item_id__in=item_ids,
            agency_id__in=agency_ids,
            state=State.APPROVED,
            period__start__lt=period.start,
        ).select_related("period"),
        "item_id",
        "agency_id",
    )
    return {(update.item_id, update.agency_id): update for update in ranked}


def latest_approved_by_item(
    items: QuerySet[PlanItem],
    as_of: datetime.date,
    *fields: str,
    updates: QuerySet[ProgressUpdate] | None = None,
) -> dict[int, dict]:
    """Per item, `fields` of its latest update approved for a period begun by `as_of`, in one
    query (a window over every item at once, for the committee's figures); `updates` narrows
    the candidates (a reader's visible updates)."""
    candidates = (updates if updates is not None else ProgressUpdate.objects.all()).filter(
        item__in=items, state=State.APPROVED, period__start__lte=as_of
    )
    ranked = _latest_of_each(candidates, "item_id").values("item_id", *fields)
    return {update["item_id"]: update for update in ranked}


def with_current_status(
    items: QuerySet[PlanItem], as_of: datetime.date | None = None
) -> QuerySet[PlanItem]:
    """Annotate each item with its latest approved update's status, percent, rating and date,
    whether that update is sample data (pages mark such a status as sample), and the due date
    in force on `as_of` (today when not given)."""
    latest = latest_approved(as_of=as_of)
    items = with_due_in_force(items, as_of or timezone.localdate())
    return items.annotate(
        current_status=Subquery(latest.values("status")[:1]),
        current_percent=Subquery(latest.values("percent_complete")[:1]),
        current_confidence=Subquery(latest.values("confidence")[:1]),
        last_approved_at=Subquery(latest.values("reviewed_at")[:1]),
        current_is_sample=Subquery(latest.values("is_sample")[:1]),
    )


def with_current_money(items: QuerySet[PlanItem]) -> QuerySet[PlanItem]:
    """Annotate each item with the cumulative released and spent of its latest approved
    update (the item page's budget execution)."""
    latest = latest_approved()
    return items.annotate(
        current_released=Subquery(latest.values("budget_released")[:1]),
        current_spent=Subquery(latest.values("budget_spent")[:1]),
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
    """On items annotated by `with_current_status`: past the due date in force and not
    completed or discontinued. No due date is never overdue (see `no_due_date_condition`)."""
    # Spelled out: NOT IN on the annotation would also drop items with no status (NULL).
    unfinished = Q(current_status__isnull=True) | ~Q(current_status__in=FINISHED_STATUSES)
    # Not-null spelled out too, so that excluding overdue items keeps those with no due date.
    return Q(due_in_force__isnull=False, due_in_force__lt=today) & unfinished


def is_overdue(due: datetime.date | None, current_status: str | None, today: datetime.date) -> bool:
    """`overdue_condition` for one item already in hand (the item page)."""
    return due is not None and due < today and current_status not in FINISHED_STATUSES


def no_due_date_condition() -> Q:
    """On items annotated by `with_current_status`: no due date in force (a data gap)."""
    return Q(due_in_force__isnull=True)


# Spending more than this many points ahead of the reported percent complete is flagged.
SPENDING_AHEAD_MARGIN = 20


class BudgetFlag(TextChoices):
    SPENDING_AHEAD = "spending_ahead", "Spending runs ahead of progress"
    RELEASED_NO_PROGRESS = "released_no_progress", "Money released with no progress"


def budget_execution(
    *,
    allocation: Decimal | float | None,
    released: Decimal | float | None,
    spent: Decimal | float | None,
    percent: int | None,
) -> dict:
    """Utilisation (spent ÷ released, in percent) and the flags, for one item's cumulative
    money and its reported percent complete.

    Spending is measured against the allocation in force when there is one, else against the
    money released: it runs ahead when that share exceeds the percent complete by more than
    SPENDING_AHEAD_MARGIN points.
    """
    released = float(released) if released is not None else None
    spent = float(spent) if spent is not None else None
    allocation = float(allocation) if allocation is not None else None
    utilisation = round(100 * spent / released, 1) if released and spent is not None else None
    flags = []
    base = allocation or released
    if spent and base and 100 * spent / base > (percent or 0) + SPENDING_AHEAD_MARGIN:
        flags.append(BudgetFlag.SPENDING_AHEAD)
    if released and not percent:
        flags.append(BudgetFlag.RELEASED_NO_PROGRESS)
    return {
        "allocation": allocation,
        "released": released,
        "spent": spent,
        "utilisation": utilisation,
        "flags": [flag.value for flag in flags],
        "flag_labels": [flag.label for flag in flags],
    }


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
