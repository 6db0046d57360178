"""In a real browser: the secretary closes the period on /periods/, and the officer's submit
is then refused with the reason on the page."""

from __future__ import annotations

import re

import pytest

from agencies.models import User
from interventions.models import PlanItem
from reporting import services
from reporting.models import ProgressUpdate, ReportingPeriod
from tests.factories import user_with_role
from tests.reporting import test_browser as harness
from tests.reporting.test_browser import log_in, messages_text, open_quarter, shot

pytestmark = pytest.mark.browser

# The harness's fixtures, used here under the same names.
sync_playwright = harness.sync_playwright
page = harness.page


def test_secretary_closes_the_period_and_the_officers_submit_is_refused(
    sync_playwright, committed_plan, live_server, page
):
    period = open_quarter()
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    user_with_role(User.Role.COMMITTEE_SECRETARY, username="secretary")
    item = PlanItem.objects.filter(
        policy=period.policy, responsibilities__agency__code="MOI"
    ).first()
    update = services.update_create(
        user=officer,
        item=item,
        period=period,
        data=services.UpdateData(
            status="in_progress", percent_complete=20, confidence="green", narrative="Begun."
        ),
    )
    base = live_server.url

    log_in(page, base, "secretary")
    page.goto(f"{base}/periods/")
    row = page.locator(f"#period-{period.pk}")
    assert "Open for submission" in row.inner_text()
    row.get_by_role("link", name=str(period)).click()
    page.wait_for_url(f"{base}/periods/{period.pk}/")
    page.fill("#close-reason", "Closing early: the committee meets on Monday.")
    page.get_by_role("button", name="Close for submissions").click()
    page.wait_for_url(f"{base}/periods/{period.pk}/")
    assert f"{period} closed for submissions." in messages_text(page)
    record = page.locator("table.period-record").inner_text()
    assert "Closing early: the committee meets on Monday." in record
    shot(page, "cycle-01-period-closed")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))

    log_in(page, base, "officer.moi")
    page.goto(f"{base}/updates/{update.pk}/")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"{base}/updates/{update.pk}/")
    shown = messages_text(page)
    assert f"Not submitted: {period.label} is closed for submissions" in shown
    assert "ask the committee secretary for an extension" in shown
    shot(page, "cycle-02-submit-refused")

    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.DRAFT
    period.refresh_from_db()
    assert period.state == ReportingPeriod.State.CLOSED
    assert page.problems == []
