"""The report's "Decisions and actions since last quarter": the committee's action items as
they stand, frozen with the report like every other figure.

An action counts for a quarter when its decision was recorded by the quarter's end and it
was not already closed before the quarter began. *Closed* is done or dropped (the owner's
word, confirmed by the secretary or awaiting it); *overdue* is unfinished past its due date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from committee.models import ActionItem
from core.quarters import Quarter
from interventions.models import PlanItem

Status = ActionItem.Status
CLOSED = (Status.DONE, Status.DROPPED)


def _begin(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def follow_up(*, quarter: Quarter, items: QuerySet[PlanItem], today: datetime.date) -> dict:
    """The section's rows and counts. Actions on the scope's items, or on no item at all."""
    end = _begin(quarter.end + datetime.timedelta(days=1))
    actions = (
        ActionItem.objects.filter(decision__recorded_at__lt=end)
        .exclude(completed_at__lt=_begin(quarter.start))
        .filter(Q(decision__items__in=items) | Q(decision__items__isnull=True))
        .distinct()
        .select_related("owner", "decision__agenda_item__meeting")
        .order_by("owner__code", "due_date", "pk")
    )
    rows = []
    for action in actions:
        meeting = action.decision.agenda_item.meeting
        overdue = action.is_overdue_on(today)
        rows.append(
            {
                "id": action.pk,
                "text": action.text,
                "owner": action.owner.code,
                "owner_name": action.owner.name,
                "meeting": meeting.title,
                "meeting_date": meeting.date.isoformat(),
                "decision": action.decision.text,
                "due_date": action.due_date.isoformat(),
                "status": action.status,
                "status_label": action.get_status_display(),
                "closed": action.status in CLOSED,
                "confirmed": action.closed_at is not None,
                "overdue": overdue,
                "evidence": action.evidence,
                "drop_reason": action.drop_reason,
            }
        )
    by_agency: dict[str, dict] = defaultdict(
        lambda: {"closed": 0, "open": 0, "overdue": 0, "total": 0}
    )
    for row in rows:
        counts = by_agency[row["owner"]]
        counts["name"] = row["owner_name"]
        counts["total"] += 1
        counts["closed" if row["closed"] else "open"] += 1
        counts["overdue"] += row["overdue"]
    return {
        "count": len(rows),
        "closed": [row for row in rows if row["closed"]],
        "open": [row for row in rows if not row["closed"] and not row["overdue"]],
        "overdue": [row for row in rows if row["overdue"]],
        "by_agency": [{"code": code, **counts} for code, counts in sorted(by_agency.items())],
    }
