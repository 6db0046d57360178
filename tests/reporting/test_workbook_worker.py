"""A large agency workbook checked and applied by a real Celery worker on Redis, its progress
on the page, the result kept and mailed."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency, User
from reporting import workbook
from reporting.models import ImportRecord, ProgressUpdate
from tests.factories import user_with_role
from tests.progress import current_period
from tests.reporting.test_cycle_worker import mails_in
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, fill, open_book

pytestmark = pytest.mark.integration
State = ImportRecord.State


def wait_for(record_id: int, states: set[str], timeout: float = 120.0) -> ImportRecord:
    """Poll the database while the worker, another process, runs the job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = ImportRecord.objects.get(pk=record_id)
        if record.state in states:
            return record
        time.sleep(0.5)
    raise AssertionError(f"Import {record_id} still {record.state} after {timeout}s")


def test_a_large_workbook_is_checked_and_applied_by_the_worker(
    celery_worker, committed_plan, worker_media_dir, worker_mail_dir, client, settings
):
    settings.MEDIA_ROOT = worker_media_dir
    settings.IMPORT_BACKGROUND_ROWS = 1  # every file counts as large here
    for old in worker_mail_dir.iterdir():
        old.unlink()
    # The worker runs on the real clock: the period is the quarter of today.
    period = current_period()
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI", email="officer@interior.gov.pk")
    moi = Agency.objects.get(code="MOI")
    items = list(workbook._items(period, moi)[:3])
    book = open_book(workbook.build(agency=moi, period=period))
    for item in items:
        fill(book, item.pk, **A_DRAFT)

    client.force_login(officer)
    response = client.post(
        reverse("reporting:workbook_upload"),
        {"file": SimpleUploadedFile("moi.xlsx", as_bytes(book))},
    )
    assert response.status_code == 302
    record = ImportRecord.objects.latest("pk")
    record = wait_for(record.pk, {State.PREVIEW, State.REFUSED, State.FAILED})
    assert record.state == State.PREVIEW, record.refusal
    assert {row["item_id"] for row in record.preview if row["action"] == "new draft"} == {
        item.pk for item in items
    }
    assert not ProgressUpdate.objects.filter(period=period).exists()

    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    polled = client.get(reverse("reporting:import_progress", args=[record.pk]))
    assert b'id="import-progress"' in polled.content
    record = wait_for(record.pk, {State.APPLIED, State.REFUSED, State.FAILED})
    assert record.state == State.APPLIED, (record.refusal, record.result)
    assert ProgressUpdate.objects.filter(period=period, agency=moi).count() == len(items)
    assert record.processed_rows == record.total_rows == len(items)
    [mail] = [m for m in mails_in(worker_mail_dir) if m["To"] == "officer@interior.gov.pk"]
    assert "Applied: 3 row(s)" in mail.get_payload()
