"""The Advisory Committee's figures for a quarter: computed here once, shown live by the
dashboard and frozen into the quarterly report.

Only approved updates count towards an item's status; an item's status for a quarter is that of
its latest update approved for a period begun by the quarter's end. "Reported" means an update
submitted (or approved) for a period overlapping the quarter. The result is plain JSON-ready
data (no model instances), so a report can store it and render it again years later unchanged.
A fixed number of queries, whatever the plan's size.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import BooleanField, Case, ExpressionWrapper, F, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from agencies import geography
from agencies.models import Agency, Province
from committee import exceptions, followup
from committee.figures_cache import cached_figures
from committee.labels import NOT_REPORTED, STATUS_LABELS
from core.quarters import Quarter
from interventions import baselines
from interventions.models import (
    CLASS_SEES,
    Indicator,
    Policy,
    Priority,
    Responsibility,
    Sensitivity,
    Theme,
    owner_not_stated,
    stricter,
)
from interventions.models import PlanItem as Item
from reporting import status
from reporting.models import EvidenceFile, IndicatorValue, ProgressUpdate
from reporting.status import overdue_condition, with_current_status
from reporting.update_fields import REPORTED_FIELDS

Status = ProgressUpdate.Status
Confidence = ProgressUpdate.Confidence
STATUS_KEYS = [*Status.values, NOT_REPORTED]
GOOD = {Status.ON_TRACK, Status.COMPLETED}
AT_RISK = {Status.AT_RISK, Status.DELAYED}
WEAK_CONFIDENCE = {Confidence.AMBER_RED, Confidence.RED}
CONFIDENCE_RANK = {value: rank for rank, value in enumerate(Confidence.values)}
TERM_ORDER = Item.Term.values
_INDICATOR_PLAN = ("unit", "baseline", "baseline_date", "target", "target_date", "direction")
TREND_QUARTERS = 6
LIST_LIMIT = 50
SUMMARY_TEXT = 400
UPDATE_TEXTS = ("narrative", "challenges", "next_steps", "confidence_rationale", "evidence_link")


def committee_figures(
    *,
    quarter: Quarter,
    policy: Policy | None = None,
    today: datetime.date | None = None,
    level: str = "",
    province: str = "",
    visibility: str = "all",
) -> dict:
    """Every figure the dashboard and the quarterly report show, for one quarter and scope
    (narrowed, when asked, to the items of bodies working at a level or in a province),
    computed once per data version (committee.figures_cache) and shared by both.

    `visibility` is the reader's class (interventions.models.visibility_class): "all" counts
    every item; "official" leaves restricted items out and "public" all but public ones, each
    counted only as `restricted.left_out`. It is part of the cache key, so one class's figures
    never answer another."""
    today = today or timezone.localdate()
    return cached_figures(
        quarter=quarter.label,
        scope=f"{policy.code if policy else 'all'}:{level}:{province}:{visibility}",
        # The day, not the quarter's as-of day: the follow-up of action items reads today.
        day=today.isoformat(),
        compute=lambda: compute_committee_figures(
            quarter=quarter,
            policy=policy,
            today=today,
            level=level,
            province=province,
            visibility=visibility,
        ),
    )


def compute_committee_figures(**scope) -> dict:
    """The figures computed afresh from the data, as plain JSON: the report freezes them, so
    no lazily translated label may reach them. Labels are taken in English; readers' pages
    word the keys in their own language (committee.labels). Callers go through
    committee_figures."""
    with translation.override("en"):
        return _plain(_compute(**scope))


def _plain(value):
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _compute(
    *,
    quarter: Quarter,
    policy: Policy | None = None,
    today: datetime.date | None = None,
    level: str = "",
    province: str = "",
    visibility: str = "all",
) -> dict:
    today = today or timezone.localdate()
    as_of = min(today, quarter.end)
    items = Item.objects.all() if policy is None else Item.objects.filter(policy=policy)
    items = items.at_place(level=level, province=province)
    shown = CLASS_SEES[visibility]
    # The rows are read for the whole scope in the same queries whatever the class (a constant
    # count); the items the class may not see are then only counted.
    rows = _item_rows(items, quarter, as_of, shown)
    left_out = [pk for pk, row in rows.items() if row["sensitivity"] not in shown]
    for pk in left_out:
        del rows[pk]
    if left_out:
        items = items.filter(sensitivity__in=shown)
    themes = _pillars(policy)
    agencies = _agency_rows(items, rows)
    _places(items, rows)
    _priority_of(items, rows)
    for row in rows.values():
        row["pillar"] = themes.get(row.pop("theme_id"), {"key": "", "name": "No theme"})
    ordered = sorted(rows.values(), key=lambda row: (row["policy_position"], row["position"]))
    indicators = _indicators(items, quarter)
    return {
        "quarter": _quarter(quarter),
        "previous_quarter": _quarter(quarter.previous()),
        "as_of": as_of.isoformat(),
        "scope": {
            "policy": policy.code if policy else None,
            "title": _scope_title(policy),
            "level": level,
            "province": province,
        },
        "statuses": [{"key": key, "label": STATUS_LABELS[key]} for key in STATUS_KEYS],
        "totals": _summary(ordered),
        "by_policy": _grouped(ordered, lambda row: (row["policy"], row["policy_title"])),
        "by_pillar": _grouped(
            ordered,
            lambda row: (f"{row['policy']} {row['pillar']['key']}".strip(), row["pillar"]["name"]),
        ),
        "by_agency": agencies,
        "by_term": _grouped(ordered, lambda row: (row["term"], row["term_label"])),
        "priorities": _priorities(policy, items, rows),
        "trend": _trend(items, quarter, rows),
        "attention": _attention(ordered),
        "exceptions": exceptions.ranked_exceptions(ordered),
        "by_level": _by_place(ordered, "levels", geography.Level.choices),
        "by_province": _by_place(ordered, "provinces", Province.choices),
        "follow_up": followup.follow_up(quarter=quarter, items=items, today=as_of),
        "not_reported": [_ref(row) for row in ordered if not row["reported"]],
        "silent_agencies": [
            {"code": a["code"], "name": a["name"], "missing": a["owned"] - a["reported"]}
            for a in agencies
            if a["reported"] == 0
        ],
        "overdue": [_overdue_ref(row) for row in ordered if row["overdue"]],
        "no_due_date": {
            "count": sum(row["no_due_date"] for row in ordered),
            "by_policy": _grouped_count(ordered, "no_due_date"),
        },
        # A gap in the data, not in delivery: the source names no lead and none is assigned.
        "owner_not_stated": [_ref(row) for row in ordered if row["owner_not_stated"]],
        "changes": _changes(ordered),
        "highlights": _texts(ordered, _is_newly_completed, "narrative"),
        "challenges": _texts(ordered, lambda row: row["challenges"], "challenges"),
        "risks": _texts(
            ordered, lambda row: row["confidence"] in WEAK_CONFIDENCE, "confidence_rationale"
        ),
        "indicators": indicators,
        "budget": _budget(ordered),
        # Restricted items go to their own annex (below), which only the committee's version
        # of the report carries; the other figures leave them out altogether.
        "annex": [
            _annex_row(row) for row in ordered if row["sensitivity"] != Sensitivity.RESTRICTED
        ],
        "contains_sample": any(row["is_sample"] for row in ordered),
        "contains_synthetic": any(row["is_synthetic"] for row in ordered),
        "timeline": _timeline(policy, ordered),
        "plan": _plan_used(ordered, indicators, quarter),
        # Never by name: how many items this reader's figures leave out, and (for the committee)
        # the restricted items, for the report's restricted annex.
        "restricted": {
            "visibility": visibility,
            "left_out": len(left_out),
            "annex": [
                _annex_row(row) for row in ordered if row["sensitivity"] == Sensitivity.RESTRICTED
            ],
        },
    }


# --- the rows ------------------------------------------------------------------------------


def _item_rows(
    items: QuerySet[Item], quarter: Quarter, as_of: datetime.date, shown: tuple[str, ...]
) -> dict[int, dict]:
    current = status.latest_approved_by_item(
        items,
        quarter.end,
        "pk",
        "agency__code",
        *REPORTED_FIELDS,
        "reviewed_at",
        "period__label",
        "is_sample",
        "sensitivity",
    )
    previous = status.latest_approved_by_item(items, quarter.previous().end, "status", "confidence")
    # The plan as it stood on the quarter's last day: later revisions do not rewrite the past.
    plan = baselines.item_revisions_in_force(items, quarter.end)
    overdue = set(
        with_current_status(items, as_of=quarter.end)
        .filter(overdue_condition(as_of))
        .values_list("pk", flat=True)
    )
    reported: dict[int, set[str]] = defaultdict(set)
    # Per item, each agency's reported update this quarter: its state and whether it was late.
    reports: dict[int, dict[str, tuple[str, bool]]] = defaultdict(dict)
    submitted = (
        ProgressUpdate.objects.filter(
            item__in=items, period__start__lte=quarter.end, period__end__gte=quarter.start
        )
        .filter(status.is_reported())
        .annotate(late=Case(When(status.is_late(), then=True), default=False))
        .values_list("item_id", "agency__code", "state", "late")
    )
    for item_id, agency_code, state, late in submitted:
        reported[item_id].add(agency_code)
        reports[item_id][agency_code] = (state, late)
    before = quarter.previous()
    reported_before = set(
        ProgressUpdate.objects.filter(
            item__in=items, period__start__lte=before.end, period__end__gte=before.start
        )
        .filter(status.is_reported())
        .values_list("item_id", flat=True)
    )
    with_files = set(
        EvidenceFile.objects.filter(
            update_id__in=[update["pk"] for update in current.values()]
        ).values_list("update_id", flat=True)
    )
    term_labels = dict(Item.Term.choices)
    rows = {}
    # Whether the owner is a data gap rides on the items' own query: no query of its own.
    gap = ExpressionWrapper(owner_not_stated(), output_field=BooleanField())
    for item in items.annotate(owner_not_stated=gap).values(
        "pk", "policy__code", "policy__title", "policy__position", "position", "ref", "text",
        "theme_id", "term", "start_year", "end_year", "due_date", "timeline_as_written",
        "budget_kind", "budget_amount", "is_synthetic", "owner_not_stated", "sensitivity",
    ):  # fmt: skip
        update = current.get(item["pk"], {})
        if update and stricter(item["sensitivity"], update["sensitivity"]) not in shown:
            # An update stricter than its item: its status counts, its words are not shown.
            update = {**update, **dict.fromkeys(UPDATE_TEXTS, "")}
        before = previous.get(item["pk"], {})
        revision = plan.get(item["pk"])
        due = revision["due_date"] if revision else item["due_date"]
        allocation = revision["allocation"] if revision else item["budget_amount"]
        money = status.budget_execution(
            allocation=allocation,
            released=update.get("budget_released"),
            spent=update.get("budget_spent"),
            percent=update.get("percent_complete"),
        )
        rows[item["pk"]] = {
            "id": item["pk"],
            "policy": item["policy__code"],
            "policy_title": item["policy__title"],
            "policy_position": item["policy__position"],
            "position": item["position"],
            "ref": item["ref"],
            "text": item["text"],
            "theme_id": item["theme_id"],
            "term": item["term"],
            "term_label": term_labels[item["term"]],
            "timeline": item["timeline_as_written"],
            "start_year": item["start_year"],
            "end_year": item["end_year"],
            "due_date": _date(due),
            "due_date_source": _date(item["due_date"]),
            "no_due_date": due is None,
            "plan_revision": revision["number"] if revision else None,
            "plan_revision_id": revision["pk"] if revision else None,
            "plan_is_sample": bool(revision and revision["is_sample"]),
            "allocation": money["allocation"],
            "utilisation": money["utilisation"],
            "budget_flags": money["flag_labels"],
            "budget_kind": item["budget_kind"],
            "budget_amount": _money(item["budget_amount"]),
            "is_synthetic": item["is_synthetic"],
            "owner_not_stated": item["owner_not_stated"],
            "sensitivity": item["sensitivity"],
            "status": update.get("status") or NOT_REPORTED,
            "percent": update.get("percent_complete"),
            "confidence": update.get("confidence") or "",
            "confidence_rationale": update.get("confidence_rationale", ""),
            "previous_status": before.get("status") or NOT_REPORTED,
            "previous_confidence": before.get("confidence") or "",
            "reported_by": update.get("agency__code", ""),
            "last_approved": _date(update.get("reviewed_at")),
            "last_period": update.get("period__label", ""),
            "narrative": update.get("narrative", ""),
            "challenges": update.get("challenges", ""),
            "next_steps": update.get("next_steps", ""),
            "budget_released": _money(update.get("budget_released")),
            "budget_spent": _money(update.get("budget_spent")),
            "is_sample": update.get("is_sample", False),
            "overdue": item["pk"] in overdue,
            "reported": item["pk"] in reported,
            "reported_previous": item["pk"] in reported_before,
            "has_evidence": bool(update.get("evidence_link")) or update.get("pk") in with_files,
            "reported_agencies": sorted(reported.get(item["pk"], ())),
            "reports": reports.get(item["pk"], {}),
            "agencies": [],
            "lead": [],
        }
    return rows


def _agency_rows(items: QuerySet[Item], rows: dict[int, dict]) -> list[dict]:
    """The agency scorecard, filling in each row's agencies on the way.

    An agency "reported" an item when it submitted its own update on it this quarter.
    """
    owned: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    responsibilities = (
        Responsibility.objects.filter(item__in=items)
        .exclude(agency__kind=Agency.Kind.GROUP)
        .order_by("position")
        .values_list("item_id", "agency__code", "agency__name", "role")
    )
    for item_id, code, name, role in responsibilities:
        row = rows[item_id]
        if code not in row["agencies"]:
            row["agencies"].append(code)
        if role == Responsibility.Role.LEAD and code not in row["lead"]:
            row["lead"].append(code)
        owned[code].add(item_id)
        names[code] = name
    scorecard = []
    for code in sorted(owned):
        mine = [rows[item_id] for item_id in owned[code]]
        count = len(mine)
        reported = sum(code in row["reported_agencies"] for row in mine)
        mine_reports = [row["reports"][code] for row in mine if code in row["reports"]]
        states = Counter(state for state, _ in mine_reports)
        scorecard.append(
            {
                "code": code,
                "name": names[code],
                "owned": count,
                "reported": reported,
                "reported_share": _share(reported, count),
                # The words of reporting.status, as the compliance page and reminders use them.
                "not_reported": count - reported,
                "submitted": states[ProgressUpdate.State.SUBMITTED],
                "returned": states[ProgressUpdate.State.RETURNED],
                "approved": states[ProgressUpdate.State.APPROVED],
                "late": sum(late for _, late in mine_reports),
                "good": sum(row["status"] in GOOD for row in mine),
                "good_share": _share(sum(row["status"] in GOOD for row in mine), count),
                "previous_good_share": _share(
                    sum(row["previous_status"] in GOOD for row in mine), count
                ),
                "overdue": sum(row["overdue"] for row in mine),
                "no_due_date": sum(row["no_due_date"] for row in mine),
                "money": _money_totals(mine),
                "by_status": _counts(mine),
            }
        )
    return scorecard


def _places(items: QuerySet[Item], rows: dict[int, dict]) -> None:
    """Each row's levels and provinces: those of every body responsible, group wordings
    counted for each member (agencies.geography)."""
    places = geography.places()
    for row in rows.values():
        row["levels"], row["provinces"] = set(), set()
    for item_id, agency_id in Responsibility.objects.filter(
        item__in=items, agency__isnull=False
    ).values_list("item_id", "agency_id"):
        levels, provinces = places[agency_id]
        rows[item_id]["levels"] |= levels
        rows[item_id]["provinces"] |= provinces
    for row in rows.values():
        row["levels"] = sorted(row["levels"])
        row["provinces"] = sorted(row["provinces"])


def _priority_of(items: QuerySet[Item], rows: dict[int, dict]) -> None:
    """Each row's priorities, as "NISP-2018 3" (the exceptions rank priority items first)."""
    for row in rows.values():
        row["priority"] = []
    links = Item.priorities.through.objects.filter(planitem__in=items).order_by("priority__rank")
    for item_id, code, number in links.values_list(
        "planitem_id", "priority__policy__code", "priority__rank"
    ):
        rows[item_id]["priority"].append(f"{code} {number}")


def _by_place(rows: list[dict], field: str, choices) -> list[dict]:
    """The summary per level or province; an item counts for each of its places."""
    return [
        {"key": key, "name": label, **_summary([row for row in rows if key in row[field]])}
        for key, label in choices
    ]


def _pillars(policy: Policy | None) -> dict[int, dict]:
    """Each theme's top-level ancestor (a NISP pillar, an NSP section), by theme id."""
    themes = Theme.objects.all() if policy is None else Theme.objects.filter(policy=policy)
    by_id = {t["pk"]: t for t in themes.values("pk", "key", "name", "parent_id")}

    def top(theme: dict) -> dict:
        while theme["parent_id"] is not None:
            theme = by_id[theme["parent_id"]]
        return {"key": theme["key"], "name": theme["name"]}

    return {pk: top(theme) for pk, theme in by_id.items()}


# --- the summaries -------------------------------------------------------------------------


def _counts(rows: Iterable[dict], key: str = "status") -> dict[str, int]:
    counts = Counter(row[key] for row in rows)
    return {status: counts.get(status, 0) for status in STATUS_KEYS}


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _summary(rows: list[dict]) -> dict:
    by_status = _counts(rows)
    before = _counts(rows, "previous_status")
    total = len(rows)
    good = sum(by_status[s] for s in GOOD)
    good_before = sum(before[s] for s in GOOD)
    return {
        "items": total,
        "by_status": by_status,
        "good": good,
        "good_share": _share(good, total),
        "previous_good_share": _share(good_before, total),
        "change": round(_share(good, total) - _share(good_before, total), 1),
        "reported": sum(row["reported"] for row in rows),
        "reported_share": _share(sum(row["reported"] for row in rows), total),
        # Reported late (reporting.status.is_late) by at least one agency.
        "late": sum(any(late for _, late in row["reports"].values()) for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
        "no_due_date": sum(row["no_due_date"] for row in rows),
        "money": _money_totals(rows),
    }


def _grouped_count(rows: list[dict], field: str) -> list[dict]:
    return [
        {"key": code, "count": sum(row[field] for row in members)}
        for (code, _), members in _group_by(rows, lambda r: (r["policy"], r["policy_title"]))
    ]


def _overdue_ref(row: dict) -> dict:
    """An overdue item with what makes it so: the due date in force and where it came from."""
    revision = row["plan_revision"]
    return {
        **_ref(row),
        "due_date": row["due_date"],
        "due_from": f"revision {revision}" if revision else "the source",
        "status": row["status"],
        "is_sample": row["plan_is_sample"],
    }


def _plan_used(rows: list[dict], indicators: list[dict], quarter: Quarter) -> dict:
    """Which baseline revisions the figures used, so a frozen report names the plan it was
    measured against (the plan in force on the quarter's last day)."""
    used = sorted(row["plan_revision_id"] for row in rows if row["plan_revision_id"])
    targets = sorted(row["plan_revision_id"] for row in indicators if row["plan_revision_id"])
    return {
        "as_of": quarter.end.isoformat(),
        "item_revision_ids": used,
        "indicator_revision_ids": targets,
        "items_revised": len(used),
        "contains_sample": any(row["plan_is_sample"] for row in rows),
    }


def _grouped(rows: list[dict], key_of) -> list[dict]:
    return [
        {"key": key, "name": name, **_summary(members)}
        for (key, name), members in _group_by(rows, key_of)
    ]


def _priorities(policy: Policy | None, items: QuerySet[Item], rows: dict[int, dict]) -> list[dict]:
    priorities = Priority.objects.select_related("policy").order_by("policy__position", "rank")
    if policy is not None:
        priorities = priorities.filter(policy=policy)
    members: dict[int, list[dict]] = defaultdict(list)
    links = Item.priorities.through.objects.filter(priority__in=priorities, planitem__in=items)
    for priority_id, item_id in links.values_list("priority_id", "planitem_id"):
        members[priority_id].append(rows[item_id])
    return [
        {
            "policy": priority.policy.code,
            "rank": priority.rank,
            "prong": priority.prong,
            "text": priority.text,
            "refs": [row["ref"] for row in members[priority.pk]],
            **_summary(members[priority.pk]),
        }
        for priority in priorities
    ]


def _timeline(policy: Policy | None, rows: list[dict]) -> list[dict]:
    """Per policy, its period and its items grouped by term and window of years, so a chart
    can set each group against the policy's period and today (one query for all policies)."""
    policies = [policy] if policy else list(Policy.objects.order_by("position", "code"))
    timeline = []
    for each in policies:
        mine = [row for row in rows if row["policy"] == each.code]
        windows = _group_by(
            mine,
            lambda r: (r["term"], r["term_label"], r["start_year"], r["end_year"]),
        )
        timeline.append(
            {
                "policy": each.code,
                "title": each.title,
                "start_year": each.start_year,
                "end_year": each.end_year,
                "windows": [
                    {
                        "term": term,
                        "term_label": label,
                        "start_year": start,
                        "end_year": end,
                        **_summary(members),
                    }
                    for (term, label, start, end), members in sorted(windows, key=_window_order)
                ],
            }
        )
    return timeline


def _window_order(window: tuple[tuple, list[dict]]) -> tuple:
    (term, _, start, end), _ = window
    return (TERM_ORDER.index(term), start or 0, end or 9999)


def _trend(items: QuerySet[Item], quarter: Quarter, rows: dict[int, dict]) -> list[dict]:
    """Status counts at the end of each of the last quarters, from one read of the items'
    approved updates in period order (a status query per quarter cost a correlated subquery
    per item each: seconds at 100 times the plan)."""
    past = quarter.last(TREND_QUARTERS)[:-1]
    counts = [dict.fromkeys(STATUS_KEYS, 0) for _ in past]
    # Oldest first, so the last one begun by a quarter's end is its status then; the same
    # order as the latest-approved reads, reversed.
    updates = (
        ProgressUpdate.objects.filter(
            item__in=items, state=ProgressUpdate.State.APPROVED, period__start__lte=past[-1].end
        )
        .order_by("item_id", "period__start", "reviewed_at", "pk")
        .values_list("item_id", "period__start", "status")
    )
    for _, history in groupby(updates.iterator(chunk_size=10_000), key=itemgetter(0)):
        history = list(history)
        for index, past_quarter in enumerate(past):
            begun = [status for _, start, status in history if start <= past_quarter.end]
            if begun:
                counts[index][begun[-1]] += 1
    trend = []
    for past_quarter, by_status in zip(past, counts, strict=True):
        by_status[NOT_REPORTED] = len(rows) - sum(by_status.values())
        trend.append(_trend_point(past_quarter, by_status))
    trend.append(_trend_point(quarter, _counts(rows.values())))
    return trend


def _trend_point(quarter: Quarter, counts: dict[str, int]) -> dict:
    total = sum(counts.values())
    good = sum(counts[s] for s in GOOD)
    return {"quarter": quarter.label, "by_status": counts, "good_share": _share(good, total)}


def _is_falling(row: dict) -> bool:
    before, now = row["previous_confidence"], row["confidence"]
    return bool(before and now) and CONFIDENCE_RANK[now] > CONFIDENCE_RANK[before]


def _is_newly_completed(row: dict) -> bool:
    return row["status"] == Status.COMPLETED and row["previous_status"] != Status.COMPLETED


def _attention_reasons(row: dict) -> list[dict]:
    """Keys and values only; committee.labels.reason_text words them in the reader's language."""
    reasons = []
    if row["status"] in AT_RISK:
        reasons.append({"code": "status", "status": row["status"]})
    if row["confidence"] in WEAK_CONFIDENCE:
        reasons.append({"code": "confidence", "confidence": row["confidence"]})
    elif _is_falling(row):
        reasons.append(
            {"code": "confidence_fell", "from": row["previous_confidence"], "to": row["confidence"]}
        )
    if row["overdue"]:
        reasons.append({"code": "overdue", "due_date": row["due_date"]})
    return reasons


def _attention(rows: list[dict]) -> list[dict]:
    """Items off track, each with the responsible agency's own explanation and next steps.

    Items merely not reported are listed apart: they have no explanation to show.
    """
    attention = []
    for row in rows:
        reasons = _attention_reasons(row)
        if reasons:
            attention.append(
                {
                    **_ref(row),
                    "reasons": reasons,
                    "status": row["status"],
                    "confidence": row["confidence"],
                    "agencies": row["lead"] or row["agencies"],
                    "reported_by": row["reported_by"],
                    "explanation": row["confidence_rationale"] or row["narrative"],
                    "challenges": row["challenges"],
                    "next_steps": row["next_steps"],
                    "last_approved": row["last_approved"],
                    "is_sample": row["is_sample"],
                }
            )
    # Most reasons first; within that, plan order.
    return sorted(attention, key=lambda entry: -len(entry["reasons"]))


def _changes(rows: list[dict]) -> dict:
    changed = [
        {**_ref(row), "from": row["previous_status"], "to": row["status"]}
        for row in rows
        if row["status"] != row["previous_status"]
    ]
    return {"count": len(changed), "items": changed[:LIST_LIMIT]}


def _texts(rows: list[dict], chosen, field: str) -> dict:
    picked = [
        {**_ref(row), "agency": row["reported_by"], "text": row[field][:SUMMARY_TEXT]}
        for row in rows
        if chosen(row) and row[field]
    ]
    return {"count": len(picked), "items": picked[:LIST_LIMIT]}


def _indicators(items: QuerySet[Item], quarter: Quarter) -> list[dict]:
    """Each indicator with a target or an actual, against its latest approved actual."""
    actuals = {}
    ranked = (
        IndicatorValue.objects.filter(
            indicator__item__in=items,
            update__state=ProgressUpdate.State.APPROVED,
            update__period__start__lte=quarter.end,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id")],
                order_by=[
                    F(f"update__{name.lstrip('-')}").desc() for name in status.LATEST_APPROVED_ORDER
                ],
            )
        )
        .filter(rank=1)
        .values("indicator_id", "number", "text", "update__period__label")
    )
    for value in ranked:
        actuals[value["indicator_id"]] = value
    indicators = (
        Indicator.objects.filter(item__in=items)
        .order_by("item__policy__position", "item__position", "position")
        .values(
            "pk", "item_id", "item__policy__code", "item__ref", "description", "measure", "unit",
            "baseline", "target", "target_date",
        )
    )  # fmt: skip
    # Targets as they stood on the quarter's last day.
    plan = baselines.indicator_revisions_in_force(
        Indicator.objects.filter(item__in=items), quarter.end
    )
    rows = []
    for indicator in indicators:
        revision = plan.get(indicator["pk"])
        if revision:
            indicator = {**indicator, **{k: revision[k] for k in _INDICATOR_PLAN}}
        if indicator["target"] is None and indicator["pk"] not in actuals:
            continue  # nothing to set against anything
        actual = actuals.get(indicator["pk"], {})
        number = _money(actual.get("number"))
        target = _money(indicator["target"])
        progress = baselines.progress_toward_target(
            actual=number,
            target=target,
            baseline=indicator["baseline"],
            direction=indicator.get("direction", ""),
        )
        rows.append(
            {
                "id": indicator["item_id"],
                "policy": indicator["item__policy__code"],
                "ref": indicator["item__ref"],
                "description": indicator["description"],
                "unit": indicator["unit"],
                "baseline": _money(indicator["baseline"]),
                "target": target,
                "actual": number if number is not None else actual.get("text", ""),
                "as_of": actual.get("update__period__label", ""),
                "share_of_target": _share(number, target)
                if number is not None and target
                else None,
                "direction": indicator.get("direction", ""),
                "baseline_date": _date(indicator.get("baseline_date")),
                "target_date": _date(indicator["target_date"]),
                "progress": progress,
                "plan_revision": revision["number"] if revision else None,
                "plan_revision_id": revision["pk"] if revision else None,
            }
        )
    return rows


def _budget(rows: list[dict]) -> dict:
    """Allocated as the plan states it; released and spent as each item's latest approved
    update reports them (cumulative to date)."""
    by_policy = []
    for (code, title), members in _group_by(rows, lambda r: (r["policy"], r["policy_title"])):
        by_policy.append({"key": code, "name": title, **_money_totals(members)})
    return {"by_policy": by_policy, **_money_totals(rows)}


def _money_totals(rows: list[dict]) -> dict:
    def total(field: str) -> float:
        return round(sum(row[field] or 0 for row in rows), 2)

    kinds = Counter(row["budget_kind"] for row in rows)
    released, spent = total("budget_released"), total("budget_spent")
    return {
        # The allocation in force (a revision, else the source's amount).
        "allocated": total("allocation"),
        "allocated_in_source": total("budget_amount"),
        "utilisation": _share(spent, released) if released else None,
        "flagged": sum(bool(row["budget_flags"]) for row in rows),
        "released": total("budget_released"),
        "spent": total("budget_spent"),
        "items_with_amount": kinds.get(Item.BudgetKind.AMOUNT, 0),
        "items_by_budget_kind": {kind: kinds.get(kind, 0) for kind in Item.BudgetKind.values},
    }


def _group_by(rows: list[dict], key_of) -> list[tuple[tuple, list[dict]]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(key_of(row), []).append(row)
    return list(groups.items())


# --- shapes --------------------------------------------------------------------------------


def _ref(row: dict) -> dict:
    return {"id": row["id"], "policy": row["policy"], "ref": row["ref"], "text": row["text"]}


def _annex_row(row: dict) -> dict:
    return {
        **_ref(row),
        "pillar": row["pillar"]["name"],
        "term": row["term"],
        "timeline": row["timeline"],
        "lead": row["lead"],
        "agencies": row["agencies"],
        "status": row["status"],
        "previous_status": row["previous_status"],
        "percent": row["percent"],
        "confidence": row["confidence"],
        "last_approved": row["last_approved"],
        "last_period": row["last_period"],
        "reported": row["reported"],
        "overdue": row["overdue"],
        "levels": row["levels"],
        "provinces": row["provinces"],
        "budget_kind": row["budget_kind"],
        "budget_amount": row["budget_amount"],
        "budget_released": row["budget_released"],
        "budget_spent": row["budget_spent"],
        "allocation": row["allocation"],
        "utilisation": row["utilisation"],
        "budget_flags": row["budget_flags"],
        "due_date": row["due_date"],
        "no_due_date": row["no_due_date"],
        "plan_revision": row["plan_revision"],
        "is_sample": row["is_sample"],
        "is_synthetic": row["is_synthetic"],
    }


def _quarter(quarter: Quarter) -> dict:
    return {
        "label": quarter.label,
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
    }


def _scope_title(policy: Policy | None) -> str:
    return policy.title if policy else gettext("All policies")


def _date(value: datetime.date | datetime.datetime | None) -> str | None:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
