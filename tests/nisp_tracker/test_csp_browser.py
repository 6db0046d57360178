"""In Chromium: the pages and the API docs run under the Content-Security-Policy with no
violation (a blocked script, style, font, image or worker would be reported)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from agencies.models import User
from tests.factories import user_with_role

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
# Collects what the browser blocks; run before any page script.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def browser_page(live_server, monkeypatch):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; in CI the browser tests must run.")
        pytest.skip(f"{CHROMIUM} is not installed.")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        context = browser.new_context()
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.console = []
        page.on(
            "console",
            lambda msg: (
                page.console.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()
            connections.close_all()


def violations(page) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *page.console]


def test_pages_and_api_docs_run_without_csp_violations(browser_page, committed_plan, live_server):
    page = browser_page
    secretary = user_with_role(User.Role.COMMITTEE_SECRETARY, is_staff=True)
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations(page) == []
    page.fill("#id_username", secretary.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    for path in ["/", "/items/", "/dashboard/", "/compliance/", "/reports/", "/admin/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")  # the operations rendered from the schema
    assert violations(page) == [], "Swagger UI"

    page.goto(f"{live_server.url}/api/docs/redoc/")
    # The API's title, rendered by Redoc from the schema (nothing renders if a script is blocked).
    page.locator("h1", has_text="NISP Tracker API").wait_for()
    assert violations(page) == [], "Redoc"
