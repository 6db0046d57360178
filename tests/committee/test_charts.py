"""The shared charts: what the SVG draws is what its table says, for screen readers and print."""

import datetime

import pytest
import time_machine
from django.template import Context, Template

from agencies.models import User
from committee.figures import STATUS_LABELS, committee_figures
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem, Policy
from tests.committee.chart_reader import read_charts, svg_counts, table_counts
from tests.factories import ProgressUpdateFactory, quarter_period, user_with_role

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("2026Q3")
STATUS_COLUMNS = [label for key, label in STATUS_LABELS.items()]


@pytest.fixture(autouse=True)
def _after_the_quarter():
    # These charts read 2026Q3 as the committee does, once it has ended: whether an item is
    # overdue is judged on the day the figures are read.
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, tzinfo=datetime.UTC), tick=True):
        yield


@pytest.fixture
def figures(plan):
    nisp = Policy.objects.get(code="NISP-2018")
    q2, q3 = quarter_period("NISP-2018", "2026Q2"), quarter_period("NISP-2018", "2026Q3")
    statuses = ["on_track", "delayed", "completed", "at_risk", "in_progress", "on_track"]
    items = PlanItem.objects.filter(policy=nisp)[:6]
    for item, status in zip(items, statuses, strict=True):
        ProgressUpdateFactory(item=item, period=q2, status="not_started")
        ProgressUpdateFactory(item=item, period=q3, status=status)
    # A window is not a due date (issue 18): the delayed item is overdue only once the
    # committee has set a due date that has passed by the quarter's end.
    secretary = user_with_role(User.Role.COMMITTEE_SECRETARY)
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC), tick=False):
        request = plan_services.change_request_propose(
            user=secretary, item=items[1], values={"due_date": datetime.date(2026, 6, 30)},
            reason="Committee timeline",
        )  # fmt: skip
        plan_services.change_request_approve(user=secretary, request=request, authority="ACIS")
    return committee_figures(quarter=Q3, policy=nisp)


def render(source: str, **context) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def test_status_chart_draws_the_counts_its_table_gives(figures):
    html = render(
        "{% status_chart groups statuses title='Status by pillar' %}",
        groups=figures["by_pillar"],
        statuses=figures["statuses"],
    )
    [chart] = read_charts(html)
    assert chart["svg_title"] == "Status by pillar"
    drawn = svg_counts(chart)
    assert drawn == table_counts(chart, STATUS_COLUMNS)
    # Every item of every pillar is drawn once, and the pillars' totals add up to the plan.
    assert sum(drawn.values()) == figures["totals"]["items"]
    assert sum(int(row[-1]) for row in chart["rows"]) == figures["totals"]["items"]
    assert 'role="img"' in html
    assert "<desc>" in html


def test_status_chart_links_each_count_to_the_items_behind_it(figures):
    pillar = figures["by_pillar"][0]
    html = render(
        "{% status_chart groups statuses title='By pillar' links=links %}",
        groups=[pillar],
        statuses=figures["statuses"],
        links={pillar["key"]: "policy=NISP-2018&theme=7"},
    )
    assert 'href="/items/?policy=NISP-2018&amp;theme=7"' in html
    assert pillar["by_status"]["none"] > 0
    assert 'href="/items/?policy=NISP-2018&amp;theme=7&amp;status=none"' in html
    # A zero is no link: there is nothing behind it.
    assert pillar["by_status"]["discontinued"] == 0
    assert "status=discontinued" not in html


def test_trend_chart_draws_each_quarters_counts_and_share(figures):
    html = render(
        "{% trend_chart trend statuses title='Trend' %}",
        trend=figures["trend"],
        statuses=figures["statuses"],
    )
    [chart] = read_charts(html)
    assert svg_counts(chart) == table_counts(chart, STATUS_COLUMNS)
    assert [row[0] for row in chart["rows"]] == [q.label for q in Q3.last(6)]
    q2, q3 = chart["rows"][-2:]
    on_track = chart["head"].index("On track")
    assert (q2[on_track], q3[on_track]) == ("0", "2")
    # Three items on track or completed in Q3, none the quarter before.
    assert (q2[-1], q3[-1]) == ("0.0%", f"{figures['trend'][-1]['good_share']}%")
    assert figures["trend"][-1]["good_share"] == round(100 * 3 / figures["totals"]["items"], 1)
    assert f">{figures['trend'][-1]['good_share']:g}%</text>" in html


def test_timeline_chart_marks_overdue_items_in_its_bars_and_table(figures):
    html = render(
        "{% timeline_chart timeline today_year=2026 title='Timeline' linked=True %}",
        timeline=figures["timeline"],
    )
    [chart] = read_charts(html)
    [window] = figures["timeline"][0]["windows"]
    assert chart["rows"] == [
        ["NISP-2018", window["term_label"], "2018–2022", str(window["items"]),
         str(window["good"]), str(window["overdue"])]
    ]  # fmt: skip
    assert f"{window['items']} items, {window['overdue']} overdue" in " ".join(chart["svg"])
    assert "policy=NISP-2018&amp;term=unknown&amp;overdue=true" in html
