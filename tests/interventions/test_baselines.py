"""Targets, due dates and re-baselining (issue 18): every change through a request, on record,
and the figures measured against the plan in force at the time. The clock is frozen."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from committee.figures import committee_figures
from core.errors import ConflictError
from core.quarters import Quarter
from interventions import baselines, services
from interventions.loader import load_policies
from interventions.models import BaselineRevision, ChangeRequest, Direction, Indicator, PlanItem
from reporting.models import IndicatorValue
from tests.factories import ProgressUpdateFactory, quarter_period

pytestmark = pytest.mark.django_db

TZ = datetime.UTC


def at(day: str):
    """Freeze the clock at 10:00 on `day` (ISO)."""
    return time_machine.travel(
        datetime.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), tick=False
    )


@pytest.fixture
def indicator(moi_item):
    return Indicator.objects.create(
        item=moi_item, description="Test: units reoriented", measure=Indicator.Measure.NUMBER
    )


def approve(
    people, item, values, *, indicator=None, reason="Committee decision"
) -> BaselineRevision:
    request = services.change_request_propose(
        user=people["reviewer"], item=item, indicator=indicator, values=values, reason=reason
    )
    return services.change_request_approve(
        user=people["secretary"], request=request, authority="Advisory Committee 2027Q1, decision 4"
    )


# --- the workflow --------------------------------------------------------------------------


def test_first_baselining_goes_through_a_request_and_keeps_the_source_value(
    people, moi_item, indicator
):
    with at("2027-02-10"):
        request = services.change_request_propose(
            user=people["reviewer"],
            item=moi_item,
            indicator=indicator,
            values={"unit": "units", "baseline": 4, "target": 20, "direction": "higher"},
            reason="First baseline, agreed with MoI.",
        )
        assert request.state == "pending"
        assert baselines.indicator_revision_in_force(indicator, datetime.date(2027, 2, 10)) is None
        revision = services.change_request_approve(
            user=people["secretary"], request=request, authority="ACIS 2027Q1, decision 4"
        )
    assert (revision.number, revision.in_force_from) == (1, datetime.date(2027, 2, 10))
    assert (revision.unit, revision.baseline, revision.target) == ("units", 4, 20)
    assert (revision.proposed_by, revision.approved_by) == (people["reviewer"], people["secretary"])
    assert revision.authority == "ACIS 2027Q1, decision 4"
    indicator.refresh_from_db()
    assert (indicator.unit, indicator.target) == ("", None), "the source's values stay as loaded"
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("approved", people["secretary"])


def test_a_rebaseline_approved_adds_a_revision_and_keeps_the_first(people, moi_item, indicator):
    with at("2027-02-10"):
        first = approve(people, moi_item, {"target": 20, "unit": "units"}, indicator=indicator)
    with at("2027-08-01"):
        second = approve(people, moi_item, {"target": 30}, indicator=indicator, reason="Scaled up")
    assert second.number == 2
    assert (second.target, second.unit) == (30, "units"), "unchanged values carry over"
    assert [r.pk for r in baselines.revisions_of_item(moi_item)] == [first.pk, second.pk]
    assert baselines.indicator_values_in_force(indicator, datetime.date(2027, 5, 1))["target"] == 20
    assert baselines.indicator_values_in_force(indicator, datetime.date(2027, 8, 1))["target"] == 30


def test_a_rebaseline_rejected_changes_nothing_and_says_why(people, moi_item):
    with at("2027-02-10"):
        approve(people, moi_item, {"due_date": datetime.date(2027, 12, 31)})
        request = services.change_request_propose(
            user=people["reviewer"],
            item=moi_item,
            values={"due_date": datetime.date(2029, 12, 31)},
            reason="More time needed",
        )
        with pytest.raises(ValidationError, match="Say why"):
            services.change_request_reject(user=people["secretary"], request=request, note=" ")
        services.change_request_reject(
            user=people["secretary"], request=request, note="No case made for two more years."
        )
        with pytest.raises(ConflictError, match="already rejected"):
            services.change_request_approve(
                user=people["secretary"], request=request, authority="x"
            )
    request.refresh_from_db()
    assert (request.state, request.decision_note) == (
        "rejected",
        "No case made for two more years.",
    )
    values = baselines.item_values_in_force(moi_item, datetime.date(2027, 3, 1))
    assert values["due_date"] == datetime.date(2027, 12, 31)
    assert BaselineRevision.objects.filter(item=moi_item).count() == 1


def test_only_a_responsible_reviewer_or_the_secretary_proposes_and_only_the_secretary_decides(
    people, moi_item
):
    values, reason = {"due_date": datetime.date(2027, 12, 31)}, "Set a date"
    for who in ("officer", "outside_reviewer", "committee"):
        with pytest.raises(PermissionDenied):
            services.change_request_propose(
                user=people[who], item=moi_item, values=values, reason=reason
            )
    request = services.change_request_propose(
        user=people["reviewer"], item=moi_item, values=values, reason=reason
    )
    with pytest.raises(PermissionDenied):
        services.change_request_approve(user=people["reviewer"], request=request, authority="x")
    assert ChangeRequest.objects.get(pk=request.pk).state == "pending"


def test_bad_proposals_get_plain_errors_and_record_nothing(people, moi_item, indicator):
    cases = [
        ({"due_date": datetime.date(2027, 1, 1)}, "", "Say why"),
        ({"target": 5}, "x", "not a value of an item"),
        ({}, "x", "at least one"),
        ({"allocation": -5}, "x", "cannot be negative"),
    ]
    for values, reason, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.change_request_propose(
                user=people["reviewer"], item=moi_item, values=values, reason=reason
            )
    with pytest.raises(ValidationError, match="higher or lower"):
        services.change_request_propose(
            user=people["reviewer"],
            item=moi_item,
            indicator=indicator,
            values={"direction": "sideways"},
            reason="x",
        )
    request = services.change_request_propose(
        user=people["reviewer"],
        item=moi_item,
        values={"due_date": None, "allocation": 10},
        reason="x",
    )
    with pytest.raises(ValidationError, match="Name the decision"):
        services.change_request_approve(user=people["secretary"], request=request)
    assert ChangeRequest.objects.filter(state="pending").count() == 1
    assert not BaselineRevision.objects.exists()


def test_bulk_due_dates_record_one_approved_request_per_item_with_one_reason(people):
    items = list(PlanItem.objects.filter(policy__code="NISP-2018").order_by("position")[:5])
    with at("2027-02-10"):
        revisions = services.due_dates_set_in_bulk(
            user=people["secretary"],
            items=items,
            due_date=datetime.date(2028, 6, 30),
            reason="NISP 2018 carried forward",
            authority="ACIS 2027Q1, decision 2",
        )
    assert len(revisions) == 5
    requests = ChangeRequest.objects.filter(item__in=items)
    assert {r.state for r in requests} == {"approved"}
    assert len({r.batch for r in requests}) == 1
    assert {r.reason for r in revisions} == {"NISP 2018 carried forward"}
    with pytest.raises(PermissionDenied):
        services.due_dates_set_in_bulk(
            user=people["reviewer"], items=items, due_date=datetime.date(2029, 1, 1),
            reason="x", authority="y",
        )  # fmt: skip


# --- the figures against the plan in force -------------------------------------------------


def test_figures_for_an_earlier_quarter_use_the_earlier_target(people, moi_item, indicator):
    for label, number in (("2027Q1", 10), ("2027Q3", 18)):
        update = ProgressUpdateFactory(item=moi_item, period=quarter_period("NISP-2018", label))
        IndicatorValue.objects.create(update=update, indicator=indicator, number=number)
    with at("2027-02-10"):
        first = approve(people, moi_item, {"target": 20}, indicator=indicator)
    with at("2027-08-01"):
        second = approve(people, moi_item, {"target": 40}, indicator=indicator)
    with at("2027-11-15"):
        q1 = committee_figures(quarter=Quarter.parse("2027Q1"))
        q3 = committee_figures(quarter=Quarter.parse("2027Q3"))
    [row_q1] = [r for r in q1["indicators"] if r["description"] == indicator.description]
    [row_q3] = [r for r in q3["indicators"] if r["description"] == indicator.description]
    assert (row_q1["target"], row_q1["actual"], row_q1["progress"]) == (20, 10, 50.0)
    assert (row_q3["target"], row_q3["actual"], row_q3["progress"]) == (40, 18, 45.0)
    assert q1["plan"]["indicator_revision_ids"] == [first.pk]
    assert q3["plan"]["indicator_revision_ids"] == [second.pk]


def test_overdue_counts_only_a_due_date_in_force_and_no_due_date_is_its_own_count(people, moi_item):
    nisp_items = list(PlanItem.objects.filter(policy__code="NISP-2018").order_by("position")[:3])
    done, late, future = nisp_items
    ProgressUpdateFactory(item=done, period=quarter_period("NISP-2018", "2027Q1"),
                          status="completed", percent_complete=100)  # fmt: skip
    with at("2027-02-10"):
        services.due_dates_set_in_bulk(
            user=people["secretary"], items=[done, late], due_date=datetime.date(2027, 3, 1),
            reason="Carried forward", authority="ACIS 2027Q1, decision 2",
        )  # fmt: skip
        services.change_request_approve(
            user=people["secretary"],
            request=services.change_request_propose(
                user=people["secretary"], item=future,
                values={"due_date": datetime.date(2028, 1, 1)}, reason="Longer job",
            ),
            authority="ACIS 2027Q1, decision 3",
        )  # fmt: skip
    with at("2027-05-10"):
        figures = committee_figures(quarter=Quarter.parse("2027Q2"))
        before = committee_figures(quarter=Quarter.parse("2026Q4"))
    overdue = {row["ref"] for row in figures["overdue"] if row["policy"] == "NISP-2018"}
    assert overdue == {late.ref}, "the completed item and the one due later are not overdue"
    [entry] = [row for row in figures["overdue"] if row["id"] == late.pk]
    assert (entry["due_date"], entry["due_from"]) == ("2027-03-01", "revision 1")
    total = PlanItem.objects.count()
    with_due = (
        PlanItem.objects.filter(due_date__isnull=False)
        .exclude(pk__in=[i.pk for i in nisp_items])
        .count()
    )
    assert figures["totals"]["no_due_date"] == total - 3 - with_due
    assert figures["no_due_date"]["count"] == figures["totals"]["no_due_date"]
    # Before the revisions were in force, the three items had no due date and none was overdue.
    assert before["totals"]["no_due_date"] == total - with_due
    assert late.pk not in {row["id"] for row in before["overdue"]}


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [
        (10, 30, 20, "higher", 50.0),
        (40, 10, 25, "lower", 50.0),
        (40, 10, 25, "", 50.0),  # read from the baseline and target
        (40, 10, 45, "lower", -16.7),  # moved the wrong way
        (None, 50, 60, "higher", 120.0),  # passed the target
        (10, 10, 12, "higher", None),  # no change to measure against
        (10, 30, None, "higher", None),
    ],
)
def test_progress_toward_target_respects_direction(baseline, target, actual, direction, expected):
    assert (
        baselines.progress_toward_target(
            actual=actual, target=target, baseline=baseline, direction=direction
        )
        == expected
    )


def test_a_lower_is_better_indicator_reports_a_fall_as_progress_in_the_figures(
    people, moi_item, indicator
):
    update = ProgressUpdateFactory(item=moi_item, period=quarter_period("NISP-2018", "2027Q1"))
    IndicatorValue.objects.create(update=update, indicator=indicator, number=70)
    with at("2027-01-10"):
        approve(
            people, moi_item,
            {"baseline": 100, "target": 40, "direction": Direction.LOWER}, indicator=indicator,
        )  # fmt: skip
        figures = committee_figures(quarter=Quarter.parse("2027Q1"))
    [row] = [r for r in figures["indicators"] if r["description"] == indicator.description]
    assert (row["direction"], row["progress"]) == ("lower", 50.0)


def test_reloading_the_policies_keeps_every_revision(people, moi_item, indicator):
    with at("2027-02-10"):
        due = approve(people, moi_item, {"due_date": datetime.date(2027, 12, 31)})
        target = approve(people, moi_item, {"target": 20}, indicator=indicator)
    load_policies()
    assert set(BaselineRevision.objects.values_list("pk", flat=True)) >= {due.pk, target.pk}
    moi_item.refresh_from_db()
    assert moi_item.due_date is None, "the source's value is still the source's"
    values = baselines.item_values_in_force(moi_item, datetime.date(2027, 3, 1))
    assert values["due_date"] == datetime.date(2027, 12, 31)
    assert baselines.indicator_values_in_force(indicator, datetime.date(2027, 3, 1))[
        "target"
    ] == Decimal(20)
