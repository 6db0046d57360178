"""A quarterly report measures against the plan in force on the quarter's last day and names
the revisions it used in its frozen snapshot (issue 18)."""

import datetime

import pytest
import time_machine

from committee.reports import generation, services
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem, Policy
from tests.factories import ProgressUpdateFactory, quarter_period

pytestmark = pytest.mark.django_db

TZ = datetime.UTC


def at(day: str):
    return time_machine.travel(
        datetime.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), tick=False
    )


def set_due(people, item, day: str):
    request = plan_services.change_request_propose(
        user=people["secretary"], item=item,
        values={"due_date": datetime.date.fromisoformat(day)}, reason="Committee timeline",
    )  # fmt: skip
    return plan_services.change_request_approve(
        user=people["secretary"], request=request, authority="ACIS 2027Q1, decision 4"
    )


def test_the_report_snapshot_names_the_revision_it_used(people, mailoutbox):
    nisp = Policy.objects.get(code="NISP-2018")
    item = PlanItem.objects.filter(policy=nisp).order_by("position")[1]
    ProgressUpdateFactory(item=item, period=quarter_period("NISP-2018", "2027Q1"))
    with at("2027-02-10"):
        first = set_due(people, item, "2027-03-15")
    with at("2027-05-02"):
        later = set_due(people, item, "2028-03-15")  # after 2027Q1: not the plan then
        report = services.report_request(
            user=people["secretary"], quarter=Quarter.parse("2027Q1"), policy=nisp
        )
        report = generation.report_generate(report.pk)
    plan = report.snapshot["plan"]
    assert plan["as_of"] == "2027-03-31"
    assert plan["item_revision_ids"] == [first.pk]
    assert later.pk not in plan["item_revision_ids"]
    [row] = [r for r in report.snapshot["annex"] if r["id"] == item.pk]
    assert (row["due_date"], row["plan_revision"], row["no_due_date"]) == ("2027-03-15", 1, False)
    assert [r["id"] for r in report.snapshot["overdue"]] == [item.pk]
    assert report.snapshot["totals"]["no_due_date"] == nisp.items.count() - 1
