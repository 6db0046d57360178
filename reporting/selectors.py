"""Reads of progress data and of the plan with its progress, each owning its joins so a page
costs a fixed number of queries."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

from django.db import models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from interventions.baselines import plan_for_item, progress_toward_target
from interventions.models import (
    Indicator,
    ItemLink,
    PlanItem,
    PolicyLink,
    Responsibility,
    item_visible,
)
from reporting.models import (
    Comment,
    DeadlineExtension,
    EvidenceFile,
    IndicatorValue,
    ProgressUpdate,
    ReportingPeriod,
)
from reporting.status import (
    budget_execution,
    is_late,
    is_overdue,
    items_needing_report,
    last_approved_before,
    period_counts,
    with_current_money,
    with_current_status,
    with_latest_actual,
)
from reporting.update_fields import REPORTED_FIELDS, field_label


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
    """Submitted updates the user reviews, oldest first, each marked `late` (status.is_late)."""
    queryset = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
    if user.role == User.Role.AGENCY_REVIEWER:
        queryset = queryset.filter(agency_id=user.agency_id)
    elif user.role != User.Role.COMMITTEE_SECRETARY:
        return queryset.none()
    return (
        queryset.annotate(late=ExpressionWrapper(is_late(), output_field=BooleanField()))
        .select_related("item__policy", "period", "agency", "author")
        .order_by("submitted_at", "pk")
    )


def update_for_review(user: User) -> QuerySet[ProgressUpdate]:
    """One update with all a reviewer reads: evidence, indicator values and the item's
    indicators (outsiders get nothing: visible_to)."""
    return (
        ProgressUpdate.objects.visible_to(user)
        .select_related("item__policy", "period", "agency", "author", "reviewed_by")
        .prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.visible_to(user)),
            "indicator_values",
            Prefetch("item__indicators", queryset=Indicator.objects.order_by("position")),
        )
    )


def _shown(update: ProgressUpdate, name: str) -> str:
    value = getattr(update, name)
    if value in (None, ""):
        return ""
    display = getattr(update, f"get_{name}_display", None)
    if display is not None:
        return display()
    if name == "percent_complete":
        return f"{value}%"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def indicator_rows(update: ProgressUpdate, previous: ProgressUpdate | None) -> list[dict]:
    """Each of the item's indicators: baseline, target, the last approved actual and this
    update's actual."""
    now = {v.indicator_id: v for v in update.indicator_values.all()}
    before = {v.indicator_id: v for v in previous.indicator_values.all()} if previous else {}
    rows = []
    for indicator in update.item.indicators.all():
        actual, last = now.get(indicator.pk), before.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "actual": actual.value if actual else "",
                "last_approved": last.value if last else "",
                "changed": (actual.value if actual else "") != (last.value if last else ""),
            }
        )
    return rows


def changes_since_approved(update: ProgressUpdate, previous: ProgressUpdate | None) -> list[dict]:
    """The reported fields that differ from the agency's last approved update, side by side
    (every field when there is none: all of it is new)."""
    rows = []
    for name in REPORTED_FIELDS:
        after = _shown(update, name)
        before = _shown(previous, name) if previous else ""
        if after != before:
            label = field_label(update._meta.get_field(name))
            rows.append({"field": name, "label": label, "before": before, "after": after})
    return rows


def last_approved_values(update_or_item, agency_id: int | None, period) -> dict:
    """The agency's last approved update on the item before `period`, as shown beside the
    form's fields: its period label and, per field name (and `indicator_<id>`), its value."""
    if agency_id is None or period is None:
        return {}
    item = getattr(update_or_item, "item", update_or_item)
    previous = last_approved_before(item, agency_id, period)
    if previous is None:
        return {}
    values = {name: _shown(previous, name) for name in REPORTED_FIELDS}
    values.update({f"indicator_{v.indicator_id}": v.value for v in previous.indicator_values.all()})
    return {"period": previous.period.label, "values": values}


# --- the plan with its progress: item lists, an item's page, the crosswalk ------------------


def items_for_list(items: QuerySet[PlanItem] | None = None) -> QuerySet[PlanItem]:
    """The web item list before filtering, with the current status the filters read. `items`
    is where scoping goes first (`PlanItem.objects.visible_to(user)`); every item by default."""
    items = PlanItem.objects.all() if items is None else items
    return with_current_status(items).order_by("policy__position", "position")


# What the web item list shows of each item (templates/reporting/item_list.html).
ITEM_LIST_COLUMNS = (
    "id", "policy__code", "ref", "text", "current_status", "current_is_sample", "current_percent"
)  # fmt: skip


def item_list_values(items: QuerySet[PlanItem]) -> QuerySet[dict]:
    """The (filtered) items of `items_for_list` as plain rows; page it, then `item_list_rows`."""
    return items.values(*ITEM_LIST_COLUMNS)


def item_list_rows(page: list[dict]) -> list[dict]:
    """Each row of a page of `item_list_values` with its `responsibilities` (agency code and
    name, in order), from one query: no model instances, whatever the page size."""
    rows = list(page)
    named: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    for item_id, code, name in (
        Responsibility.objects.filter(item_id__in=named)
        .order_by("position")
        .values_list("item_id", "agency__code", "agency__name")
    ):
        named[item_id].append({"code": code, "name": name})
    for row in rows:
        row["responsibilities"] = named[row["id"]]
    return rows


def items_for_table() -> QuerySet[PlanItem]:
    """The item list for downloads: items_for_list plus the current money, the theme's
    ancestors and each indicator's latest approved actual (reporting.item_table's columns)."""
    indicators = with_latest_actual(Indicator.objects.order_by("position"))
    responsibilities = Responsibility.objects.select_related("agency").order_by("position")
    return with_current_money(
        items_for_list()
        .select_related("policy", "theme__parent__parent")
        .prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities),
            Prefetch("indicators", queryset=indicators),
        )
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


def item_for_page(user: User) -> QuerySet[PlanItem]:
    """One item the user reads, with all it shows: responsibilities, indicators with actuals,
    links to the items the user reads, the updates the user reads."""
    updates = (
        ProgressUpdate.objects.visible_to(user)
        .select_related("period", "agency", "author", "reviewed_by")
        .prefetch_related(Prefetch("evidence", queryset=EvidenceFile.objects.visible_to(user)))
        .order_by("-period__start", "agency__code")
    )
    links_out = ItemLink.objects.filter(item_visible(user, "to_item_id", "to_item__"))
    links_in = ItemLink.objects.filter(item_visible(user, "from_item_id", "from_item__"))
    return with_current_status(
        with_current_money(
            PlanItem.objects.visible_to(user).select_related("policy", "theme__parent", "parent")
        )
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
        Prefetch("links_out", queryset=links_out.select_related("to_item__policy")),
        Prefetch("links_in", queryset=links_in.select_related("from_item__policy")),
        Prefetch("policy_links_out", queryset=PolicyLink.objects.select_related("to_policy")),
        Prefetch("updates", queryset=updates, to_attr="visible_updates"),
        "priorities",
        "context_notes",
        # A remark on an update the user may not read is not shown either.
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(
                Q(update__isnull=True)
                | Q(update__in=ProgressUpdate.objects.visible_to(user).values("pk"))
            ),
        ),
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


# Bookkeeping a reader of the trail does not need: the lock counter, derived dates, ordering.
AUDIT_EXCLUDED_FIELDS = ["version", "first_submitted_at", "position"]
HISTORY_VERBS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}
EVIDENCE_VERBS = {
    "+": gettext_lazy("added"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("removed"),
}


def _value_shown(field, value, users: dict[int, str]) -> str:
    if value in (None, ""):
        return _("(empty)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is User:
        return users.get(value, _("user %(id)s") % {"id": value})
    text = str(value)
    return text if len(text) <= 200 else f"{text[:200]}…"


def _with_changes(records: list, label_of, verbs=HISTORY_VERBS) -> list:
    """Each history record with its label, its verb and, against the record before it, the
    fields that changed as old -> new (simple-history's diff_against)."""
    by_object: dict[int, list] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object.setdefault(record.id, []).append(record)
    out = []
    for history in by_object.values():
        previous = None
        for record in history:
            # Shown as HTML (the sources' names marked English); read as text elsewhere.
            record.label_html = conditional_escape(label_of(record))
            record.label = html.unescape(strip_tags(record.label_html))
            record.verb = verbs[record.history_type]
            record.changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=AUDIT_EXCLUDED_FIELDS)
                record.changes = delta.changes
            previous = record
            out.append(record)
    return out


def _named_changes(entries: list) -> None:
    """Give each change a label and readable old/new values (users by name, in one query)."""
    user_ids = set()
    for entry in entries:
        for change in entry.changes:
            field = entry.instance_type._meta.get_field(change.field)
            if field.is_relation and field.related_model is User:
                user_ids |= {change.old, change.new} - {None}
    users = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    for entry in entries:
        shown = []
        for change in entry.changes:
            field = entry.instance_type._meta.get_field(change.field)
            shown.append(
                {
                    "label": field_label(field),
                    "old": _value_shown(field, change.old, users),
                    "new": _value_shown(field, change.new, users),
                }
            )
        entry.changes = shown


def _source_words(text: str) -> str:
    """A name as the sources write it, kept English (left to right) inside a translated page."""
    return format_html('<span lang="en" dir="ltr">{}</span>', text)


def audit_trail(item: PlanItem, user: User, limit: int = 100) -> list:
    """Every recorded change to the item, its responsibilities, indicators, updates, their
    indicator values and evidence. A draft, and what was recorded while an update was a draft,
    is shown only inside its agency (whose reviewers are in it)."""
    updates = {
        u.pk: u
        for u in ProgressUpdate.objects.visible_to(user)
        .filter(item=item)
        .select_related("period", "agency")
    }

    def shown(update_id: int, when, state: str | None = None) -> bool:
        update = updates.get(update_id)
        if update is None:
            return False
        if user.agency_id == update.agency_id:
            return True
        if state is not None:
            return state != ProgressUpdate.State.DRAFT
        first = update.first_submitted_at
        return first is not None and when >= first

    def update_label(update_id: int) -> str:
        update = updates[update_id]
        return _("Update %(period)s · %(agency)s") % {
            "period": update.period.label,
            "agency": update.agency.code,
        }

    history = [
        r
        for r in ProgressUpdate.history.filter(item_id=item.pk).select_related("history_user")
        if shown(r.id, r.history_date, r.state)
    ]
    values = [
        r
        for r in IndicatorValue.history.filter(update__item_id=item.pk).select_related(
            "history_user", "indicator"
        )
        if shown(r.update_id, r.history_date)
    ]
    evidence = [
        r
        for r in EvidenceFile.history.filter(update_id__in=list(updates)).select_related(
            "history_user"
        )
        if shown(r.update_id, r.history_date)
    ]
    entries = (
        _with_changes(list(item.history.select_related("history_user")), lambda r: _("Item"))
        + _with_changes(
            list(Responsibility.history.filter(item_id=item.pk).select_related("history_user")),
            lambda r: format_html(_("Responsibility {name}"), name=_source_words(r.as_written)),
        )
        + _with_changes(
            list(Indicator.history.filter(item_id=item.pk).select_related("history_user")),
            lambda r: format_html(_("Indicator “{name}”"), name=_source_words(r.description[:40])),
        )
        + _with_changes(history, lambda r: update_label(r.id))
        + _with_changes(
            values,
            lambda r: format_html(
                _("{update}: actual of “{name}”"),
                update=update_label(r.update_id),
                name=_source_words(r.indicator.description[:40]),
            ),
        )
        + _with_changes(
            evidence,
            lambda r: format_html(
                _("{update}: evidence “{name}”"),
                update=update_label(r.update_id),
                name=format_html('<span dir="auto">{}</span>', r.original_name),
            ),
            verbs=EVIDENCE_VERBS,
        )
    )
    entries.sort(key=lambda r: r.history_date, reverse=True)
    entries = entries[:limit]
    _named_changes(entries)
    return entries


def nap_crosswalk(
    as_of: datetime.date | None = None, items: QuerySet[PlanItem] | None = None
) -> list[dict]:
    """Each NAP point with its NISP 2018 successors and the NSP 2022 commitments continuing it;
    statuses as of `as_of` when given (the dashboard's quarter), else the latest. `items`: the
    items the reader may see (PlanItem.objects.visible_to); points and links outside it are
    left out.

    NSP commitments count when linked to the point itself or to one of its NISP successors.
    """
    readable = PlanItem.objects.all() if items is None else items
    links = list(
        ItemLink.objects.select_related("from_item__policy", "to_item__policy").filter(
            from_item__policy__code__in=["NAP-2014", "NSP-2022"],
            from_item__in=readable.values("pk"),
            to_item__in=readable.values("pk"),
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
        readable.filter(policy__code="NAP-2014").order_by("position").prefetch_related(whole_policy)
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
