"""In a real browser: a committee member opens the dashboard, reads what is stuck, and follows
a scorecard figure to the filtered item list. Screenshots go to var/screenshots/dashboard-*.png.

Same harness as test_browser.py: Debian's headless Chromium through Playwright, against
pytest-django's live server.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from agencies.models import User
from core.quarters import Quarter
from interventions.models import PlanItem
from tests.factories import ProgressUpdateFactory, quarter_period, user_with_role
from tests.reporting import test_browser as harness

pytestmark = pytest.mark.browser

# The harness's fixtures, used here under the same names.
sync_playwright = harness.sync_playwright
page = harness.page
STATUSES = ["on_track", "delayed", "completed", "at_risk", "in_progress", "on_track"]


def seed_progress() -> list[PlanItem]:
    """Approved updates on a dozen NISP items for last quarter and this one."""
    this_quarter = Quarter.of(timezone.localdate())
    before = quarter_period("NISP-2018", this_quarter.previous().label)
    now = quarter_period("NISP-2018", this_quarter.label)
    items = list(PlanItem.objects.filter(policy__code="NISP-2018").order_by("position")[:12])
    for index, item in enumerate(items):
        ProgressUpdateFactory(item=item, period=before, status="in_progress")
        ProgressUpdateFactory(
            item=item,
            period=now,
            status=STATUSES[index % len(STATUSES)],
            confidence="red" if index % 6 == 1 else "green",
            confidence_rationale="The provinces have not nominated focal persons.",
        )
    return items


def test_committee_member_reads_the_dashboard_and_follows_a_scorecard_figure(
    sync_playwright, committed_plan, live_server, page
):
    seed_progress()
    user_with_role(User.Role.COMMITTEE_MEMBER, username="committee.member")
    nisp = PlanItem.objects.filter(policy__code="NISP-2018")
    moi_on_track = (
        nisp.filter(responsibilities__agency__code="MOI", updates__status="on_track")
        .filter(updates__period__label=Quarter.of(timezone.localdate()).label)
        .distinct()
        .count()
    )
    assert moi_on_track > 0
    base = live_server.url
    for old in harness.SCREENSHOTS.glob("dashboard-*.png") if harness.SCREENSHOTS.is_dir() else ():
        old.unlink()

    harness.log_in(page, base, "committee.member")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_url(f"{base}/dashboard/")
    this_quarter = Quarter.of(timezone.localdate()).label
    assert this_quarter in page.locator("h1").inner_text()
    # The headline strip counts the seeded items on track or completed against the whole plan.
    headline = page.locator(".headline")
    good = sum(status in ("on_track", "completed") for status in (STATUSES * 2)[:12])
    assert f"{good} of {nisp.count()} items" in headline.inner_text()
    assert page.locator("svg.chart").count() >= 4
    # Charts are images named by their <title> for assistive technology.
    assert page.get_by_role("img", name="Items by status, per pillar or section").is_visible()
    harness.shot(page, "dashboard-01-overview")

    # The scorecard's MOI row: its "on track" figure leads to the matching list.
    row = page.locator("table.scorecard tbody tr").filter(has=page.locator("th", has_text="MOI"))
    row = row.filter(has_text="Ministry of Interior").first
    link = row.get_by_role("link", name=f"{moi_on_track} items of MOI on track")
    assert link.inner_text() == str(moi_on_track)
    link.click()
    page.wait_for_url(re.compile(r"/items/\?.*status=on_track"))
    assert "agency=MOI" in page.url
    assert page.locator("#id_status").input_value() == "on_track"
    assert page.locator("#id_agency").input_value() == "MOI"
    count = page.locator("main > p").filter(has_text=re.compile(r"^\d+ items?$")).inner_text()
    assert count == f"{moi_on_track} item{'s' if moi_on_track != 1 else ''}"
    badges = page.locator("table tbody .badge[class*=status-]").all_inner_texts()
    assert badges == ["On track"] * moi_on_track
    harness.shot(page, "dashboard-02-filtered-list")

    # Printed, the choosers and navigation drop away and every chart keeps its table.
    page.goto(f"{base}/dashboard/?policy=all")
    page.emulate_media(media="print")
    assert page.locator(".dashboard-controls").is_hidden()
    assert page.locator("table.chart-table").count() == page.locator("svg.chart").count()
    harness.shot(page, "dashboard-03-all-policies-print")

    assert page.problems == []
    assert len(list(harness.SCREENSHOTS.glob("dashboard-*.png"))) == 3
