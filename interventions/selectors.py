"""Reads of the plan, each owning its joins so pages and the API stay at a fixed query count."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from interventions.models import Policy


def policies_with_counts() -> QuerySet[Policy]:
    return Policy.objects.annotate(item_count=Count("items")).order_by("position", "code")
