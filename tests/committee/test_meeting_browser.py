"""In a real browser, the quarterly review as a cycle (issue 19): the secretary arranges a
meeting whose agenda comes from the ranked exceptions, records a decision with an action for
the Ministry of Interior, MoI's desk officer marks it done with evidence, and the next
quarter's report shows it closed. Screenshots (meeting page wide and narrow, the report's PDF)
go to var/screenshots/meeting-*.

Same harness as tests/reporting/test_browser.py: Debian's headless Chromium via Playwright.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from agencies.models import User
from committee.models import ActionItem, AgendaItem, Meeting
from committee.reports import generation
from committee.reports import services as report_services
from core.quarters import Quarter
from tests.committee.test_dashboard_browser import seed_progress
from tests.factories import user_with_role
from tests.reporting import test_browser as harness

pytestmark = pytest.mark.browser

sync_playwright = harness.sync_playwright
page = harness.page


def switch_user(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    harness.log_in(page, base, username)


def test_secretary_builds_a_meeting_decides_moi_acts_and_the_next_report_shows_it_closed(
    sync_playwright, committed_plan, live_server, page
):
    seed_progress()
    user_with_role(User.Role.COMMITTEE_SECRETARY, username="secretary")
    user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    base = live_server.url
    today = timezone.localdate()
    for old in harness.SCREENSHOTS.glob("meeting-*") if harness.SCREENSHOTS.is_dir() else ():
        old.unlink()

    # The secretary arranges the quarterly review from the nav; the agenda is drafted from
    # the ranked exceptions of the quarter before.
    harness.log_in(page, base, "secretary")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.fill("#id_title", "Quarterly review")
    page.fill("#id_date", today.isoformat())
    page.get_by_role("button", name="Arrange the meeting and draft its agenda").click()
    page.wait_for_url(f"{base}/committee/meetings/*/")
    assert "Meeting arranged" in harness.messages_text(page)
    meeting = Meeting.objects.get()
    assert meeting.quarter == Quarter.of(today).previous().label
    drafted = list(meeting.agenda.filter(kind=AgendaItem.Kind.EXCEPTION).order_by("position"))
    assert drafted, "the ranked exceptions drafted no agenda point"
    points = page.locator("ol.agenda-list > li.agenda-point")
    assert points.count() == len(drafted)
    first = points.first
    assert first.locator(".badge.severity").inner_text().lower() == drafted[0].severity
    assert drafted[0].reason in first.inner_text()

    # A decision on the top point, with an action for MoI due in a month.
    due = today + datetime.timedelta(days=30)
    first.get_by_text("Record a decision").click()
    first.get_by_label("Decision", exact=True).fill("MoI to convene the provincial committees.")
    first.get_by_label("Action to take (optional)").fill("Convene them and send the minutes")
    first.get_by_label("Owner agency").select_option("MOI")
    first.get_by_label("Due").fill(due.isoformat())
    first.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    action = ActionItem.objects.get()
    assert (action.owner.code, action.due_date, action.status) == ("MOI", due, "open")
    decided = page.locator(f"#point-{drafted[0].pk} .decision")
    assert "Action for MOI" in decided.inner_text()
    page.set_viewport_size({"width": 1366, "height": 900})
    harness.shot(page, "meeting-01-page-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    harness.shot(page, "meeting-02-page-390")
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # MoI's officer finds it on /my/ and marks it done; without evidence it is refused.
    switch_user(page, base, "officer.moi")
    page.get_by_role("link", name="My items").click()
    page.get_by_role("link", name="Convene them and send the minutes").click()
    page.select_option("#id_status", "done")
    page.get_by_role("button", name="Update the action").click()
    assert "Say what shows it was done" in page.locator("main").inner_text()
    action.refresh_from_db()
    assert action.status == "open"
    page.select_option("#id_status", "done")
    page.fill("#id_evidence", "Minutes of the four provincial committees, ref 12/2026")
    page.get_by_role("button", name="Update the action").click()
    page.wait_for_load_state()
    assert "Action marked done" in harness.messages_text(page)
    action.refresh_from_db()
    assert action.status == "done"

    # The next quarter's report (the one under way) shows the action closed.
    report = report_services.report_request(
        user=User.objects.get(username="secretary"), quarter=Quarter.of(today), policy=None
    )
    generation.report_generate(report.pk)
    report.refresh_from_db()
    assert report.state == "done", report.error
    switch_user(page, base, "secretary")
    page.goto(f"{base}/reports/{report.pk}/")
    follow_up = page.locator("section[aria-labelledby=follow-up]")
    assert "Decisions and actions since last quarter (1)" in follow_up.inner_text()
    assert "Closed 1" in follow_up.inner_text()
    assert "Minutes of the four provincial committees" in follow_up.inner_text()
    (harness.SCREENSHOTS / "meeting-03-report.pdf").write_bytes(report.pdf.read())
    # The one refusal (done without evidence) answered 400, as it should; nothing else failed.
    action_url = f"{base}/committee/action-items/{action.pk}/"
    assert [p for p in page.problems if action_url not in p] == []
