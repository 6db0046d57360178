"""Data gaps the dashboard counts: what the sources leave open, not what people failed to do."""

from __future__ import annotations

from interventions.models import PlanItem


def items_without_owner_count() -> int:
    """Real items whose source names no lead and to which nobody has assigned one."""
    return PlanItem.objects.filter(is_synthetic=False).without_owner().count()
