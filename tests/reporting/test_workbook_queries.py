"""An upload's cost does not grow with its rows: the check and preview read the database a fixed
number of times (the last approved updates of every row in one query), and so does applying it
(the services' batch: one lock, one duplicate check, the rows and their history in bulk), for new
drafts as for edits that are submitted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from core.quarters import Quarter
from reporting import services, workbook
from reporting.models import ImportRecord, ProgressUpdate
from reporting.update_fields import UpdateData
from tests.factories import ProgressUpdateFactory, quarter_period
from tests.reporting.test_workbook import confirm, download, upload
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, fill, open_book

pytestmark = pytest.mark.django_db


def approved_before(period, items) -> None:
    """An approved update for each item a quarter before `period`, at 60%, rated amber."""
    earlier = quarter_period("NISP-2018", Quarter.of(period.start).previous().label)
    for item in items:
        ProgressUpdateFactory(item=item, period=earlier, percent_complete=60,
                              confidence="amber", confidence_rationale="Slow.")  # fmt: skip


def filled(client, people, period, items, **extra) -> bytes:
    book = open_book(download(client, people, period))
    for item in items:
        fill(book, item.pk, **A_DRAFT, change_rationale="Recounted.",
             confidence_rationale="Back on course.", **extra)  # fmt: skip
    return as_bytes(book)


def counted(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    return result, len(queries)


def test_preview_and_apply_queries_do_not_grow_per_row(client, people, period):
    items = list(workbook._items(period, Agency.objects.get(code="MOI"))[:9])
    approved_before(period, items)
    # A draft already there, so both uploads read the agency's updates alike.
    services.update_create(user=people["officer"], item=items.pop(), period=period,
                           data=UpdateData(**data_of_draft()))  # fmt: skip
    few, many = items[:2], items[2:]

    runs = {}
    for name, rows in (("few", few), ("many", many)):
        content = filled(client, people, period, rows)
        record, preview = counted(upload, client, content)
        assert record.state == ImportRecord.State.PREVIEW
        assert not any(row["errors"] for row in record.preview), record.preview
        record, apply = counted(confirm, client, record)
        assert record.state == ImportRecord.State.APPLIED, record.result
        runs[name] = (preview, apply)
    # The second round: the same rows edited again and submitted.
    for name, rows in (("few again", few), ("many again", many)):
        book = open_book(download(client, people, period))
        for item in rows:
            fill(book, item.pk, narrative="Edited offline.", **{workbook.SUBMIT: workbook.YES})
        record, preview = counted(upload, client, as_bytes(book))
        assert not any(row["errors"] for row in record.preview), record.preview
        record, apply = counted(confirm, client, record)
        assert record.state == ImportRecord.State.APPLIED, record.result
        runs[name] = (preview, apply)

    assert runs["many"] == runs["few"]  # preview and apply: the same queries for 6 rows as 2
    assert runs["many again"] == runs["few again"]
    assert ProgressUpdate.objects.filter(period=period, item__in=items).count() == len(items)
    assert set(
        ProgressUpdate.objects.filter(period=period, item__in=items).values_list(
            "state", "narrative"
        )
    ) == {(ProgressUpdate.State.SUBMITTED, "Edited offline.")}


def data_of_draft() -> dict:
    return {"status": "in_progress", "percent_complete": 60, "confidence": "amber",
            "confidence_rationale": "Slow.", "narrative": "Begun on the web."}  # fmt: skip


def test_each_row_is_checked_against_its_own_last_approved_update(client, people, period):
    items = list(workbook._items(period, Agency.objects.get(code="MOI"))[:3])
    approved_before(period, items[:2])
    book = open_book(download(client, people, period))
    fill(book, items[0].pk, **A_DRAFT, confidence_rationale="Back on course.")  # no reason
    fill(book, items[1].pk, **A_DRAFT, change_rationale="Recounted.",
         confidence_rationale="Back on course.")  # fmt: skip
    fill(book, items[2].pk, **A_DRAFT)  # nothing approved before: nothing to go down from
    record = upload(client, as_bytes(book))
    errors = {row["item_id"]: [e["message"] for e in row["errors"]] for row in record.preview}
    assert errors[items[1].pk] == errors[items[2].pk] == []
    [message] = errors[items[0].pk]
    assert "went down from 60%" in message
