"""A service's refusal reaches an Urdu reader in Urdu on the page: a stale version, a locked
period, a workbook refused for a closed period (tests/api/test_urdu.py: the same through the
API, codes unchanged)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from reporting import services
from reporting.models import ImportRecord, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.progress import update_form
from tests.reporting.workbook_helpers import as_bytes, fill, open_book
from tests.urdu import speaks, urdu

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else saved this update after you opened it (you had version %(yours)s, it is now "
    "%(now)s). Reload to see their changes; yours were not saved."
)
LOCKED = (
    "%(period)s is locked: the committee has reported on it, so nothing in it changes. Ask the "
    "committee secretary to reopen it if something must be corrected."
)
CLOSED = (
    "%(period)s is closed for submissions (deadline %(deadline)s). Your draft is kept; ask the "
    "committee secretary for an extension for your agency to submit it."
)
RED_NEEDS_A_REASON = "Explain the rating: a rationale is required for amber, amber/red and red."


def begun(**changes) -> UpdateData:
    values = {"status": "in_progress", "percent_complete": 10, "confidence": "green",
              "narrative": "Begun."}  # fmt: skip
    return UpdateData(**{**values, **changes})


@pytest.fixture
def draft(people, moi_item, period) -> ProgressUpdate:
    return services.update_create(user=people["officer"], item=moi_item, period=period,
                                  data=begun())  # fmt: skip


def saved_by_someone_else(people, draft) -> None:
    services.update_edit(user=people["officer"], update=draft, version=1,
                         data=begun(narrative="Saved on another screen."))  # fmt: skip


def lock(period) -> None:
    ReportingPeriod.objects.filter(pk=period.pk).update(state=ReportingPeriod.State.LOCKED)


# --- on the page ------------------------------------------------------------------------------


def edit_page_post(client, draft, period, version: int):
    form = {**update_form(period, percent_complete="20"), "version": version}
    return client.post(reverse("reporting:update_edit", args=[draft.pk]), form)


def test_a_stale_edit_is_refused_in_urdu_on_the_page(client, people, draft, period):
    client.force_login(speaks(people["officer"], "ur"))
    saved_by_someone_else(people, draft)
    response = edit_page_post(client, draft, period, version=1)
    assert response.status_code == 200
    assert urdu(STALE, yours=1, now=2) in response.content.decode()
    draft.refresh_from_db()
    assert (draft.version, draft.percent_complete) == (2, 10)


def test_a_locked_period_is_refused_in_urdu_on_the_page(client, people, draft, period):
    client.force_login(speaks(people["officer"], "ur"))
    lock(period)
    response = edit_page_post(client, draft, period, version=1)
    assert urdu(LOCKED, period=period.label) in response.content.decode()
    draft.refresh_from_db()
    assert draft.percent_complete == 10


def test_a_workbook_for_a_closed_period_is_refused_in_urdu(client, people, moi_item, period):
    client.force_login(speaks(people["officer"], "ur"))
    book = open_book(client.get(reverse("reporting:workbook_download", args=[period.pk])).content)
    fill(book, moi_item.pk, status="In progress", percent_complete=40, confidence="Green",
         narrative="Begun.")  # fmt: skip
    ReportingPeriod.objects.filter(pk=period.pk).update(state=ReportingPeriod.State.CLOSED)
    client.post(reverse("reporting:workbook_upload"),
                {"file": SimpleUploadedFile("moi.xlsx", as_bytes(book))})  # fmt: skip
    record = ImportRecord.objects.get()
    assert record.state == ImportRecord.State.REFUSED
    with translation.override("ur"):
        deadline = date_format(period.deadline, "d F Y")
    reason = urdu(CLOSED, period=period.label, deadline=deadline)
    assert record.refusal == urdu(
        "Nothing can be imported for %(period)s: %(reason)s", period=period.label, reason=reason
    )
    page = client.get(reverse("reporting:import_detail", args=[record.pk])).content.decode()
    assert record.refusal in page
