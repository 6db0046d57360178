"""The committee's numbers rest on one vocabulary (reporting.status): the compliance page, the
dashboard, the quarterly report and the reminders must count the same period the same way."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from committee.models import QuarterlyReport
from committee.reports import generation
from reporting.models import ProgressUpdate
from reporting.reminders import missing_items
from tests.factories import ProgressUpdateFactory

State = ProgressUpdate.State


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def every_case(period, people):
    """Six MoI items in one period: nothing, a draft, submitted, returned, approved, and
    approved but first submitted after the deadline (and resubmitted since)."""
    moi = Agency.objects.get(code="MOI")
    items = list(
        period.policy.items.filter(responsibilities__agency=moi).distinct().order_by("position")
    )[:6]
    on_time, late = _at(period.end), _at(period.deadline + datetime.timedelta(days=3))
    cases = {
        "draft": (State.DRAFT, None),
        "submitted": (State.SUBMITTED, on_time),
        "returned": (State.RETURNED, on_time),
        "approved": (State.APPROVED, on_time),
        "late": (State.APPROVED, late),
    }
    updates = {}
    for item, (name, (state, first)) in zip(items[1:], cases.items(), strict=True):
        updates[name] = ProgressUpdateFactory(
            item=item, period=period, agency=moi, author=people["officer"], state=state,
            submitted_at=first and first + datetime.timedelta(hours=1), first_submitted_at=first,
        )  # fmt: skip
    return {"moi": moi, "nothing": items[0], **updates}


def test_compliance_dashboard_report_and_reminders_count_alike(client, people, period, every_case):
    client.force_login(people["committee"])
    compliance = next(
        row
        for row in client.get(reverse("reporting:compliance"), {"period": period.pk}).context[
            "rows"
        ]
        if row["agency"].code == "MOI"
    )
    dashboard = next(
        row
        for row in client.get(
            reverse("committee:dashboard"), {"quarter": period.label, "policy": "NISP-2018"}
        ).context["figures"]["by_agency"]
        if row["code"] == "MOI"
    )
    report = QuarterlyReport.objects.create(
        quarter=period.label, scope="NISP-2018", version=1, requested_at=timezone.now()
    )
    snapshot = generation.report_generate(report.pk).snapshot
    in_report = next(row for row in snapshot["by_agency"] if row["code"] == "MOI")
    reminded = missing_items(period, every_case["moi"])

    expected = {"submitted": 1, "returned": 1, "approved": 2, "late": 1}
    for place in (compliance, dashboard, in_report):
        assert {name: place[name] for name in expected} == expected
    # Not reported: no update, or a draft only; the three places agree on it too.
    assert compliance["not_reported"] == dashboard["not_reported"] == in_report["not_reported"]
    assert compliance["owed"] == dashboard["owned"] == in_report["owned"]
    assert compliance["not_reported"] == compliance["owed"] - 4
    # Reminders go to what is not reported, and to what was returned, never to the rest.
    assert len(reminded) == compliance["not_reported"] + compliance["returned"]
    reminded_ids = {item.pk for item in reminded}
    assert {every_case["nothing"].pk, every_case["draft"].item_id} <= reminded_ids
    assert every_case["returned"].item_id in reminded_ids
    for name in ("submitted", "approved", "late"):
        assert every_case[name].item_id not in reminded_ids
