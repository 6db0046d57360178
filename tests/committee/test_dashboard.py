"""The committee dashboard through the test client: its figures against counts taken straight
from the database, its choosers, bad input, who may see it, and its query count."""

import re

import pytest
from django.urls import reverse

from agencies.models import Agency, User
from core.data_version import data_version_bump
from core.quarters import Quarter
from interventions.models import PlanItem
from interventions.services import item_owner_assign
from reporting.models import ProgressUpdate
from tests.committee.chart_reader import read_charts, svg_counts, table_counts
from tests.conftest import TEST_TODAY
from tests.factories import ProgressUpdateFactory, UserFactory, quarter_period, user_with_role

pytestmark = pytest.mark.django_db

URL = reverse("committee:dashboard")
# The frozen test day (tests/conftest.py), read at import: the clock is frozen there too.
THIS_QUARTER = Quarter.of(TEST_TODAY)
LAST_QUARTER = THIS_QUARTER.previous()
STATUSES = ("on_track", "delayed", "completed", "at_risk")
SECTIONS = [
    "What needs attention",
    "Status per policy and per pillar",
    "Agency scorecard",
    "Trend across quarters",
    "The NISP priority list at a glance",
    "Timeline: items by term",
    "The NAP's 20 points",
    "What changed since",
    "Items nobody reported on",
]
STATUS_CHARTS = [
    "Items by status, per policy",
    "Items by status, per pillar or section",
    "Items by status, per agency",
    "Items by status at the end of each quarter",
]


@pytest.fixture
def committee_client(client, plan):
    client.force_login(UserFactory(role=User.Role.COMMITTEE_MEMBER, username="member"))
    return client


def seed(count: int, statuses=STATUSES, start: int = 0) -> list[PlanItem]:
    """`count` NISP items from the `start`th reported last quarter and this one, cycling
    through `statuses`."""
    nisp = PlanItem.objects.filter(policy__code="NISP-2018").order_by("position")
    items = list(nisp[start : start + count])
    before = quarter_period("NISP-2018", LAST_QUARTER.label)
    now = quarter_period("NISP-2018", THIS_QUARTER.label)
    for index, item in enumerate(items):
        ProgressUpdateFactory(item=item, period=before, status="in_progress")
        ProgressUpdateFactory(item=item, period=now, status=statuses[index % len(statuses)])
    return items


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_committee_member_sees_the_quarters_figures(committee_client):
    seed(8)
    response = committee_client.get(URL)
    assert response.status_code == 200
    figures = response.context["figures"]
    nisp = PlanItem.objects.filter(policy__code="NISP-2018")
    approved_now = ProgressUpdate.objects.filter(
        item__in=nisp, period__label=THIS_QUARTER.label, state="approved"
    )
    good = approved_now.filter(status__in=["on_track", "completed"]).count()
    assert figures["quarter"]["label"] == THIS_QUARTER.label
    assert figures["scope"]["policy"] == "NISP-2018"
    assert figures["totals"]["items"] == nisp.count()
    assert figures["totals"]["good"] == good == 4
    assert figures["totals"]["by_status"]["delayed"] == 2
    assert figures["totals"]["by_status"]["none"] == nisp.count() - 8
    assert len(figures["not_reported"]) == nisp.count() - 8
    html = response.content.decode()
    page = text_of(html)
    share = round(100 * good / nisp.count(), 1)
    assert f"On track or completed {share}%" in page
    assert f"{good} of {nisp.count()} items · up {share} points since {LAST_QUARTER.label}" in page
    assert f"Not reported this quarter {nisp.count() - 8}" in page
    overdue = figures["totals"]["overdue"]
    assert f'href="/items/?policy=NISP-2018&amp;overdue=true">{overdue}</a>' in html
    for heading in SECTIONS:
        assert heading in page
    assert f"What changed since {LAST_QUARTER.label} (8)" in page


def test_scorecard_links_each_figure_to_the_filtered_item_list(committee_client):
    items = seed(4, statuses=("on_track",))
    response = committee_client.get(URL)
    moi = next(row for row in response.context["scorecard"] if row["code"] == "MOI")
    owned = PlanItem.objects.filter(
        policy__code="NISP-2018", responsibilities__agency__code="MOI"
    ).distinct()
    assert moi["owned"] == owned.count()
    assert moi["on_track"] == sum(
        1 for item in items if item.responsibilities.filter(agency__code="MOI").exists()
    )
    html = response.content.decode()
    owned_link = 'href="/items/?policy=NISP-2018&amp;agency=MOI" aria-label="{} items owned by MOI"'
    assert owned_link.format(moi["owned"]) in html
    assert 'href="/items/?policy=NISP-2018&amp;agency=MOI&amp;status=on_track"' in html
    # The list at the end of the link holds exactly the items the scorecard counts.
    listed = committee_client.get("/items/?policy=NISP-2018&agency=MOI&status=on_track")
    assert listed.context["page"].paginator.count == moi["on_track"]
    listed = committee_client.get("/items/?policy=NISP-2018&agency=MOI&overdue=true")
    assert listed.context["page"].paginator.count == moi["overdue"]


def test_scorecard_sorts_by_the_chosen_column(committee_client):
    seed(4)
    by_owned = committee_client.get(URL, {"sort": "-owned"}).context["scorecard"]
    assert [row["owned"] for row in by_owned] == sorted(
        (r["owned"] for r in by_owned), reverse=True
    )
    by_code = committee_client.get(URL, {"sort": "agency"}).context["scorecard"]
    assert [row["code"] for row in by_code] == sorted(row["code"] for row in by_code)
    # An unknown sort falls back to the default: most overdue first.
    fallback = committee_client.get(URL, {"sort": "salary"})
    assert fallback.context["sort"] == "-overdue"


def test_quarter_and_scope_choosers_change_the_figures(committee_client):
    seed(4)
    response = committee_client.get(URL, {"quarter": LAST_QUARTER.label, "policy": "all"})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["quarter"]["label"] == LAST_QUARTER.label
    assert figures["totals"]["items"] == PlanItem.objects.count()
    assert figures["totals"]["by_status"]["in_progress"] == 4
    html = response.content.decode()
    assert f'<option value="{LAST_QUARTER.label}" selected>' in html
    assert '<option value="all" selected>All policies</option>' in html
    # For a past quarter the page warns that links show today's list.
    assert "Links open the item list as it stands today" in text_of(html)
    nsp = committee_client.get(URL, {"policy": "NSP-2022"}).context["figures"]
    assert nsp["totals"]["items"] == PlanItem.objects.filter(policy__code="NSP-2022").count()
    assert nsp["priorities"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"quarter": "last spring"}, "“last spring” is not a quarter: write it as 2025Q3."),
        ({"quarter": "2999Q1"}, "2999Q1 has not begun yet"),
        ({"quarter": "1990Q2"}, "1990Q2 is before every policy"),
        ({"policy": "NISP-1999"}, "“NISP-1999” is not a policy"),
    ],
)
def test_bad_choice_says_what_is_wrong(committee_client, params, message):
    response = committee_client.get(URL, params)
    assert response.status_code == 400
    assert message in text_of(response.content.decode())
    assert "figures" not in response.context


def test_anonymous_visitor_is_sent_to_log_in(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_every_signed_in_role_may_view(client, plan):
    client.force_login(user_with_role(User.Role.DESK_OFFICER, "HD-KP"))
    assert client.get(URL).status_code == 200


def test_sample_data_is_announced(committee_client):
    seed(2)
    assert "Sample data." not in text_of(committee_client.get(URL).content.decode())
    ProgressUpdate.objects.update(is_sample=True)
    data_version_bump()  # a write past the services must move the version itself
    page = text_of(committee_client.get(URL).content.decode())
    assert "Sample data. These figures include demo progress" in page


def test_charts_on_the_page_draw_what_their_tables_say(committee_client):
    seed(8)
    response = committee_client.get(URL, {"policy": "all"})
    charts = {chart["svg_title"]: chart for chart in read_charts(response.content.decode())}
    statuses = [s["label"] for s in response.context["figures"]["statuses"]]
    for title in STATUS_CHARTS:
        chart = charts[title]
        assert svg_counts(chart), title
        assert svg_counts(chart) == table_counts(chart, statuses), title
    per_policy = {row[0]: int(row[-1]) for row in charts["Items by status, per policy"]["rows"]}
    assert per_policy["NISP-2018"] == PlanItem.objects.filter(policy__code="NISP-2018").count()
    assert "Items by term and window, against each policy's period" in charts


def test_query_count_stays_the_same_as_data_grows(committee_client, django_assert_num_queries):
    seed(4)
    committee_client.get(URL)  # warm caches (content types, session)
    # After a change: session and user (2), policies (1), the data version (2: the figures'
    # key and the page body's), committee_figures computed afresh (15 for all policies, two
    # of them the plan's revisions in force; the owner gap rides on the items' query), pillar
    # themes (1), the NAP crosswalk (4: links, their statuses, the points, and the points'
    # whole-policy links, one Prefetch joined to the policy).
    # (+6 since the committee cycle: ranking inputs, places (one), follow-up)
    with django_assert_num_queries(31):
        small = committee_client.get(URL, {"policy": "all"})
    seed(80, start=4)
    with django_assert_num_queries(31):
        large = committee_client.get(URL, {"policy": "all"})
    assert small.status_code == large.status_code == 200
    # Nothing changed since: the page body comes from the cache, the figures are not read.
    # Session and user (2), policies (1), the data version (1).
    with django_assert_num_queries(4):
        again = committee_client.get(URL, {"policy": "all"})
    # The same page body (the header around it carries a fresh CSRF token each time).
    body = re.compile(r'<div class="dashboard">.*</div>', re.S)
    assert body.search(again.content.decode())[0] == body.search(large.content.decode())[0]


def test_the_dashboard_counts_items_without_a_stated_owner(committee_client, people):
    nsp = PlanItem.objects.filter(policy__code="NSP-2022")
    # Straight from the data: items with no lead responsibility at all.
    expected = nsp.exclude(responsibilities__role="lead").count()
    response = committee_client.get(URL, {"policy": "NSP-2022"})
    assert len(response.context["figures"]["owner_not_stated"]) == expected > 0
    html = response.content.decode()
    link = f"{reverse('reporting:item_list')}?policy=NSP-2022&amp;no_owner=true"
    assert f'<a href="{link}">{expected}</a>' in html
    assert "without a stated owner" in text_of(html)

    item_owner_assign(
        user=people["secretary"],
        item=nsp.exclude(responsibilities__role="lead").first(),
        agency=Agency.objects.get(code="NSD"),
        authority="NSC meeting of 2026-03-02, minute 4",
    )
    again = committee_client.get(URL, {"policy": "NSP-2022"})
    assert len(again.context["figures"]["owner_not_stated"]) == expected - 1
    listed = committee_client.get(
        reverse("reporting:item_list"), {"policy": "NSP-2022", "no_owner": "true"}
    )
    assert listed.context["page"].paginator.count == expected - 1


def test_the_dashboard_is_in_the_navigation(committee_client):
    html = committee_client.get(reverse("interventions:home")).content.decode()
    assert f'<a href="{URL}">Dashboard</a>' in html
