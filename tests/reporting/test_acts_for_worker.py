"""A multi-agency workbook (User.acts_for) checked and applied by a real Celery worker on Redis:
the rows of both granted agencies previewed and written, a row for an agency not reported for
refusing the whole upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency, User
from agencies.services import acts_for_grant
from reporting import workbook
from reporting.models import ImportRecord, ProgressUpdate, ReportingPeriod
from tests.factories import user_with_role
from tests.progress import current_period
from tests.reporting.test_acts_for import add_row, download_all, fill_pair, rows_by_agency
from tests.reporting.test_workbook_worker import wait_for
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, open_book

pytestmark = pytest.mark.integration
State = ImportRecord.State
DONE_CHECKING = {State.PREVIEW, State.REFUSED, State.FAILED}
DONE_APPLYING = {State.APPLIED, State.REFUSED, State.FAILED}


def bodies_owing(period: ReportingPeriod, count: int) -> list[Agency]:
    """The first bodies besides MOI (the reviewer's own) that owe items this period."""
    found = [
        agency for agency in Agency.objects.bodies().exclude(code="MOI").order_by("code")
        if workbook._items(period, agency).exists()
    ][:count]  # fmt: skip
    assert len(found) == count, found
    return found


@pytest.fixture
def worker_upload(celery_worker, committed_plan, worker_media_dir, settings):
    """The worker's quarter (the real clock's: a worker runs on it), an MOI reviewer with grants
    for two bodies, and the body outside the grants; every upload goes to the worker."""
    settings.MEDIA_ROOT = worker_media_dir
    settings.IMPORT_BACKGROUND_ROWS = 1  # every file counts as large here
    period = current_period()
    reviewer = user_with_role(User.Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi")
    secretary = user_with_role(User.Role.COMMITTEE_SECRETARY, username="secretary")
    *granted, outside = bodies_owing(period, 3)
    for agency in granted:
        acts_for_grant(by=secretary, user=reviewer, agency=agency,
                       reason="Covers the province's reporting this year.")  # fmt: skip
    return period, reviewer, [a.code for a in granted], outside


def upload_to_worker(client, content: bytes) -> ImportRecord:
    response = client.post(reverse("reporting:workbook_upload"),
                           {"file": SimpleUploadedFile("many.xlsx", content)})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return wait_for(ImportRecord.objects.latest("pk").pk, DONE_CHECKING)


def test_the_worker_checks_and_applies_a_workbook_for_two_granted_agencies(client, worker_upload):
    period, reviewer, codes, _ = worker_upload
    book = open_book(download_all(client, reviewer, period))
    by_agency = rows_by_agency(book)
    assert sorted(by_agency) == sorted(codes)
    first, second = codes
    filled = {(first, item_id) for item_id in by_agency[first][:2]}
    filled |= {(second, by_agency[second][0])}
    for code, item_id in filled:
        fill_pair(book, code, item_id, **A_DRAFT)

    record = upload_to_worker(client, as_bytes(book))
    assert record.state == State.PREVIEW, record.refusal
    assert not any(row["errors"] for row in record.preview), record.preview
    drafts = {(row["agency"], row["item_id"]) for row in record.preview
              if row["action"] == "new draft"}  # fmt: skip
    assert drafts == filled
    assert sorted(record.agencies.values_list("code", flat=True)) == sorted(codes)
    assert record.agency.code == "MOI"  # the uploader's own, as for any upload
    assert not ProgressUpdate.objects.filter(period=period).exists()

    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    record = wait_for(record.pk, DONE_APPLYING)
    assert record.state == State.APPLIED, (record.refusal, record.result)
    updates = ProgressUpdate.objects.filter(period=period).select_related("agency")
    written = {(u.agency.code, u.item_id, u.state, u.author_id) for u in updates}
    assert written == {(code, item_id, "draft", reviewer.pk) for code, item_id in filled}
    assert record.processed_rows == record.total_rows
    assert sorted(record.agencies.values_list("code", flat=True)) == sorted(codes)


def test_the_worker_refuses_the_whole_upload_for_a_row_of_an_agency_not_granted(
    client, worker_upload
):
    period, reviewer, codes, outside = worker_upload
    book = open_book(download_all(client, reviewer, period))
    by_agency = rows_by_agency(book)
    for code in codes:
        fill_pair(book, code, by_agency[code][0], **A_DRAFT)
    outside_item = workbook._items(period, outside).first()
    add_row(book, outside.code, outside_item.pk,
            **{k: v for k, v in A_DRAFT.items() if k != "status"})  # fmt: skip

    record = upload_to_worker(client, as_bytes(book))
    assert record.state == State.PREVIEW, record.refusal
    [refused] = [row for row in record.preview if row["errors"]]
    assert refused["agency"] == outside.code
    assert refused["errors"] == [{"sheet": "Updates", "row": refused["row"], "column": "Agency",
                                  "message": f"You do not report for {outside.code}."}]  # fmt: skip
    assert {row["agency"] for row in record.preview if row["action"] == "new draft"} == set(codes)

    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    record = wait_for(record.pk, DONE_APPLYING)
    assert record.state == State.REFUSED  # all or nothing: the granted rows roll back too
    assert [r["reasons"] for r in record.result["refused"]] == [
        [f"You do not report for {outside.code}."]
    ]
    assert not ProgressUpdate.objects.filter(period=period).exists()
