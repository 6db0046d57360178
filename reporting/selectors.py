"""Reads of progress data and of the plan with its progress, each owning its joins so a page
costs a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from agencies.models import User
from interventions.baselines import plan_for_item, progress_toward_target
from interventions.export import items_for_export
from interventions.models import Indicator, ItemLink, PlanItem, PolicyLink, Responsibility
from reporting.models import DeadlineExtension, IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.status import (
    budget_execution,
    is_overdue,
    items_needing_report,
    period_counts,
    with_current_money,
    with_current_status,
    with_latest_actual,
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


# --- the plan with its progress: item lists, an item's page, the crosswalk ------------------


def items_for_list() -> QuerySet[PlanItem]:
    return with_current_status(
        PlanItem.objects.select_related("policy", "theme").prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("agency").order_by("position"),
            )
        )
    ).order_by("policy__position", "position")


def items_for_table() -> QuerySet[PlanItem]:
    """The item list for downloads: items_for_list plus the current money, the theme's
    ancestors and each indicator's latest approved actual (reporting.item_table's columns)."""
    indicators = with_latest_actual(Indicator.objects.order_by("position"))
    return with_current_money(
        items_for_list()
        .select_related("theme__parent__parent")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def _latest(records: QuerySet, field: str, item: str = "item_id") -> Coalesce:
    latest = records.filter(**{item: OuterRef("pk")}).order_by().values(item)
    return Coalesce(Subquery(latest.annotate(at=Max(field)).values("at")), F("updated_at"))


def with_changed_at(items: QuerySet[PlanItem]) -> QuerySet[PlanItem]:
    """`changed_at`: when the item last changed as a reader of the API sees it, i.e. the latest
    of its own edit, an edit of its indicators or responsibilities, and a change to one of its
    updates past draft (drafts are seen inside their agency only). `updated_since` filters on
    it and the API shows it as the item's `updated_at`, so a client syncs from the latest one
    it holds."""
    if "changed_at" in items.query.annotations:
        return items
    updates = ProgressUpdate.objects.exclude(state=ProgressUpdate.State.DRAFT)
    return items.annotate(
        changed_at=Greatest(
            F("updated_at"),
            _latest(updates, "updated_at"),
            _latest(Indicator.history.all(), "history_date"),
            _latest(Responsibility.history.all(), "history_date"),
        )
    )


def items_for_api() -> QuerySet[PlanItem]:
    """Items in the API's shape: the export's joins (plus the theme's ancestors, for its path),
    the current status, and each indicator's latest approved actual. Pass the evaluated page
    through `interventions.export.with_links` for the links."""
    indicators = with_latest_actual(Indicator.objects.all())
    return with_changed_at(
        with_current_status(
            items_for_export(indicators=indicators).select_related("theme__parent__parent")
        )
    ).order_by("policy__position", "position")


def item_for_page(user: User) -> QuerySet[PlanItem]:
    """One item with all it shows: responsibilities, indicators with actuals, links, updates."""
    updates = (
        ProgressUpdate.objects.visible_to(user)
        .select_related("period", "agency", "author", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-period__start", "agency__code")
    )
    return with_current_status(
        with_current_money(PlanItem.objects.select_related("policy", "theme__parent", "parent"))
    ).prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related(
                "agency", "via_group", "assignment__assigned_by"
            ),
        ),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch(
                    "values",
                    queryset=IndicatorValue.objects.filter(
                        update__state=ProgressUpdate.State.APPROVED
                    )
                    .select_related("update__period")
                    .order_by("update__period__start"),
                    to_attr="approved_values",
                )
            ),
        ),
        Prefetch("links_out", queryset=ItemLink.objects.select_related("to_item__policy")),
        Prefetch("links_in", queryset=ItemLink.objects.select_related("from_item__policy")),
        Prefetch("policy_links_out", queryset=PolicyLink.objects.select_related("to_policy")),
        Prefetch("updates", queryset=updates, to_attr="visible_updates"),
        "priorities",
        "context_notes",
        "comments__author",
    )


def item_plan_section(item: PlanItem) -> dict:
    """The item page's plan: baseline and target in force beside the source's, each indicator's
    latest approved actual and progress toward its target, the revision history, pending
    requests, and budget execution. `item` comes from item_for_page (no further query for the
    actuals or the money)."""
    today = timezone.localdate()
    plan = plan_for_item(item, list(item.indicators.all()), today)
    plan["overdue"] = is_overdue(plan["values"]["due_date"], item.current_status, today)
    for row in plan["indicators"]:
        values = row["indicator"].approved_values
        latest = values[-1] if values else None
        row["latest"] = latest
        row["progress"] = progress_toward_target(
            actual=latest.number if latest else None,
            target=row["values"]["target"],
            baseline=row["values"]["baseline"],
            direction=row["values"]["direction"],
        )
    plan["money"] = budget_execution(
        allocation=plan["values"]["allocation"],
        released=item.current_released,
        spent=item.current_spent,
        percent=item.current_percent,
    )
    return plan


AUDIT_IGNORED_FIELDS = {"history_id", "history_date", "history_user", "history_user_id",
                        "history_type", "history_change_reason", "version", "position"}  # fmt: skip


def _with_changes(records: list, label_of) -> list:
    """Mark each history record with its label and the fields that changed from the one before."""
    by_object: dict[int, list] = {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        by_object.setdefault(record.id, []).append(record)
    out = []
    for history in by_object.values():
        previous = None
        for record in history:
            record.label = label_of(record)
            record.changes = []
            if previous is not None:
                fields = [f.attname for f in record._meta.fields]
                record.changes = [
                    name.removesuffix("_id")
                    for name in fields
                    if name not in AUDIT_IGNORED_FIELDS
                    and getattr(record, name) != getattr(previous, name)
                ]
            previous = record
            out.append(record)
    return out


def audit_trail(item: PlanItem, limit: int = 100) -> list:
    """Every recorded change to the item, its responsibilities, indicators and updates."""
    entries = (
        _with_changes(list(item.history.select_related("history_user")), lambda r: "Item")
        + _with_changes(
            list(Responsibility.history.filter(item_id=item.pk).select_related("history_user")),
            lambda r: f"Responsibility {r.as_written}",
        )
        + _with_changes(
            list(Indicator.history.filter(item_id=item.pk).select_related("history_user")),
            lambda r: f"Indicator “{r.description[:40]}”",
        )
        + _with_changes(
            list(ProgressUpdate.history.filter(item_id=item.pk).select_related("history_user")),
            lambda r: f"Update {r.id} ({r.state})",
        )
    )
    entries.sort(key=lambda r: r.history_date, reverse=True)
    return entries[:limit]


def nap_crosswalk(as_of: datetime.date | None = None) -> list[dict]:
    """Each NAP point with its NISP 2018 successors and the NSP 2022 commitments continuing it;
    statuses as of `as_of` when given (the dashboard's quarter), else the latest.

    NSP commitments count when linked to the point itself or to one of its NISP successors.
    """
    links = list(
        ItemLink.objects.select_related("from_item__policy", "to_item__policy").filter(
            from_item__policy__code__in=["NAP-2014", "NSP-2022"]
        )
    )
    statuses = {
        item.pk: item
        for item in with_current_status(
            PlanItem.objects.filter(
                pk__in={link.to_item_id for link in links} | {link.from_item_id for link in links}
            ),
            as_of=as_of,
        ).select_related("policy")
    }
    # One query for the whole-policy links (joined to their policy), not one per relation.
    whole_policy = Prefetch(
        "policy_links_out",
        queryset=PolicyLink.objects.filter(to_policy__code="NISP-2018").select_related("to_policy"),
        to_attr="nisp_whole_policy",
    )
    points = (
        PlanItem.objects.filter(policy__code="NAP-2014")
        .order_by("position")
        .prefetch_related(whole_policy)
    )
    rows = []
    for point in with_current_status(points, as_of=as_of):
        nisp = [
            (link, statuses[link.to_item_id])
            for link in links
            if link.from_item_id == point.pk and link.to_item.policy.code == "NISP-2018"
        ]
        targets = {point.pk} | {item.pk for _, item in nisp}
        nsp = {
            link.from_item_id: (link, statuses[link.from_item_id])
            for link in links
            if link.from_item.policy.code == "NSP-2022" and link.to_item_id in targets
        }
        rows.append(
            {
                "point": point,
                "nisp": nisp,
                "whole_policy": point.nisp_whole_policy,
                "nsp": list(nsp.values()),
            }
        )
    return rows


# --- the reporting cycle: the secretary's periods, each person's to-do list -----------------

PERIODS_PER_POLICY = 6


def periods_overview() -> list[dict]:
    """Per policy, its latest periods with their counts summed over agencies (the words of
    reporting.status.period_counts)."""
    rows = []
    periods = ReportingPeriod.objects.select_related("policy").order_by(
        "policy__position", "-start"
    )
    shown: dict[int, int] = {}
    for period in periods:
        if shown.get(period.policy_id, 0) >= PERIODS_PER_POLICY:
            continue
        shown[period.policy_id] = shown.get(period.policy_id, 0) + 1
        totals = dict.fromkeys(("not_reported", "submitted", "returned", "approved", "late"), 0)
        for counts in period_counts(period).values():
            for name in totals:
                totals[name] += counts[name]
        rows.append({"period": period, **totals})
    return rows


def submittable_periods_for(agency_id: int, today: datetime.date) -> list[ReportingPeriod]:
    """Periods the agency may submit in today: open and started, or closed with an extension
    for it still running."""
    extended = DeadlineExtension.objects.filter(agency_id=agency_id, until__gte=today).values(
        "period_id"
    )
    return list(
        ReportingPeriod.objects.filter(start__lte=today)
        .filter(
            models.Q(state=ReportingPeriod.State.OPEN)
            | models.Q(state=ReportingPeriod.State.CLOSED, pk__in=extended)
        )
        .select_related("policy")
        .order_by("policy__position", "start")
    )


def todo_for(user: User, today: datetime.date | None = None) -> dict:
    """What one person must do now: items to report and returned updates to fix (officers),
    updates to review (reviewers, the secretary), periods to act on (the secretary)."""
    today = today or timezone.localdate()
    todo: dict = {"to_report": [], "to_fix": [], "to_review": [], "periods": []}
    if user.role == User.Role.DESK_OFFICER and user.agency_id:
        for period in submittable_periods_for(user.agency_id, today):
            # Returned ones are listed as updates to fix, not as items to report.
            returned = ProgressUpdate.objects.filter(
                item=models.OuterRef("pk"),
                period=period,
                agency_id=user.agency_id,
                state=ProgressUpdate.State.RETURNED,
            )
            items = items_needing_report(period, user.agency_id).exclude(models.Exists(returned))
            for item in items.order_by("position"):
                todo["to_report"].append({"item": item, "period": period})
        todo["to_fix"] = list(
            ProgressUpdate.objects.filter(
                agency_id=user.agency_id, state=ProgressUpdate.State.RETURNED
            )
            .exclude(period__state=ReportingPeriod.State.LOCKED)
            .select_related("item__policy", "period")
            .order_by("period__deadline", "item__position")
        )
    if user.role in (User.Role.AGENCY_REVIEWER, User.Role.COMMITTEE_SECRETARY):
        todo["to_review"] = list(review_queue(user))
    if user.role in (User.Role.COMMITTEE_SECRETARY, User.Role.ADMINISTRATOR):
        todo["periods"] = list(
            ReportingPeriod.objects.filter(
                state=ReportingPeriod.State.OPEN, deadline__lt=today
            ).select_related("policy")
        )
    return todo
