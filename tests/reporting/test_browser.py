"""End to end in a real browser: a desk officer reports progress, the agency reviewer approves it.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against
pytest-django's live server. Screenshots of the key steps go to var/screenshots/.
"""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from agencies.models import User
from interventions.models import Indicator, PlanItem, Policy
from reporting import periods, services
from reporting.models import EvidenceFile, IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.factories import user_with_role

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    # The network is closed: keep Chromium from reaching out on its own.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


def _unavailable(reason: str):
    """Skip on a laptop without the browser; in CI the browser test must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} In CI the browser test must run (see .ci/run).")
    pytest.skip(reason)


@pytest.fixture
def sync_playwright():
    """Playwright's entry point, once the browser is known to be there (before any DB work)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("The playwright package is not installed (pip install -e '.[test]').")
    return sync_playwright


@pytest.fixture
def page(sync_playwright, live_server, monkeypatch):
    """A fresh Chromium page; console errors and uncaught exceptions collected on it."""
    # Playwright's sync API keeps an event loop running in this thread, which trips Django's
    # async-unsafe check on every ORM call the test makes; the documented way around it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.problems = []

        def on_console(msg):
            if msg.type != "error":
                return
            source = msg.location.get("url", "")
            page.problems.append(f"console error on {page.url}: {msg.text} ({source})")

        def on_response(response):
            if response.status >= 400:
                page.problems.append(f"HTTP {response.status} for {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: page.problems.append(f"page error on {page.url}: {exc}"))
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # While Playwright's loop runs, Django keys connections by context, not thread: the
            # ORM calls made meanwhile opened a second connection. Close it here, or it holds
            # the PostgreSQL test database open and blocks its teardown.
            connections.close_all()


def shot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    # The header greets whoever is signed in; the login form would still be there otherwise.
    assert page.locator(".site-header .user").inner_text().startswith(username), page.url


def messages_text(page) -> str:
    return page.locator("ul.messages").inner_text()


# The review page and the queue, judged readable at a laptop's and a phone's width.
REVIEW_SHOTS = Path(os.environ.get("REVIEW_SHOTS_DIR", str(SCREENSHOTS)))
WIDTHS = {"1366": 900, "390": 844}


def review_shots(page, name: str) -> None:
    REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": int(width), "height": height})
        page.screenshot(path=str(REVIEW_SHOTS / f"review-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def approved_last_quarter(item, period: ReportingPeriod) -> ProgressUpdate:
    """MoI's update for the quarter before `period`, approved, the quarter since closed."""
    end = period.start - datetime.timedelta(days=1)
    previous = ReportingPeriod.objects.create(
        policy=period.policy,
        label=f"{end.year}Q{(end.month + 2) // 3}",
        start=datetime.date(end.year, end.month - 2, 1),
        end=end,
        deadline=end + datetime.timedelta(days=15),
    )
    officer = User.objects.get(username="officer.moi")
    update = services.update_create(
        user=officer, item=item, period=previous,
        data=UpdateData(status="on_track", percent_complete=20, confidence="green",
                        narrative="One report was prepared by the JID."),
    )  # fmt: skip
    update = services.update_submit(user=officer, update=update, version=update.version)
    update = services.update_approve(
        user=User.objects.get(username="reviewer.moi"), update=update, version=update.version
    )
    periods.period_close(
        period=previous,
        user=user_with_role(User.Role.COMMITTEE_SECRETARY, username="secretary"),
        reason="The quarter's deadline has passed.",
    )
    return update


def submitted_other_item(item, period: ReportingPeriod) -> ProgressUpdate:
    """A second MoI submission, so the queue holds more than one row."""
    other = (
        PlanItem.objects.filter(policy=period.policy, responsibilities__agency__code="MOI")
        .exclude(pk=item.pk)
        .order_by("position")
        .first()
    )
    officer = User.objects.get(username="officer.moi")
    update = services.update_create(
        user=officer, item=other, period=period,
        data=UpdateData(status="delayed", percent_complete=10, confidence="amber",
                        confidence_rationale="Procurement awaits approval.",
                        narrative="Tender documents drafted."),
    )  # fmt: skip
    return services.update_submit(user=officer, update=update, version=update.version)


def open_quarter() -> ReportingPeriod:
    """The NISP 2018 quarter covering today, open for submission."""
    today = timezone.localdate()
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = datetime.date(today.year, first_month, 1)
    if first_month == 10:
        end = datetime.date(today.year, 12, 31)
    else:
        end = datetime.date(today.year, first_month + 3, 1) - datetime.timedelta(days=1)
    period, _ = ReportingPeriod.objects.update_or_create(
        policy=Policy.objects.get(code="NISP-2018"),
        label=f"{today.year}Q{(first_month + 2) // 3}",
        defaults={
            "start": start,
            "end": end,
            "deadline": end + datetime.timedelta(days=15),
            "state": ReportingPeriod.State.OPEN,
        },
    )
    return period


def test_officer_reports_and_reviewer_approves(
    sync_playwright, committed_plan, live_server, page, tmp_path
):
    indicator = Indicator.objects.filter(
        measure=Indicator.Measure.NUMBER,
        item__policy__code="NISP-2018",
        item__responsibilities__agency__code="MOI",
    ).first()
    item = indicator.item
    period = open_quarter()
    user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    user_with_role(User.Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi")
    approved_last_quarter(item, period)
    submitted_other_item(item, period)
    evidence = tmp_path / "committee-minutes.pdf"
    evidence.write_bytes(b"%PDF-1.4 test")
    base = live_server.url
    for old in SCREENSHOTS.glob("browser-*.png") if SCREENSHOTS.is_dir() else ():
        old.unlink()

    # The desk officer drafts an update with an indicator actual and a file.
    log_in(page, base, "officer.moi")
    # The stylesheet loaded: the header carries the accent colour, not the browser default.
    assert (
        page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
        == "rgb(1, 65, 28)"
    )
    page.goto(f"{base}/items/{item.pk}/updates/new/")
    assert page.locator("#id_period option:checked").inner_text() == str(period)
    page.select_option("#id_status", "on_track")
    page.fill("#id_percent_complete", "40")
    page.locator("input[name=confidence][value=green]").click()
    page.fill("#id_narrative", "Four reports were prepared by the JID this quarter.")
    page.fill("#id_next_steps", "Share the reports with the provinces.")
    page.fill(f"input[name=indicator_{indicator.pk}]", "37")
    page.set_input_files("input[name=evidence_file]", evidence)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/updates/\d+/$"))
    assert f"Draft saved for {period.label}" in messages_text(page)
    assert page.get_by_role("link", name="committee-minutes.pdf").is_visible()
    assert re.fullmatch(
        r"37(\.00)?", page.locator(f"input[name=indicator_{indicator.pk}]").input_value()
    )
    shot(page, "browser-01-draft-saved")

    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"{base}/my/")
    assert "Saved and submitted to your agency's reviewer." in messages_text(page)
    row = page.locator("tr", has=page.get_by_role("link", name=f"NISP-2018 {item.ref}", exact=True))
    assert row.locator("td").last.inner_text().strip() == "Submitted"
    # The list runs to every MOI item; the top of it holds the message and this row.
    shot(page, "browser-02-submitted", full_page=False)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))

    # The agency reviewer finds it in the queue (a table) and opens its review page.
    log_in(page, base, "reviewer.moi")
    page.goto(f"{base}/reviews/")
    entry = page.locator("table.queue tbody tr").filter(
        has=page.get_by_role("link", name=f"NISP-2018 {item.ref}", exact=True)
    )
    assert entry.count() == 1
    assert "On track · 40%" in entry.inner_text()
    assert page.locator("table.queue tbody tr").count() == 2
    review_shots(page, "queue")
    entry.get_by_role("link", name=f"NISP-2018 {item.ref}", exact=True).click()
    page.wait_for_url(re.compile(r"/updates/\d+/review/$"))

    # It opens the evidence file through the permission-checked download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="committee-minutes.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "committee-minutes.pdf"
    assert Path(download.path()).read_bytes() == b"%PDF-1.4 test"

    # It sees what changed since the last approved update, side by side.
    changes = page.locator("table.side-by-side")
    percent = changes.locator("tr[data-field=percent_complete]")
    assert percent.locator("td.before").inner_text() == "20%"
    assert percent.locator("td.after").inner_text() == "40%"
    assert changes.locator("tr[data-field=status]").count() == 0  # unchanged: not listed
    review_shots(page, "page")
    page.fill("#id_comment", "Checked against the minutes.")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{base}/reviews/")
    assert "Approved:" in messages_text(page)
    assert page.locator("table.queue tbody tr").count() == 1
    shot(page, "browser-04-approved")

    # The item page now shows the approved status and the indicator's actual.
    page.goto(f"{base}/items/{item.pk}/")
    status = page.locator("p", has_text="Current status:")
    assert status.locator(".badge").get_attribute("class") == "badge status-on_track"
    assert status.locator(".badge").inner_text() == "On track"
    assert "40% complete" in status.inner_text()
    # The plan section's indicator table: description, unit, baseline, target, direction,
    # approved actuals, progress toward target.
    actuals = page.locator("tr", has_text=indicator.description).locator("td").nth(5)
    assert actuals.inner_text().strip() == f"{period.label}: 37"
    updates_row = page.locator("tr", has=page.get_by_role("link", name="committee-minutes.pdf"))
    assert "Approved" in updates_row.inner_text()
    assert "On track (40%)" in updates_row.inner_text()
    shot(page, "browser-05-item-approved")

    update = ProgressUpdate.objects.get(item=item, period=period, agency__code="MOI")
    assert update.state == ProgressUpdate.State.APPROVED
    assert update.status == ProgressUpdate.Status.ON_TRACK
    assert update.reviewed_by.username == "reviewer.moi"
    [attached] = EvidenceFile.objects.filter(update=update)
    assert attached.original_name == "committee-minutes.pdf"
    assert attached.size == len(b"%PDF-1.4 test")
    [value] = IndicatorValue.objects.filter(update=update)
    assert (value.indicator_id, value.number, value.text) == (indicator.pk, Decimal("37"), "")

    assert page.problems == []
    assert len(list(SCREENSHOTS.glob("browser-*.png"))) == 4
    assert len(list(REVIEW_SHOTS.glob("review-*.png"))) == 4
