"""Sample sensitivity for the demo: no source marks sensitivity, so the loader leaves every item
official. The demo secretary publishes the items of the two published plans (NAP 2014 and NISP
2018 are public documents) and restricts a few NISP 2018 intelligence-coordination items (the
Joint Intelligence Directorate, the threat assessment, the national databank, the grading of
intelligence reports), each change with a reason saying it is sample data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from agencies.models import User
from interventions import services
from interventions.models import PlanItem, Sensitivity

SAMPLE_REASON = "Sample data (seed_demo): not a decision of the committee."
PUBLISHED_POLICIES = ("NAP-2014", "NISP-2018")
# NISP 2018 Annex A rows on intelligence coordination (fixtures: rows 4, 5, 5a, 5b, 8).
RESTRICTED_REFS = ("4", "unnumbered after 4", "5", "5a", "5b", "8")


@dataclass
class SensitivityCounts:
    public: int = 0
    restricted: int = 0


def _set(secretary: User, items, level: str) -> int:
    try:
        changed = services.item_sensitivity_set(
            user=secretary, items=items, sensitivity=level, reason=SAMPLE_REASON
        )
    except ValidationError:  # already so: a rerun
        return 0
    return len(changed)


@transaction.atomic
def sample_sensitivity_ensure(*, secretary: User) -> SensitivityCounts:
    real = PlanItem.objects.filter(is_synthetic=False)
    restricted = real.filter(policy__code="NISP-2018", ref__in=RESTRICTED_REFS)
    published = real.filter(policy__code__in=PUBLISHED_POLICIES).exclude(
        pk__in=restricted.values("pk")
    )
    return SensitivityCounts(
        public=_set(secretary, list(published), Sensitivity.PUBLIC),
        restricted=_set(secretary, list(restricted), Sensitivity.RESTRICTED),
    )


@transaction.atomic
def sample_sensitivity_remove(*, secretary: User | None) -> int:
    """Items whose level was last set as sample data back to official, the loader's level;
    a level the secretary set since is left alone."""
    items = [
        item
        for item in PlanItem.objects.exclude(sensitivity=Sensitivity.OFFICIAL)
        if SAMPLE_REASON in (item.history.first().history_change_reason or "")
    ]
    if not items or secretary is None:
        return 0
    changed = services.item_sensitivity_set(
        user=secretary,
        items=items,
        sensitivity=Sensitivity.OFFICIAL,
        reason="Sample data removed (remove_sample_data).",
    )
    return len(changed)
