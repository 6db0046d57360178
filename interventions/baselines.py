"""Reads of the plan's baselines: the values in force on a day, the source's own, the history.

The source's values stay on PlanItem and Indicator as loaded (mostly empty: the sources set no
due dates for Annex A and no baselines or targets). What the committee sets is a
BaselineRevision; the one in force on a day is the highest-numbered revision of that item (or
indicator) in force from that day or earlier, else the source's values. Every reader of "the
plan on a day" (figures, the item page, the overdue rule) asks this module.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When, Window
from django.db.models.functions import RowNumber

from agencies.models import User
from interventions.models import (
    INDICATOR_PLAN_FIELDS,
    ITEM_PLAN_FIELDS,
    BaselineRevision,
    ChangeRequest,
    Direction,
    Indicator,
    PlanItem,
    item_visible,
)


def source_item_values(item: PlanItem) -> dict:
    """The item's baseline as the source states it."""
    return {"due_date": item.due_date, "allocation": item.budget_amount}


def source_indicator_values(indicator: Indicator) -> dict:
    """The indicator's baseline as loaded; the sources give no baseline date or direction."""
    return {
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "baseline_date": None,
        "target": indicator.target,
        "target_date": indicator.target_date,
        "direction": "",
    }


def revision_values(revision: BaselineRevision, fields=None) -> dict:
    fields = fields or (INDICATOR_PLAN_FIELDS if revision.indicator_id else ITEM_PLAN_FIELDS)
    return {name: getattr(revision, name) for name in fields}


def _in_force(as_of: datetime.date) -> QuerySet[BaselineRevision]:
    return BaselineRevision.objects.filter(in_force_from__lte=as_of)


def item_revision_in_force(item: PlanItem, as_of: datetime.date) -> BaselineRevision | None:
    return _in_force(as_of).filter(item=item, indicator__isnull=True).order_by("-number").first()


def indicator_revision_in_force(
    indicator: Indicator, as_of: datetime.date
) -> BaselineRevision | None:
    return _in_force(as_of).filter(indicator=indicator).order_by("-number").first()


def item_values_in_force(item: PlanItem, as_of: datetime.date) -> dict:
    revision = item_revision_in_force(item, as_of)
    return revision_values(revision) if revision else source_item_values(item)


def indicator_values_in_force(indicator: Indicator, as_of: datetime.date) -> dict:
    revision = indicator_revision_in_force(indicator, as_of)
    return revision_values(revision) if revision else source_indicator_values(indicator)


def _latest_by(revisions: QuerySet[BaselineRevision], key: str, *fields: str) -> dict[int, dict]:
    ranked = (
        revisions.annotate(
            rank=Window(RowNumber(), partition_by=[F(key)], order_by=[F("number").desc()])
        )
        .filter(rank=1)
        .values(key, "pk", "number", "is_sample", *fields)
    )
    return {row[key]: row for row in ranked}


def item_revisions_in_force(items: QuerySet[PlanItem], as_of: datetime.date) -> dict[int, dict]:
    """Per item id, the values of its revision in force on `as_of` (items with none absent),
    with the revision's id and number: one query for any number of items."""
    revisions = _in_force(as_of).filter(item__in=items, indicator__isnull=True)
    return _latest_by(revisions, "item_id", *ITEM_PLAN_FIELDS)


def indicator_revisions_in_force(
    indicators: QuerySet[Indicator], as_of: datetime.date
) -> dict[int, dict]:
    """Per indicator id, the values of its revision in force on `as_of`: one query."""
    revisions = _in_force(as_of).filter(indicator__in=indicators)
    return _latest_by(revisions, "indicator_id", *INDICATOR_PLAN_FIELDS)


def with_due_in_force(items: QuerySet[PlanItem], as_of: datetime.date) -> QuerySet[PlanItem]:
    """Annotate each item with `due_in_force` (the due date of its revision in force on
    `as_of`, else the source's) and `due_revision` (that revision's number, or None)."""
    latest = _in_force(as_of).filter(item=OuterRef("pk"), indicator__isnull=True)
    latest = latest.order_by("-number")
    return items.annotate(
        due_revision=Subquery(latest.values("number")[:1]),
        due_in_force=Case(
            When(due_revision__isnull=True, then=F("due_date")),
            default=Subquery(latest.values("due_date")[:1]),
        ),
    )


def revisions_of_item(item: PlanItem) -> QuerySet[BaselineRevision]:
    """Every revision of the item and of its indicators, oldest first, with who and why."""
    return (
        BaselineRevision.objects.filter(item=item)
        .select_related("indicator", "proposed_by", "approved_by", "change_request")
        .order_by("created_at", "pk")
    )


def pending_requests() -> QuerySet[ChangeRequest]:
    """The secretary's queue: requests awaiting a decision, oldest first."""
    return (
        ChangeRequest.objects.filter(state=ChangeRequest.State.PENDING)
        .select_related("item__policy", "indicator", "proposed_by__agency")
        .order_by("proposed_at", "pk")
    )


def progress_toward_target(
    *,
    actual: Decimal | float | None,
    target: Decimal | float | None,
    baseline: Decimal | float | None = None,
    direction: str = "",
) -> float | None:
    """How far the actual has moved from the baseline to the target, in percent, respecting
    direction (a fall counts as progress when lower is better). None when it cannot be told.

    Without a baseline the way starts at zero (a count from nothing). Without a direction it
    is read from the baseline and target (a target below the baseline means lower is better).
    Not capped: 120 says the target was passed by a fifth.
    """
    if actual is None or target is None:
        return None
    actual, target = float(actual), float(target)
    start = float(baseline) if baseline is not None else 0.0
    if not direction:
        direction = Direction.LOWER if target < start else Direction.HIGHER
    if direction == Direction.LOWER:
        way, moved = start - target, start - actual
    else:
        way, moved = target - start, actual - start
    if way <= 0:
        return None  # the target is no change, or the wrong way: nothing to measure against
    return round(100 * moved / way, 1)


def plan_for_item(item: PlanItem, indicators: list[Indicator], today: datetime.date) -> dict:
    """The item page's plan section: the item's and each indicator's values in force today
    beside the source's, every revision (oldest first) and the pending requests, in two
    queries (the values in force are picked from the one read of the revisions)."""
    revisions = list(revisions_of_item(item))
    in_force = [r for r in revisions if r.in_force_from <= today]

    def latest(matches) -> BaselineRevision | None:
        return max(matches, key=lambda r: r.number, default=None)

    item_revision = latest(r for r in in_force if r.indicator_id is None)
    rows = []
    for indicator in indicators:
        revision = latest(r for r in in_force if r.indicator_id == indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "source": source_indicator_values(indicator),
                "values": revision_values(revision)
                if revision
                else source_indicator_values(indicator),
                "revision": revision,
            }
        )
    pending = list(
        ChangeRequest.objects.filter(item=item, state=ChangeRequest.State.PENDING)
        .select_related("indicator", "proposed_by")
        .order_by("proposed_at", "pk")
    )
    return {
        "source": source_item_values(item),
        "values": revision_values(item_revision) if item_revision else source_item_values(item),
        "revision": item_revision,
        "indicators": rows,
        "revisions": revisions,
        "pending": pending,
    }


def change_requests_visible_to(user) -> QuerySet[ChangeRequest]:
    """Requests a user may see: all for the committee and administrators; for agency staff,
    those on their agency's items and their own. Others see none (a 404 on lookup)."""
    queryset = ChangeRequest.objects.select_related(
        "item__policy", "indicator", "proposed_by"
    ).filter(item_visible(user, "item_id", "item__"))
    if not user.is_authenticated:
        return queryset.none()
    if user.role in (
        User.Role.COMMITTEE_SECRETARY,
        User.Role.COMMITTEE_MEMBER,
        User.Role.ADMINISTRATOR,
    ):
        return queryset
    if user.agency_id:
        mine = ChangeRequest.objects.filter(
            item__responsibilities__agency_id=user.agency_id
        ).values("pk")
        return queryset.filter(Q(pk__in=mine) | Q(proposed_by=user))
    return queryset.filter(proposed_by=user)
