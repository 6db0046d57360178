"""Reads of the plan alone; what joins the plan to its progress is in reporting.selectors."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from interventions.models import Policy


def policies_with_counts() -> QuerySet[Policy]:
    return Policy.objects.annotate(item_count=Count("items")).order_by("position", "code")
