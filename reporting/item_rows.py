"""The API's plan items as plain rows: one `values()` statement for the page of items and one
per relation, no model instances.

Building a page from model instances (select_related, five prefetches, a serializer per item)
spent most of its time creating objects the answer never needed; dicts from `values()` give
the same payload (the shape of `interventions.export.item_as_dict` plus the id and progress,
`reporting.api.items.PlanItemSerializer` describes it for the schema) in a fraction of it.

    items = items_for_api(PlanItem.objects.all())    # or a queryset scoped to the user first
    items = ItemApiFilter(params, queryset=items).qs   # filters, ordering
    rows = item_rows(item_values(items)[:50])          # the page, each relation in one query

Queries: one for the page of items, then one each for responsibilities, indicators (with
their latest approved actual), priorities with budget bodies (one statement), and links,
whatever the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone
from rest_framework import serializers

from core.models import source_lines
from interventions.models import Indicator, ItemLink, PlanItem, Responsibility, item_visible
from reporting.selectors import with_changed_at
from reporting.status import with_current_status, with_latest_actual

ItemPriorities = PlanItem.priorities.through
ItemBudgetBodies = PlanItem.budget_determined_by.through

# What the page's one statement reads of each item (annotations included).
ITEM_COLUMNS = (
    "id", "policy__code", "ref", "parent__ref", "kind", "theme__name", "theme__parent__name",
    "theme__parent__parent__name", "text", "term", "start_year", "end_year", "due_date",
    "timeline_as_written", "budget_amount", "budget_currency", "budget_as_written",
    "budget_kind", "evidence", "notes", "source_file", "source_first_line", "source_last_line",
    "source_urls", "authority", "current_status", "current_percent", "last_approved_at",
    "current_is_sample", "is_synthetic", "sensitivity", "changed_at",
)  # fmt: skip
THEME_COLUMNS = ("theme__parent__parent__name", "theme__parent__name", "theme__name")
INDICATOR_COLUMNS = (
    "id", "item_id", "description", "unit", "baseline", "target", "measure",
    "latest_number", "latest_text", "latest_period", "latest_is_sample",
)  # fmt: skip

# The API's own timestamp format (the settings' DATETIME_FORMAT, the current time zone).
_DATETIME = serializers.DateTimeField()


def items_for_api(items: QuerySet[PlanItem] | None = None) -> QuerySet[PlanItem]:
    """The API's items before filtering, annotated with what the filters and the rows read
    (current status, due date in force, `changed_at`), in the plan's order.

    `items` is where scoping goes first: pass `PlanItem.objects.visible_to(user)` (or any
    queryset of items); the default is every item.
    """
    items = PlanItem.objects.all() if items is None else items
    return with_changed_at(with_current_status(items)).order_by("policy__position", "position")


def item_values(items: QuerySet[PlanItem]) -> QuerySet[dict]:
    """The (filtered, ordered) items as the dicts `item_rows` reads; slice it for a page."""
    return items.values(*ITEM_COLUMNS)


def item_rows(items: Iterable[dict], user=None) -> list[dict[str, Any]]:
    """Each item of `item_values` in the API's shape, its relations read in one query each;
    with `user`, links only to items the user reads (PlanItem.objects.visible_to)."""
    items = list(items)
    ids = [item["id"] for item in items]
    if not ids:
        return []
    responsibilities = _grouped(
        Responsibility.objects.filter(item_id__in=ids)
        .order_by("position")
        .values_list("item_id", "agency__code", "role", "as_written"),
        lambda agency, role, as_written: {"agency": agency, "role": role, "as_written": as_written},
    )
    indicators = defaultdict(list)
    for row in (
        with_latest_actual(Indicator.objects.filter(item_id__in=ids))
        .order_by("position")
        .values(*INDICATOR_COLUMNS)
    ):
        indicators[row["item_id"]].append(_indicator(row))
    priorities, budget_bodies = _priorities_and_budget_bodies(ids)
    links = _links(ids, user)
    return [
        _item(item, responsibilities, indicators, priorities, budget_bodies, links)
        for item in items
    ]


def _priorities_and_budget_bodies(ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """Each item's priority ranks (by rank) and budget bodies' codes (by code), from one
    statement: two short lists of the same items, so one round trip instead of two."""
    ranks = (
        ItemPriorities.objects.filter(planitem_id__in=ids)
        .annotate(kind=Value(1), rank=F("priority__rank"), code=Value(""))
        .values_list("planitem_id", "kind", "rank", "code")
    )
    bodies = (
        ItemBudgetBodies.objects.filter(planitem_id__in=ids)
        .annotate(kind=Value(2), rank=Value(0), code=F("agency__code"))
        .values_list("planitem_id", "kind", "rank", "code")
    )
    priorities: dict[int, list] = defaultdict(list)
    budget_bodies: dict[int, list] = defaultdict(list)
    for item_id, kind, rank, code in ranks.union(bodies, all=True).order_by("kind", "rank", "code"):
        if kind == 1:
            priorities[item_id].append(rank)
        else:
            budget_bodies[item_id].append(code)
    return priorities, budget_bodies


def _grouped(rows, shape) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for item_id, *values in rows:
        grouped[item_id].append(shape(*values))
    return grouped


def _links(ids: list[int], user=None) -> dict[int, list[dict]]:
    """Both directions, from one query: the item's outgoing links, then its incoming ones (the
    order of `interventions.export.with_links`); with `user`, only between items it reads."""
    outgoing: dict[int, list[dict]] = defaultdict(list)
    incoming: dict[int, list[dict]] = defaultdict(list)
    links = ItemLink.objects.filter(Q(from_item__in=ids) | Q(to_item__in=ids))
    if user is not None:
        links = links.filter(
            item_visible(user, "from_item_id", "from_item__"),
            item_visible(user, "to_item_id", "to_item__"),
        )
    for frm, to, relation, frm_policy, frm_ref, to_policy, to_ref in links.values_list(
        "from_item_id", "to_item_id", "relation", "from_item__policy__code", "from_item__ref",
        "to_item__policy__code", "to_item__ref",
    ):  # fmt: skip
        outgoing[frm].append({"policy": to_policy, "ref": to_ref, "relation": relation})
        incoming[to].append({"policy": frm_policy, "ref": frm_ref, "relation": relation})
    return {item_id: outgoing[item_id] + incoming[item_id] for item_id in ids}


def _indicator(row: dict) -> dict[str, Any]:
    latest = None
    if row["latest_period"] is not None:
        number = row["latest_number"]
        latest = {
            "period": row["latest_period"],
            "value": float(number) if number is not None else row["latest_text"],
            "is_sample": row["latest_is_sample"],
        }
    return {
        "description": row["description"],
        "unit": row["unit"],
        "baseline": _number(row["baseline"]),
        "target": _number(row["target"]),
        "id": row["id"],
        "measure": row["measure"],
        "latest_actual": latest,
    }


def _item(item: dict, responsibilities, indicators, priorities, budget_bodies, links) -> dict:
    pk = item["id"]
    approved_at = item["last_approved_at"]
    return {
        "id": pk,
        "policy": item["policy__code"],
        "ref": item["ref"],
        "parent_ref": item["parent__ref"],
        "kind": item["kind"],
        "theme": [item[name] for name in THEME_COLUMNS if item[name] is not None],
        "text": item["text"],
        "responsibilities": responsibilities.get(pk, []),
        "indicators": indicators.get(pk, []),
        "timeline": {
            "term": item["term"],
            "start_year": item["start_year"],
            "end_year": item["end_year"],
            "due_date": item["due_date"].isoformat() if item["due_date"] else None,
            "as_written": item["timeline_as_written"] or None,
        },
        "budget": {
            "amount": _number(item["budget_amount"]),
            "currency": item["budget_currency"],
            "as_written": item["budget_as_written"] or None,
            "kind": item["budget_kind"],
            "determined_by": budget_bodies.get(pk, []),
        },
        "priority": priorities.get(pk, []),
        "evidence": item["evidence"] or None,
        "links": links[pk],
        "notes": item["notes"],
        "source": {
            "file": item["source_file"],
            "lines": source_lines(item["source_first_line"], item["source_last_line"]),
        },
        "source_urls": item["source_urls"],
        "authority": item["authority"] or None,
        "current_status": item["current_status"],
        "percent_complete": item["current_percent"],
        "last_approved_update": (
            timezone.localdate(approved_at).isoformat() if approved_at else None
        ),
        "current_is_sample": bool(item["current_is_sample"]),
        "is_synthetic": item["is_synthetic"],
        "sensitivity": item["sensitivity"],
        "updated_at": _DATETIME.to_representation(item["changed_at"]),
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
