"""The open-data shape of the plan: `export_plan` writes it and the API's items follow it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from agencies.models import Agency
from interventions.models import (
    Indicator,
    ItemLink,
    PlanItem,
    Policy,
    Priority,
    Responsibility,
    Theme,
)


def source_of(record) -> dict[str, Any]:
    return {"file": record.source_file, "lines": record.source_lines}


def items_for_export(indicators: QuerySet[Indicator] | None = None) -> QuerySet[PlanItem]:
    """Items with everything their representation needs but links (see `with_links`), in a
    fixed number of queries. `indicators` may carry extra annotations (the API's actuals).

    The lists go to plain attributes (`to_attr`): a prefetch into the related managers builds
    a queryset per item and per relation, which was a third of the API list's time.
    """
    return PlanItem.objects.select_related("policy", "parent", "theme").prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related("agency").order_by("position"),
            to_attr="listed_responsibilities",
        ),
        Prefetch(
            "indicators",
            queryset=(indicators if indicators is not None else Indicator.objects).order_by(
                "position"
            ),
            to_attr="listed_indicators",
        ),
        Prefetch(
            "priorities", queryset=Priority.objects.order_by("rank"), to_attr="listed_priorities"
        ),
        Prefetch(
            "budget_determined_by",
            queryset=Agency.objects.only("code"),
            to_attr="listed_budget_bodies",
        ),
    )


def with_links(items: Iterable[PlanItem]) -> list[PlanItem]:
    """Give each item its cross-policy links, both directions, from one query for all of them.

    Prefetching `links_out` and `links_in` separately would cost two; the API's item list
    has a budget of eight queries per request.
    """
    items = list(items)
    ids = [item.pk for item in items]
    links = ItemLink.objects.filter(Q(from_item__in=ids) | Q(to_item__in=ids)).select_related(
        "from_item__policy", "to_item__policy"
    )
    outgoing: dict[int, list[dict]] = defaultdict(list)
    incoming: dict[int, list[dict]] = defaultdict(list)
    for link in links:
        to, frm = link.to_item, link.from_item
        outgoing[frm.pk].append(
            {"policy": to.policy.code, "ref": to.ref, "relation": link.relation}
        )
        incoming[to.pk].append(
            {"policy": frm.policy.code, "ref": frm.ref, "relation": link.relation}
        )
    for item in items:
        item.crosswalk_links = outgoing[item.pk] + incoming[item.pk]
    return items


def theme_paths() -> dict[int, list[str]]:
    """Each theme's names from the root down, computed once for all items."""
    themes = {t.pk: t for t in Theme.objects.only("pk", "name", "parent_id")}
    paths: dict[int, list[str]] = {}
    for pk, theme in themes.items():
        path, node = [], theme
        while node is not None:
            path.append(node.name)
            node = themes.get(node.parent_id) if node.parent_id else None
        paths[pk] = path[::-1]
    return paths


def theme_path(theme: Theme | None) -> list[str]:
    """One theme's names from the root down, walking parents already joined by the query."""
    names = []
    while theme is not None:
        names.append(theme.name)
        theme = theme.parent if theme.parent_id else None
    return names[::-1]


def item_as_dict(item: PlanItem, paths: dict[int, list[str]]) -> dict[str, Any]:
    """An item from `items_for_export` in the open-data shape; links come from `with_links`."""
    links = item.crosswalk_links
    return {
        "policy": item.policy.code,
        "ref": item.ref,
        "parent_ref": item.parent.ref if item.parent_id else None,
        "kind": item.kind,
        "theme": paths.get(item.theme_id, []),
        "text": item.text,
        "responsibilities": [
            {"agency": r.agency.code, "role": r.role, "as_written": r.as_written}
            for r in item.listed_responsibilities
        ],
        "indicators": [
            {
                "description": i.description,
                "unit": i.unit,
                "baseline": _number(i.baseline),
                "target": _number(i.target),
            }
            for i in item.listed_indicators
        ],
        "timeline": {
            "term": item.term,
            "start_year": item.start_year,
            "end_year": item.end_year,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "as_written": item.timeline_as_written or None,
        },
        "budget": {
            "amount": _number(item.budget_amount),
            "currency": item.budget_currency,
            "as_written": item.budget_as_written or None,
            "kind": item.budget_kind,
            "determined_by": [a.code for a in item.listed_budget_bodies],
        },
        "priority": [p.rank for p in item.listed_priorities],
        "evidence": item.evidence or None,
        "links": links,
        "notes": item.notes,
        "source": source_of(item),
        "source_urls": item.source_urls,
        "authority": item.authority or None,
    }


def _number(value) -> float | None:
    return None if value is None else float(value)


def plan_as_dict() -> dict[str, Any]:
    paths = theme_paths()
    agencies = Agency.objects.select_related("parent").prefetch_related("aliases", "members")
    priorities = Priority.objects.select_related("policy").prefetch_related("items")
    return {
        "policies": [
            {
                "code": p.code,
                "title": p.title,
                "start_year": p.start_year,
                "end_year": p.end_year,
                "issuing_body": p.issuing_body.code if p.issuing_body else None,
                "oversight_body": p.oversight_body,
                "reporting_cadence": p.reporting_cadence,
                "review_cadence": p.review_cadence or None,
                "note": p.note,
                "source": source_of(p),
            }
            for p in Policy.objects.select_related("issuing_body")
        ],
        "agencies": [
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "aliases": [alias.alias for alias in a.aliases.all()],
                "level": a.level,
                "province": a.province or None,
                "parent": a.parent.code if a.parent else None,
                "members": [m.code for m in a.members.all()],
            }
            for a in agencies
        ],
        "priorities": [
            {
                "policy": p.policy.code,
                "prong": p.prong,
                "rank": p.rank,
                "text": p.text,
                "items": [i.ref for i in p.items.all()],
                "source": source_of(p),
            }
            for p in priorities
        ],
        "items": [item_as_dict(item, paths) for item in with_links(items_for_export())],
    }
