"""In a real browser, without signing in: a member of the public reads the published policies,
a policy's chart and items, an item's approved progress and the crosswalk, at a laptop's and a
phone's width. Screenshots go to /tmp/shots/public/ (PUBLIC_SHOTS_DIR), to be looked at.

Same harness as tests/reporting/test_browser.py: Debian's headless Chromium through
Playwright, against pytest-django's live server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from agencies.models import User
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem
from tests.factories import ProgressUpdateFactory, quarter_period, user_with_role
from tests.reporting import test_browser as harness

pytestmark = pytest.mark.browser

sync_playwright = harness.sync_playwright
page = harness.page
SHOTS = Path(os.environ.get("PUBLIC_SHOTS_DIR", "/tmp/shots/public"))
WIDTHS = {1366: 900, 390: 844}
STATUSES = ["on_track", "delayed", "completed", "at_risk", "in_progress"]
NARRATIVE = "Sample data: the provincial apex committees met twice this quarter."


def publish_with_progress() -> tuple[list[PlanItem], PlanItem]:
    """NAP 2014 and NISP 2018 published (as the demo does), approved progress on a few NISP
    items, and one NISP item restricted with an approved update of its own."""
    secretary = user_with_role(User.Role.COMMITTEE_SECRETARY, username="secretary.public")
    items = list(PlanItem.objects.filter(policy__code__in=["NAP-2014", "NISP-2018"]))
    plan_services.item_sensitivity_set(
        user=secretary, items=items, sensitivity="public", reason="Published plans."
    )
    period = quarter_period("NISP-2018", Quarter.of(timezone.localdate()).label)
    nisp = list(PlanItem.objects.filter(policy__code="NISP-2018").order_by("position")[:10])
    for index, item in enumerate(nisp):
        ProgressUpdateFactory(
            item=item,
            period=period,
            status=STATUSES[index % len(STATUSES)],
            confidence="green",
            narrative=NARRATIVE,
            review_comment="Reviewer's remark, never public.",
        )
    restricted = nisp[-1]
    plan_services.item_sensitivity_set(
        user=secretary, items=[restricted], sensitivity="restricted", reason="JID."
    )
    return nisp, restricted


def shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # Nothing wider than the screen: a phone never scrolls sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, width, overflow)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_public_reads_published_progress_without_signing_in(
    sync_playwright, committed_plan, live_server, page
):
    nisp, restricted = publish_with_progress()
    base = live_server.url

    page.goto(f"{base}/public/")
    assert page.url == f"{base}/public/"  # not sent to the login page
    assert "Figures as approved by the agencies" in page.inner_text("main")
    assert "Last updated" in page.inner_text("main")
    shots(page, "index")

    page.get_by_role("link", name=nisp[0].policy.title).click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert page.locator("svg.chart").count() == 1
    assert restricted.text[:40] not in main
    shots(page, "policy")

    page.get_by_role("link", name=nisp[0].ref, exact=True).first.click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert NARRATIVE in main
    assert "never public" not in main
    shots(page, "item")

    page.goto(f"{base}/public/crosswalk/")
    assert "NAP" in page.inner_text("main h1")
    shots(page, "crosswalk")

    response = page.goto(f"{base}/public/items/{restricted.pk}/")
    assert response.status == 404
    # The one 404 asked for (and the console's note of it); nothing else went wrong.
    assert [p for p in page.problems if f"/public/items/{restricted.pk}/" not in p] == []
