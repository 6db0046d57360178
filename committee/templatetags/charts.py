"""Chart tags: each renders its SVG and, after it, the same figures as a table.

The dashboard passes `links` (a group's item-list query) to make each count a link to the
items behind it; the quarterly report passes none and gets plain figures.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committee import charts
from committee.figures import STATUS_LABELS

register = template.Library()


def _group_label(group: dict, label: str) -> str:
    key = group.get("key") or group.get("code") or ""
    if label == "key":
        return key
    if label == "name":
        return group["name"]
    return f"{key} {group['name']}".strip()


def _link(query: str | None, **more: str) -> str:
    """The item list filtered by `query` (already encoded) and `more`; "" without a query."""
    if query is None:
        return ""
    parts = [part for part in (query, urlencode(more)) if part]
    return f"{reverse('reporting:item_list')}?{'&'.join(parts)}"


@register.inclusion_tag("committee/includes/status_chart.html")
def status_chart(
    groups: list[dict],
    statuses: list[dict],
    *,
    title: str,
    description: str = "",
    label: str = "both",
    heading: str = "",
    links: dict[str, str] | None = None,
) -> dict:
    """Stacked bars of items by status per group (policy, pillar, agency), then its table.

    `links` maps a group's key to its item-list query (policy=…&theme=…)."""
    columns = charts.ordered_statuses(statuses)
    rows = []
    for group in groups:
        key = group.get("key") or group.get("code")
        query = (links or {}).get(key)
        rows.append(
            {
                "label": _group_label(group, label),
                "name": group["name"],
                "by_status": group["by_status"],
                "cells": [
                    {
                        "count": group["by_status"].get(column["key"], 0),
                        "url": _link(query, status=column["key"]),
                    }
                    for column in columns
                ],
                "total": sum(group["by_status"].values()),
                "total_url": _link(query),
            }
        )
    description = description or ngettext(
        "Items by status for each of %(count)s row; the table that follows gives the counts.",
        "Items by status for each of %(count)s rows; the table that follows gives the counts.",
        len(rows),
    ) % {"count": len(rows)}
    return {
        "svg": charts.status_bars(rows, statuses, title=title, description=description),
        "title": title,
        "heading": heading,
        "columns": columns,
        "rows": rows,
    }


@register.inclusion_tag("committee/includes/trend_chart.html")
def trend_chart(trend: list[dict], statuses: list[dict], *, title: str) -> dict:
    """Items by status at the end of each quarter, then the same as a table."""
    columns = charts.ordered_statuses(statuses)
    description = _(
        "Items by status at the end of each of the %(count)s quarters up to %(last)s, with the "
        "share on track or completed above each column; the table that follows gives the counts."
    ) % {"count": len(trend), "last": trend[-1]["quarter"] if trend else _("the chosen one")}
    rows = [
        {
            "quarter": point["quarter"],
            "counts": [point["by_status"].get(column["key"], 0) for column in columns],
            "total": sum(point["by_status"].values()),
            "good_share": point["good_share"],
        }
        for point in trend
    ]
    return {
        "svg": charts.trend_bars(trend, statuses, title=title, description=description),
        "title": title,
        "columns": columns,
        "rows": rows,
    }


@register.inclusion_tag("committee/includes/timeline_chart.html")
def timeline_chart(
    timeline: list[dict], *, today_year: int, title: str, linked: bool = False
) -> dict:
    """Items by term and window of years against each policy's period, overdue ones counted;
    then the same as a table (overdue counts linked to the item list when `linked`)."""
    rows = [
        {
            **window,
            "policy": policy["policy"],
            "url": _link(
                f"policy={policy['policy']}&term={window['term']}&overdue=true" if linked else None
            ),
        }
        for policy in timeline
        for window in policy["windows"]
    ]
    description = _(
        "%(count)s groups of items by term and window of years, drawn against each policy's "
        "period and the current year %(year)s; the table that follows gives the counts."
    ) % {"count": len(rows), "year": today_year}
    svg = charts.timeline_bars(
        timeline, today_year=today_year, title=title, description=description
    )
    return {"svg": svg, "title": title, "rows": rows}


@register.filter
def status_counts(by_status: dict[str, int]) -> list[dict]:
    """The statuses with items, in chart order: [{key, label, count}]."""
    return [
        {"key": key, "label": STATUS_LABELS[key], "count": by_status[key]}
        for key in charts.STATUS_ORDER
        if by_status.get(key)
    ]
