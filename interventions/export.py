"""The open-data shape of the plan: `export_plan` writes it and the API's items follow it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

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


def items_for_export() -> QuerySet[PlanItem]:
    """Items with everything their representation needs, in a fixed number of queries."""
    return PlanItem.objects.select_related("policy", "parent", "theme").prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related("agency").order_by("position"),
        ),
        Prefetch("indicators", queryset=Indicator.objects.order_by("position")),
        Prefetch("priorities", queryset=Priority.objects.order_by("rank")),
        Prefetch("links_out", queryset=ItemLink.objects.select_related("to_item__policy")),
        Prefetch("links_in", queryset=ItemLink.objects.select_related("from_item__policy")),
        Prefetch("budget_determined_by", queryset=Agency.objects.only("code")),
    )


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


def item_as_dict(item: PlanItem, paths: dict[int, list[str]]) -> dict[str, Any]:
    links = [
        {"policy": link.to_item.policy.code, "ref": link.to_item.ref, "relation": link.relation}
        for link in item.links_out.all()
    ] + [
        {"policy": link.from_item.policy.code, "ref": link.from_item.ref, "relation": link.relation}
        for link in item.links_in.all()
    ]
    return {
        "policy": item.policy.code,
        "ref": item.ref,
        "parent_ref": item.parent.ref if item.parent_id else None,
        "kind": item.kind,
        "theme": paths.get(item.theme_id, []),
        "text": item.text,
        "responsibilities": [
            {"agency": r.agency.code, "role": r.role, "as_written": r.as_written}
            for r in item.responsibilities.all()
        ],
        "indicators": [
            {
                "description": i.description,
                "unit": i.unit,
                "baseline": _number(i.baseline),
                "target": _number(i.target),
            }
            for i in item.indicators.all()
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
            "determined_by": [a.code for a in item.budget_determined_by.all()],
        },
        "priority": [p.rank for p in item.priorities.all()],
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
        "items": [item_as_dict(item, paths) for item in items_for_export()],
    }
