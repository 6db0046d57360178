"""Sample due dates and targets for the demo: proposed and approved through the same services
as a committee decision, so the demo shows the whole path, and always marked.

The sources set no due date for Annex A and no baseline or target for any indicator; nothing
here may pass for policy data. Every request and revision made here has `is_sample=True`, a
reason starting "Sample data:" and an authority naming seed_demo, never a committee.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agencies.models import User
from core.data_version import data_version_bump
from interventions import services
from interventions.models import (
    BaselineRevision,
    ChangeRequest,
    Direction,
    Indicator,
    PlanItem,
)

SAMPLE_AUTHORITY = "Sample data (seed_demo): no committee decision"
DUE_REASON = "Sample data: a demonstration due date, not a committee decision."
TARGET_REASON = "Sample data: a demonstration baseline and target, not a committee decision."
# Every sixth item of each policy gets a due date; of those, one in six lies in the past, so
# with the demo data a few items are overdue (each explained by its due date and the sample
# revision that set it) and most still have no due date set: the data gap the demo shows.
EVERY_NTH_ITEM = 6
DUE_OFFSETS_DAYS = (-120, 90, 180, 365, 540, 730)
TARGETED_INDICATORS = 12


@dataclass(frozen=True)
class SamplePlanCounts:
    due_dates: int
    targets: int


def _secretary() -> User:
    secretary = User.objects.filter(role=User.Role.COMMITTEE_SECRETARY).order_by("pk").first()
    if secretary is None:
        raise LookupError("No committee secretary: create the demo accounts first.")
    return secretary


@transaction.atomic
def sample_plan_ensure(*, today: datetime.date | None = None) -> SamplePlanCounts:
    """Propose and approve sample due dates and indicator targets, once (a rerun adds none)."""
    if BaselineRevision.objects.filter(is_sample=True).exists():
        return SamplePlanCounts(due_dates=0, targets=0)
    today = today or timezone.localdate()
    secretary = _secretary()
    due = 0
    items = PlanItem.objects.filter(is_synthetic=False).order_by("policy__position", "position")
    for index, item in enumerate(items):
        if index % EVERY_NTH_ITEM:
            continue
        offset = DUE_OFFSETS_DAYS[(index // EVERY_NTH_ITEM) % len(DUE_OFFSETS_DAYS)]
        _approve(
            secretary,
            item=item,
            values={"due_date": today + datetime.timedelta(days=offset)},
            reason=DUE_REASON,
        )
        due += 1
    indicators = Indicator.objects.filter(
        item__is_synthetic=False, measure=Indicator.Measure.NUMBER
    ).select_related("item")
    targets = 0
    for indicator in indicators.order_by("item__policy__position", "item__position", "position")[
        :TARGETED_INDICATORS
    ]:
        _approve(
            secretary,
            item=indicator.item,
            indicator=indicator,
            values={
                "unit": "count (sample)",
                "baseline": Decimal(0),
                "baseline_date": today - datetime.timedelta(days=365),
                "target": Decimal(40),
                "target_date": today + datetime.timedelta(days=365),
                "direction": Direction.HIGHER,
            },
            reason=TARGET_REASON,
        )
        targets += 1
    return SamplePlanCounts(due_dates=due, targets=targets)


def _approve(secretary: User, *, item, values, reason, indicator=None) -> None:
    request = services.change_request_propose(
        user=secretary,
        item=item,
        indicator=indicator,
        values=values,
        reason=reason,
        authority=SAMPLE_AUTHORITY,
        is_sample=True,
    )
    services.change_request_approve(user=secretary, request=request)


@transaction.atomic
def sample_plan_remove() -> int:
    """Delete every sample revision and request (and the requests' history). Returns how many
    revisions were removed; the committee's own are untouched."""
    revisions = BaselineRevision.objects.filter(is_sample=True)
    removed = revisions.count()
    revisions.delete()
    ChangeRequest.history.filter(is_sample=True).delete()
    ChangeRequest.objects.filter(is_sample=True).delete()
    data_version_bump()
    return removed
