"""The services' batch (updates_apply) refuses a row for the reasons and with the codes the single
services refuse it, row by row: a refused row writes nothing and the others still apply."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from agencies.models import Agency
from core.errors import ConflictError
from reporting import services
from reporting.models import ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData

pytestmark = pytest.mark.django_db


def data(**overrides) -> UpdateData:
    values = {"status": "in_progress", "percent_complete": 30, "confidence": "green",
              "narrative": "From the batch."}  # fmt: skip
    return UpdateData(**{**values, **overrides})


def test_each_row_is_refused_as_the_single_services_refuse_it(people, moi_item, kp_item, period):
    officer, moi = people["officer"], Agency.objects.get(code="MOI")
    kp = Agency.objects.get(code="HD-KP")
    draft = services.update_create(user=officer, item=moi_item, period=period, data=data())
    services.update_edit(user=officer, update=draft, version=1, data=data(percent_complete=40))
    rows = [
        # Edited at the version read before someone else's save: stale.
        services.RowChange(item=moi_item, agency=moi, update=draft, version=1,
                           data=data(percent_complete=50)),
        # A second new draft of the same item for the same agency and period.
        services.RowChange(item=moi_item, agency=moi, data=data()),
        # Another agency's item.
        services.RowChange(item=kp_item, agency=kp, data=data()),
        # Completed means 100%.
        services.RowChange(item=moi_item, agency=moi, update=draft, version=2,
                           data=data(status="completed", percent_complete=90)),
    ]  # fmt: skip
    stale, duplicate, foreign, invalid = services.updates_apply(
        user=officer, period=period, changes=rows
    )
    assert isinstance(stale, ConflictError)
    assert stale.code == "stale_version"
    assert isinstance(duplicate, ConflictError)
    assert duplicate.code == "duplicate_update"
    assert isinstance(foreign, PermissionDenied)
    assert invalid.error_dict["percent_complete"][0].code == "percent_must_be_100_when_completed"
    draft.refresh_from_db()
    assert (draft.percent_complete, draft.version) == (40, 2)  # none of them wrote
    assert not ProgressUpdate.objects.filter(item=kp_item).exists()

    # The row at the current version applies, and is submitted as asked.
    [applied] = services.updates_apply(
        user=officer, period=period,
        changes=[services.RowChange(item=moi_item, agency=moi, update=draft, version=2,
                                    data=data(percent_complete=50), submit=True)],
    )  # fmt: skip
    draft.refresh_from_db()
    assert applied == draft
    assert (draft.percent_complete, draft.state, draft.version) == (50, "submitted", 4)
    assert draft.first_submitted_at is not None


def test_a_locked_period_refuses_every_row(people, moi_item, period):
    officer, moi = people["officer"], Agency.objects.get(code="MOI")
    ReportingPeriod.objects.filter(pk=period.pk).update(state=ReportingPeriod.State.LOCKED)
    [refused] = services.updates_apply(
        user=officer, period=period,
        changes=[services.RowChange(item=moi_item, agency=moi, data=data())],
    )  # fmt: skip
    assert isinstance(refused, ConflictError)
    with pytest.raises(ConflictError) as single:
        services.update_create(user=officer, item=moi_item, period=period, data=data())
    assert (refused.code, str(refused)) == (single.value.code, str(single.value))
    assert not ProgressUpdate.objects.exists()
