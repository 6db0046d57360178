"""A reason given for a change is kept whole on the record, however long (a ministry's reasons
cite letters and meetings): the history's change reason is text, not 100 characters."""

import pytest

from interventions import services as plan_services
from interventions.models import PlanItem

pytestmark = pytest.mark.django_db

LONG_REASON = (
    "Restricted on the advice of the Joint Intelligence Directorate, letter of 12 November "
    "2026, pending the committee's review at its next quarterly meeting; the agencies "
    "responsible keep reading and reporting it as before."
)


def test_a_long_reason_is_kept_whole_on_the_items_history(people):
    item = PlanItem.objects.filter(policy__code="NISP-2018").first()
    assert len(LONG_REASON) > 100
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=[item], sensitivity="restricted", reason=LONG_REASON
    )
    record = item.history.first()
    assert record.history_change_reason == f"Sensitivity set to restricted: {LONG_REASON}"
    assert record.history_user == people["secretary"]
