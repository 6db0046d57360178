"""Applying a confirmed workbook: the rows go through the services' batch (reporting.services.
updates_apply), which checks each row as the form's services do and writes them together. What a
reviewer, the audit trail and a row changed between preview and confirmation see of it."""

from __future__ import annotations

import pytest

from reporting import services, workbook
from reporting.models import IndicatorValue, Notification, ProgressUpdate
from reporting.update_fields import UpdateData
from tests.reporting.test_workbook import confirm, download, other_moi_item, upload
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, fill, fill_actual, open_book

pytestmark = pytest.mark.django_db

SUBMIT = {workbook.SUBMIT: workbook.YES}


def begun(people, item, period, narrative="Begun.") -> ProgressUpdate:
    return services.update_create(
        user=people["officer"], item=item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative=narrative),
    )  # fmt: skip


def test_a_row_changed_on_the_web_after_the_preview_is_refused_at_confirmation(
    client, people, moi_item, period
):
    draft = begun(people, moi_item, period)
    second = other_moi_item(period, moi_item)
    for valid_only in (False, True):
        book = open_book(download(client, people, period))
        fill(book, moi_item.pk, percent_complete=50, narrative="From the workbook.")
        fill(book, second.pk, **A_DRAFT)
        record = upload(client, as_bytes(book))
        assert not any(row["errors"] for row in record.preview)  # fine when previewed
        # Saved on the website between the preview and the confirmation.
        draft.refresh_from_db()
        services.update_edit(
            user=people["officer"], update=draft, version=draft.version,
            data=UpdateData(status="in_progress", percent_complete=20, confidence="green",
                            narrative=f"Saved on the web ({valid_only})."),
        )  # fmt: skip
        record = confirm(client, record, valid_only=valid_only)
        [refused] = record.result["refused"]
        assert refused["item_id"] == moi_item.pk
        assert (
            "Someone saved this item's update after the workbook was downloaded"
            in (refused["reasons"][0])
        )
        draft.refresh_from_db()
        assert draft.narrative == f"Saved on the web ({valid_only})."  # never overwritten
        # All or nothing by default; the valid rows only when the officer chose it.
        assert ProgressUpdate.objects.filter(item=second).exists() is valid_only


def test_each_applied_row_is_on_record_with_the_uploader_and_the_upload(
    client, people, moi_item, period
):
    draft = begun(people, moi_item, period)
    second = other_moi_item(period, moi_item)
    indicator = moi_item.indicators.get()
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, percent_complete=30, narrative="Edited offline.")
    fill_actual(book, indicator.pk, "3 of 4 committees")
    fill(book, second.pk, **A_DRAFT, **SUBMIT)
    record = confirm(client, upload(client, as_bytes(book), name="moi-q.xlsx"))
    assert len(record.result["applied"]) == 2

    reason = f"Workbook upload moi-q.xlsx (import {record.pk})"
    edit = draft.history.latest()
    assert (edit.history_type, edit.history_user, edit.history_change_reason) == (
        "~", people["officer"], reason
    )  # fmt: skip
    assert (edit.narrative, edit.version) == ("Edited offline.", 2)
    new = ProgressUpdate.objects.get(item=second, period=period)
    [created] = new.history.all()  # created and submitted in one step: one record
    assert (created.history_type, created.state, created.history_user) == (
        "+", "submitted", people["officer"]
    )  # fmt: skip
    assert created.history_change_reason == reason
    actual = IndicatorValue.objects.get(update=draft)
    assert actual.value == "3 of 4 committees"
    assert actual.history.latest().history_change_reason == reason


def test_a_reviewer_is_told_once_of_a_workbook_full_of_submissions(
    client, people, moi_item, period, mailoutbox, django_capture_on_commit_callbacks
):
    people["reviewer"].email = "reviewer@interior.gov.pk"
    people["reviewer"].save()
    items = list(workbook._items(period, moi_item.responsibilities.first().agency)[:4])
    book = open_book(download(client, people, period))
    for item in items:
        fill(book, item.pk, **A_DRAFT, **SUBMIT)
    record = upload(client, as_bytes(book))
    with django_capture_on_commit_callbacks(execute=True):
        record = confirm(client, record)
    assert len(record.result["applied"]) == len(items)

    [notice] = Notification.objects.filter(recipient=people["reviewer"])
    assert notice.kind == Notification.Kind.SUBMITTED
    assert notice.subject.endswith(f"{len(items)} updates of MOI submitted for your review")
    for item in items:
        assert f"NISP-2018 {item.ref} ({period.label})" in notice.body
    [mail] = [m for m in mailoutbox if m.to == ["reviewer@interior.gov.pk"]]
    assert mail.subject == notice.subject


def test_a_single_submission_is_still_told_as_before(client, people, moi_item, period):
    people["reviewer"].email = "reviewer@interior.gov.pk"
    people["reviewer"].save()
    draft = begun(people, moi_item, period)
    services.update_submit(user=people["officer"], update=draft, version=draft.version)
    [notice] = Notification.objects.filter(recipient=people["reviewer"])
    assert notice.update == draft
    assert notice.subject.endswith(
        f"NISP-2018 {moi_item.ref} ({period.label}) submitted for your review"
    )


def test_a_completed_row_without_evidence_is_refused_and_writes_nothing(
    client, people, moi_item, period
):
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, status="Completed", percent_complete=100, confidence="Green",
         narrative="Done.", **SUBMIT)  # fmt: skip
    record = upload(client, as_bytes(book))
    record = confirm(client, record, valid_only=True)
    [refused] = record.result["refused"]
    assert "needs evidence" in " ".join(refused["reasons"])
    assert not ProgressUpdate.objects.filter(item=moi_item).exists()  # not even the draft


def test_a_workbook_with_no_rows_left_is_an_empty_preview(client, people, moi_item, period):
    """Every item already reported leaves the Updates sheet empty: nothing to do, no error."""
    book = open_book(download(client, people, period))
    for name in (workbook.UPDATES, workbook.INDICATORS):
        book[name].delete_rows(2, book[name].max_row)
    record = upload(client, as_bytes(book))
    assert (record.state, record.preview, record.refusal) == ("preview", [], "")
    assert list(record.agencies.values_list("code", flat=True)) == ["MOI"]


def test_a_reviewer_with_a_grant_cannot_upload_the_workbook_of_the_agency_they_review(
    client, people, moi_item, period
):
    from agencies.models import Agency
    from agencies.services import acts_for_grant
    from tests.reporting.test_workbook import refused_with

    content = download(client, people, period)
    acts_for_grant(by=people["secretary"], user=people["reviewer"],
                   agency=Agency.objects.get(code="HD-KP"), reason="Covers KP.")  # fmt: skip
    client.force_login(people["reviewer"])  # MOI's reviewer: reviews MOI, reports for KP
    assert "This workbook is MOI's, not yours" in refused_with(client, content)
