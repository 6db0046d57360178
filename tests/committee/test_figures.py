"""The committee's figures for a quarter, checked against counts taken straight from the data."""

import datetime

import pytest
from django.utils import timezone

from committee.figures import committee_figures, compute_committee_figures
from committee.labels import reason_text
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from tests.factories import ProgressUpdateFactory, quarter_period

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("2026Q3")


@pytest.fixture
def nisp(plan):
    return Policy.objects.get(code="NISP-2018")


@pytest.fixture
def seeded(nisp):
    """Three NISP items reported over two quarters, and a later edit in the next quarter."""
    first, second, third = PlanItem.objects.filter(policy=nisp).order_by("position")[:3]
    q2, q3, q4 = (quarter_period("NISP-2018", label) for label in ("2026Q2", "2026Q3", "2026Q4"))
    ProgressUpdateFactory(item=first, period=q2, status="on_track", confidence="green")
    ProgressUpdateFactory(
        item=first,
        period=q3,
        status="delayed",
        confidence="red",
        confidence_rationale="Funds for the secretariat were not released.",
        next_steps="Seek a supplementary grant.",
        budget_released=1000,
        budget_spent=400,
    )
    ProgressUpdateFactory(item=second, period=q3, status="completed", percent_complete=100)
    ProgressUpdateFactory(item=third, period=q2, status="at_risk", confidence="amber")
    ProgressUpdateFactory(item=third, period=q3, state="submitted", status="on_track")
    # Approved after the quarter: must not change the quarter's figures.
    ProgressUpdateFactory(item=first, period=q4, status="completed", percent_complete=100)
    return first, second, third


def lead_agency(item):
    return item.responsibilities.order_by("position")[0].agency


def scorecard_row(figures, agency):
    return next(row for row in figures["by_agency"] if row["code"] == agency.code)


def test_status_counts_cover_every_item_of_the_policy(seeded, nisp):
    figures = committee_figures(quarter=Q3, policy=nisp)
    items = PlanItem.objects.filter(policy=nisp).count()
    counts = figures["totals"]["by_status"]
    assert figures["totals"]["items"] == items
    assert sum(counts.values()) == items
    assert counts["delayed"] == 1
    assert counts["completed"] == 1
    # The third item's Q3 update is only submitted: its status stays Q2's approved one.
    assert counts["at_risk"] == 1
    assert counts["none"] == items - 3
    assert figures["totals"]["reported"] == 3


def test_later_quarters_do_not_change_a_quarter(seeded, nisp):
    first = seeded[0]
    row = next(
        r for r in committee_figures(quarter=Q3, policy=nisp)["annex"] if r["id"] == first.pk
    )
    assert (row["status"], row["previous_status"]) == ("delayed", "on_track")
    q4 = committee_figures(quarter=Q3.next(), policy=nisp)
    assert next(r for r in q4["annex"] if r["id"] == first.pk)["status"] == "completed"


def test_items_off_track_come_with_their_agencys_explanation(seeded, nisp):
    first, _, third = seeded
    attention = {a["id"]: a for a in committee_figures(quarter=Q3, policy=nisp)["attention"]}
    # The figures hold keys; the words come at render time, in the reader's language.
    assert attention[first.pk]["reasons"][:2] == [
        {"code": "status", "status": "delayed"},
        {"code": "confidence", "confidence": "red"},
    ]
    assert [reason_text(r) for r in attention[first.pk]["reasons"][:2]] == [
        "Delayed",
        "Confidence Red",
    ]
    assert attention[first.pk]["explanation"] == "Funds for the secretariat were not released."
    assert attention[first.pk]["next_steps"] == "Seek a supplementary grant."
    assert reason_text(attention[third.pk]["reasons"][0]) == "At risk"


def test_agency_scorecard_counts_owned_and_reported_items(seeded, nisp):
    agency = lead_agency(seeded[0])
    row = scorecard_row(committee_figures(quarter=Q3, policy=nisp), agency)
    owned = PlanItem.objects.filter(policy=nisp, responsibilities__agency=agency).distinct()
    reported = owned.filter(
        updates__agency=agency,
        updates__period__label="2026Q3",
        updates__state__in=["submitted", "approved"],
    ).distinct()
    assert row["owned"] == owned.count()
    assert row["reported"] == reported.count()
    assert row["reported"] >= 1


def test_trend_ends_with_the_quarter_and_remembers_earlier_ones(seeded, nisp):
    trend = committee_figures(quarter=Q3, policy=nisp)["trend"]
    assert [point["quarter"] for point in trend] == [q.label for q in Q3.last(6)]
    assert trend[-2]["by_status"]["on_track"] == 1
    assert trend[-2]["by_status"]["at_risk"] == 1
    assert trend[-1]["by_status"]["delayed"] == 1


def test_changes_budget_and_highlights(seeded, nisp):
    first, second, _ = seeded
    figures = committee_figures(quarter=Q3, policy=nisp)
    changes = {c["id"]: (c["from"], c["to"]) for c in figures["changes"]["items"]}
    assert changes[first.pk] == ("on_track", "delayed")
    assert changes[second.pk] == ("none", "completed")
    assert [h["id"] for h in figures["highlights"]["items"]] == [second.pk]
    assert (figures["budget"]["released"], figures["budget"]["spent"]) == (1000.0, 400.0)


def test_all_policies_scope_counts_every_item(seeded):
    figures = committee_figures(quarter=Q3)
    assert figures["totals"]["items"] == PlanItem.objects.count()
    assert {p["key"] for p in figures["by_policy"]} == set(
        Policy.objects.values_list("code", flat=True)
    )


def test_query_count_does_not_grow_with_updates(seeded, nisp, django_assert_num_queries):
    for item in PlanItem.objects.filter(policy=nisp).order_by("position")[3:60]:
        ProgressUpdateFactory(item=item, period=quarter_period("NISP-2018", "2026Q3"))
    # Rows, two latest-approved reads, overdue, reported, agencies, themes, priorities (2),
    # indicators (2), the trend's read of earlier updates (1), and the plan in force on the
    # quarter's last day: the items' revisions (1) and the indicators' (1).
    # (+6 since the committee cycle: ranking inputs, places (one query), follow-up.)
    with django_assert_num_queries(20):
        compute_committee_figures(quarter=Q3, policy=nisp)
    # Read through the cache: the data version (1), then the computation once; then only it.
    with django_assert_num_queries(21):
        committee_figures(quarter=Q3, policy=nisp)
    with django_assert_num_queries(1):
        committee_figures(quarter=Q3, policy=nisp)


def test_scorecard_counts_each_agencys_items_by_status(seeded, nisp):
    row = scorecard_row(committee_figures(quarter=Q3, policy=nisp), lead_agency(seeded[0]))
    assert sum(row["by_status"].values()) == row["owned"]
    assert row["by_status"]["delayed"] == 1
    assert row["by_status"]["on_track"] + row["by_status"]["completed"] == row["good"]


def test_timeline_sets_each_term_window_against_the_policy_period(seeded, nisp):
    first = seeded[0]
    PlanItem.objects.filter(pk=first.pk).update(term="short", start_year=2018, end_year=2019)
    [timeline] = committee_figures(quarter=Q3, policy=nisp)["timeline"]
    assert (timeline["policy"], timeline["start_year"], timeline["end_year"]) == (
        "NISP-2018",
        nisp.start_year,
        nisp.end_year,
    )
    windows = {(w["term"], w["start_year"], w["end_year"]): w for w in timeline["windows"]}
    # Short-term windows come before the unknown ones.
    assert next(iter(windows)) == ("short", 2018, 2019)
    assert windows[("short", 2018, 2019)]["items"] == 1
    # The first item is delayed at the end of Q3 2026, long past its window; but a window is
    # not a due date (issue 18): with none set it is a data gap, never overdue.
    assert windows[("short", 2018, 2019)]["overdue"] == 0
    assert windows[("short", 2018, 2019)]["no_due_date"] == 1
    assert (
        sum(w["items"] for w in timeline["windows"]) == PlanItem.objects.filter(policy=nisp).count()
    )


def test_timeline_of_all_policies_has_each_policy_once(seeded):
    timeline = committee_figures(quarter=Q3)["timeline"]
    assert [t["policy"] for t in timeline] == list(
        Policy.objects.order_by("position", "code").values_list("code", flat=True)
    )


def test_an_update_first_submitted_after_the_deadline_is_late_in_the_figures(nisp):
    item = PlanItem.objects.filter(policy=nisp).order_by("position").first()
    q3 = quarter_period("NISP-2018", "2026Q3")
    after = timezone.make_aware(
        datetime.datetime.combine(q3.deadline + datetime.timedelta(days=3), datetime.time(9))
    )
    ProgressUpdateFactory(item=item, period=q3, submitted_at=after)
    figures = committee_figures(quarter=Q3, policy=nisp)
    assert figures["totals"]["late"] == 1
    assert scorecard_row(figures, lead_agency(item))["late"] == 1
