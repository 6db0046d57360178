"""In a real browser: the officer downloads the agency workbook, fills it (openpyxl, as Excel
would), uploads it, reads the preview and confirms; the update is then on record."""

from __future__ import annotations

import pytest

from agencies.models import Agency, User
from reporting import workbook
from reporting.models import ImportRecord, ProgressUpdate
from tests.factories import user_with_role
from tests.reporting import test_browser as harness
from tests.reporting.test_browser import log_in, messages_text, open_quarter, shot
from tests.reporting.workbook_helpers import A_DRAFT, fill, open_book

pytestmark = pytest.mark.browser

sync_playwright = harness.sync_playwright
page = harness.page


def test_officer_downloads_fills_uploads_previews_and_confirms_the_workbook(
    sync_playwright, committed_plan, live_server, page, tmp_path
):
    period = open_quarter()
    user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    item = workbook._items(period, Agency.objects.get(code="MOI")).first()

    log_in(page, live_server.url, "officer.moi")
    page.get_by_role("link", name="Workbook").click()
    with page.expect_download() as download_info:
        page.click(f"#download-{period.pk}")
    download = download_info.value
    assert download.suggested_filename == f"nisp-workbook-MOI-NISP-2018-{period.label}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = open_book(path.read_bytes())
    fill(book, item.pk, **A_DRAFT)
    book.save(path)

    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    assert "1 will change something; 0 error(s)" in page.locator("#import-summary").inner_text()
    assert "new draft" in page.locator("#import-preview").inner_text()
    shot(page, "workbook-preview")
    assert not ProgressUpdate.objects.filter(item=item, period=period).exists()

    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_load_state()
    assert "Applied 1 row(s)" in messages_text(page)
    assert page.locator("#import-state").inner_text() == "Applied"
    update = ProgressUpdate.objects.get(item=item, period=period)
    assert (update.status, update.percent_complete, update.narrative) == (
        "in_progress", 40, A_DRAFT["narrative"]
    )  # fmt: skip
    assert ImportRecord.objects.get().state == ImportRecord.State.APPLIED
    assert page.problems == []
