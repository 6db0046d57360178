"""In Urdu, in a real browser: the officer's update, the reviewer's page and the dashboard read
right to left. Screenshots go to /tmp/shots/urdu/ (outside the repository) to be looked at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agencies.models import User
from interventions.models import Indicator, PlanItem
from reporting import services
from reporting.models import ProgressUpdate
from reporting.update_fields import UpdateData
from tests.factories import user_with_role
from tests.reporting import test_browser as harness
from tests.reporting.test_browser import PASSWORD, log_in, messages_text, open_quarter

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/urdu")
URDU = re.compile(r"[\u0600-\u06FF]")
# The English walk's browser fixtures, shared by name.
sync_playwright = harness.sync_playwright
page = harness.page


def shot(tab, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def log_in_urdu(tab, base_url: str, username: str) -> None:
    """The browser kept the Urdu choice in its cookie: the login page is Urdu too."""
    tab.goto(f"{base_url}/accounts/login/")
    assert tab.locator("html").get_attribute("dir") == "rtl"
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.get_by_role("button", name="لاگ اِن").click()  # Log in
    tab.wait_for_load_state()
    # The header names the person (their full name, else their user name).
    shown = User.objects.get(username=username).get_full_name() or username
    assert tab.locator(".site-header .user").inner_text().startswith(shown), tab.url


def assert_right_to_left(tab) -> None:
    assert tab.locator("html").get_attribute("dir") == "rtl"
    assert tab.locator("html").get_attribute("lang") == "ur"
    # The header mirrors: the brand sits at the right, the signed-in user at the left.
    brand = tab.locator(".site-header .brand").bounding_box()
    user = tab.locator(".site-header .user").bounding_box()
    assert brand["x"] > user["x"], (brand, user)


def test_officer_reviewer_and_dashboard_in_urdu(sync_playwright, committed_plan, live_server, page):
    indicator = Indicator.objects.filter(
        measure=Indicator.Measure.NUMBER,
        item__policy__code="NISP-2018",
        item__responsibilities__agency__code="MOI",
    ).first()
    item = indicator.item
    period = open_quarter()
    user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    user_with_role(User.Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi", language="ur")
    user_with_role(User.Role.COMMITTEE_MEMBER, username="member", language="ur")
    base = live_server.url

    # The officer signs in in English and switches to Urdu with the header's button.
    log_in(page, base, "officer.moi")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.get_by_role("button", name="اردو").click()
    page.wait_for_load_state()
    assert_right_to_left(page)
    assert User.objects.get(username="officer.moi").language == "ur"

    page.goto(f"{base}/items/{item.pk}/updates/new/")
    assert_right_to_left(page)
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith(f"NISP-2018 {item.ref} پر پیش رفت")
    )
    # The policy's own words stay English, left to right, inside the Urdu page.
    source = page.locator("blockquote.source-text")
    assert source.get_attribute("lang") == "en"
    assert source.evaluate("el => getComputedStyle(el).direction") == "ltr"
    # Labels start at the right edge of the form, as Urdu is read.
    label = page.locator("label[for=id_percent_complete]").bounding_box()
    field = page.locator("#id_percent_complete").bounding_box()
    assert label["x"] + label["width"] >= field["x"] + field["width"] - 1
    page.select_option("#id_status", "on_track")
    page.fill("#id_percent_complete", "40")
    page.locator("input[name=confidence][value=green]").click()
    page.fill("#id_narrative", "اس سہ ماہی میں جے آئی ڈی نے چار رپورٹیں تیار کیں۔")
    page.fill(f"input[name=indicator_{indicator.pk}]", "37")
    assert page.locator("#id_narrative").evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(page, "01-officer-update-form", full_page=True)
    page.get_by_role("button", name="مسودہ محفوظ کیجیے").click()  # Save draft
    page.wait_for_url(re.compile(r"/updates/\d+/$"))
    assert f"{period.label}" in messages_text(page)
    assert URDU.search(messages_text(page))
    page.get_by_role("button", name="جائزے کے لیے جمع کرائیے").click()  # Submit for review
    page.wait_for_url(f"{base}/my/")
    assert "جائزہ کار" in messages_text(page) or URDU.search(messages_text(page))
    shot(page, "02-officer-submitted")
    page.get_by_role("button", name="لاگ آؤٹ").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))

    # The reviewer chose Urdu earlier: it applies as soon as they sign in.
    log_in_urdu(page, base, "reviewer.moi")
    page.goto(f"{base}/reviews/")
    assert_right_to_left(page)
    link = page.get_by_role("link", name=f"NISP-2018 {item.ref}", exact=True)
    entry = page.locator("tr").filter(has=link)
    assert "درست سمت میں · 40%" in entry.inner_text()  # On track · 40%
    shot(page, "03-reviewer-queue")
    link.click()  # the update's review page
    assert_right_to_left(page)
    narrative = page.locator("p[dir=auto]").first
    assert narrative.evaluate("el => getComputedStyle(el).direction") == "rtl"
    page.get_by_role("button", name="منظور کیجیے").click()  # Approve
    page.wait_for_url(f"{base}/reviews/")
    assert ProgressUpdate.objects.get(item=item, period=period).state == "approved"
    shot(page, "04-reviewer-approved")
    page.get_by_role("button", name="لاگ آؤٹ").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))

    # A committee member reads the dashboard in Urdu; numbers stay in Western digits.
    log_in_urdu(page, base, "member")
    page.goto(f"{base}/dashboard/")
    assert_right_to_left(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("مشاورتی کمیٹی کا ڈیش بورڈ")
    figure = page.locator(".headline-card.good .headline-figure").inner_text()
    assert re.fullmatch(r"[0-9.]+%", figure.strip()), figure
    shot(page, "05-dashboard")
    shot(page, "06-dashboard-full", full_page=True)
    assert page.problems == []


# A laptop's and a phone's screen.
WIDTHS = {1366: 900, 390: 844}


def test_my_items_review_and_dashboard_read_right_to_left_on_a_laptop_and_a_phone(
    sync_playwright, committed_plan, live_server, page
):
    item = (
        Indicator.objects.filter(
            item__policy__code="NISP-2018", item__responsibilities__agency__code="MOI"
        )
        .first()
        .item
    )
    period = open_quarter()
    for username, role, agency, name in [
        # A name as long as the demo's "Desk Officer (KP Home Department)": the header's name
        # and agency once pushed a phone's page wider than its screen.
        ("officer.moi", User.Role.DESK_OFFICER, "MOI", "Desk Officer (Internal Security Wing)"),
        ("reviewer.moi", User.Role.AGENCY_REVIEWER, "MOI", ""),
        ("member", User.Role.COMMITTEE_MEMBER, None, ""),
    ]:
        user_with_role(role, agency, username=username, language="ur", first_name=name)
    harness.approved_last_quarter(item, period)
    officer = User.objects.get(username="officer.moi")
    update = services.update_create(
        user=officer, item=item, period=period,
        data=UpdateData(status="delayed", percent_complete=35, confidence="amber",
                        confidence_rationale="فنڈز کی فراہمی میں تاخیر ہوئی۔",
                        narrative="اس سہ ماہی میں دو کمیٹیوں کے اجلاس ہوئے۔",
                        next_steps="باقی کمیٹیوں کے اجلاس بلائے جائیں گے۔"),
    )  # fmt: skip
    services.update_submit(user=officer, update=update, version=update.version)
    # An item with the loader's notes on its source, English inside an Urdu page: their
    # bullets once hung past a phone's left edge.
    noted = PlanItem.objects.filter(policy__code="NISP-2018").exclude(notes=[]).first()
    base = live_server.url

    # The choice of Urdu made once on the sign-in page, kept by the browser for everyone.
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="اردو").click()
    page.wait_for_load_state()
    for username, path, name in [
        ("officer.moi", "/my/", "my-items"),
        ("reviewer.moi", f"/updates/{update.pk}/review/", "review"),
        ("member", "/dashboard/", "dashboard"),
        ("member", f"/items/{noted.pk}/", "item"),
    ]:
        log_in_urdu(page, base, username)
        page.goto(f"{base}{path}")
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            assert page.locator("html").get_attribute("dir") == "rtl"
            # The page's own heading starts at the right edge, as Urdu is read.
            heading = page.get_by_role("heading", level=1).bounding_box()
            assert heading["x"] + heading["width"] > width * 0.6, (name, width, heading)
            # Nothing is wider than the screen (wide tables scroll inside themselves).
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width + 1, (name, width, overflow)
            shot(page, f"{name}-{width}")  # the first screen, as it opens
            shot(page, f"{name}-{width}-full", full_page=True)
            if name == "dashboard" and width == 1366:  # the charts, on a right-to-left page
                for section in ("status", "trend", "timeline"):
                    chart = page.locator(f"#{section}")
                    chart.screenshot(path=str(SHOTS / f"chart-{section}.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="لاگ آؤٹ").click()
        page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert page.problems == []
