"""The spreadsheet round trip: an officer downloads the agency workbook, fills it in Excel
(openpyxl here), uploads it, sees a preview, confirms; the updates are the services' own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reporting import services, workbook
from reporting.models import ImportRecord, IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.reporting.workbook_helpers import (
    A_DRAFT,
    as_bytes,
    fill,
    fill_actual,
    headers,
    open_book,
)

pytestmark = pytest.mark.django_db


def download(client, people, period) -> bytes:
    client.force_login(people["officer"])
    response = client.get(reverse("reporting:workbook_download", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="nisp-workbook-MOI-NISP-2018-{period.label}.xlsx"'
    )
    return response.content


def upload(client, content: bytes, name: str = "moi.xlsx") -> ImportRecord:
    response = client.post(
        reverse("reporting:workbook_upload"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRecord.objects.latest("pk")


def confirm(client, record: ImportRecord, valid_only: bool = False) -> ImportRecord:
    body = {"valid_only": "on"} if valid_only else {}
    response = client.post(reverse("reporting:import_confirm", args=[record.pk]), body)
    assert response.status_code == 302
    record.refresh_from_db()
    return record


def other_moi_item(period, moi_item):
    return (
        workbook._items(period, moi_item.responsibilities.first().agency)
        .exclude(pk=moi_item.pk)
        .first()
    )


def test_export_edit_upload_preview_confirm_creates_the_updates(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    indicator = moi_item.indicators.get()
    fill(book, moi_item.pk, **A_DRAFT, budget_released=1500000, budget_spent=250000.5)
    fill_actual(book, indicator.pk, "2 of 4 committees")
    second = other_moi_item(period, moi_item)
    fill(book, second.pk, **A_DRAFT, Submit="Yes")

    record = upload(client, as_bytes(book))
    assert record.state == ImportRecord.State.PREVIEW
    actions = {row["item_id"]: row["action"] for row in record.preview}
    assert actions[moi_item.pk] == "new draft"
    assert actions[second.pk] == "new draft and submit"
    assert not any(row["errors"] for row in record.preview)
    assert not ProgressUpdate.objects.exists()  # nothing written before the confirmation
    page = client.get(reverse("reporting:import_detail", args=[record.pk]))
    assert b"new draft and submit" in page.content

    record = confirm(client, record)
    assert record.state == ImportRecord.State.APPLIED
    update = ProgressUpdate.objects.get(item=moi_item, period=period)
    assert (update.state, update.status, update.percent_complete, update.confidence) == (
        "draft", "in_progress", 40, "green"
    )  # fmt: skip
    assert update.narrative == A_DRAFT["narrative"]
    assert (update.budget_released, update.budget_spent) == (1500000, 250000.5)
    assert update.author == people["officer"]
    assert IndicatorValue.objects.get(update=update).value == "2 of 4 committees"
    assert ProgressUpdate.objects.get(item=second, period=period).state == "submitted"
    assert len(record.result["applied"]) == 2


def test_an_edit_of_an_existing_draft_goes_through_the_version(client, people, moi_item, period):
    draft = services.update_create(
        user=people["officer"], item=moi_item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative="Begun."),
    )  # fmt: skip
    book = open_book(download(client, people, period))
    sheet = book[workbook.UPDATES]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == moi_item.pk)
    assert row[headers(sheet).index(workbook.VERSION)] == 1
    assert row[headers(sheet).index(workbook.field_header("status"))] == "In progress"
    fill(book, moi_item.pk, percent_complete=30, narrative="Half the committees met.")
    record = confirm(client, upload(client, as_bytes(book)))
    draft.refresh_from_db()
    assert (draft.percent_complete, draft.narrative, draft.version) == (
        30, "Half the committees met.", 2
    )  # fmt: skip
    assert record.result["applied"][0]["action"] == "edit"


def test_a_stale_row_is_refused_and_nothing_applies_by_default(client, people, moi_item, period):
    draft = services.update_create(
        user=people["officer"], item=moi_item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative="Begun."),
    )  # fmt: skip
    book = open_book(download(client, people, period))
    # Someone saves the update on the website after the workbook was downloaded.
    services.update_edit(
        user=people["officer"], update=draft, version=1,
        data=UpdateData(status="in_progress", percent_complete=20, confidence="green",
                        narrative="Saved on the web."),
    )  # fmt: skip
    fill(book, moi_item.pk, percent_complete=50)
    second = other_moi_item(period, moi_item)
    fill(book, second.pk, **A_DRAFT)
    content = as_bytes(book)

    record = upload(client, content)
    [stale] = [row for row in record.preview if row["item_id"] == moi_item.pk]
    [error] = stale["errors"]
    assert (error["sheet"], error["column"]) == ("Updates", workbook.VERSION)
    assert "it is now version 2" in error["message"]

    record = confirm(client, record)
    assert record.state == ImportRecord.State.REFUSED
    assert not ProgressUpdate.objects.filter(item=second).exists()
    draft.refresh_from_db()
    assert (draft.narrative, draft.version) == ("Saved on the web.", 2)  # never overwritten

    record = confirm(client, upload(client, content), valid_only=True)
    assert record.state == ImportRecord.State.APPLIED
    assert ProgressUpdate.objects.filter(item=second, period=period).exists()
    draft.refresh_from_db()
    assert (draft.narrative, draft.version) == ("Saved on the web.", 2)
    assert [row["item_id"] for row in record.result["refused"]] == [moi_item.pk]


def test_every_error_is_shown_with_its_sheet_row_and_column(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, status="Nearly there", percent_complete=140, confidence="Red",
         narrative="Stuck.", budget_released=10, budget_spent=20)  # fmt: skip
    record = upload(client, as_bytes(book))
    [row] = [r for r in record.preview if r["item_id"] == moi_item.pk]
    columns = {error["column"] for error in row["errors"]}
    assert workbook.field_header("status") in columns
    assert workbook.field_header("percent_complete") in columns
    assert all(
        error["sheet"] == "Updates" and error["row"] == row["row"] for error in row["errors"]
    )
    # The services' own rules, once the cells parse: a red rating needs its rationale.
    fill(book, moi_item.pk, status="In progress", percent_complete=40)
    record = upload(client, as_bytes(book))
    [row] = [r for r in record.preview if r["item_id"] == moi_item.pk]
    messages = {error["column"]: error["message"] for error in row["errors"]}
    assert "rationale" in messages[workbook.field_header("confidence_rationale")]
    assert "exceed released" in messages[workbook.field_header("budget_spent")]
    page = client.get(reverse("reporting:import_detail", args=[record.pk]))
    assert "Explain the rating" in page.content.decode()


def refused_with(client, content: bytes, name: str = "moi.xlsx") -> str:
    before = ProgressUpdate.objects.count()
    record = upload(client, content, name)
    assert record.state == ImportRecord.State.REFUSED
    assert ProgressUpdate.objects.count() == before
    return record.refusal


def test_a_file_that_is_not_xlsx_is_refused(client, people, period):
    client.force_login(people["officer"])
    assert "not an Excel workbook" in refused_with(client, b"item,status\n1,done\n", "moi.csv")


def test_a_file_over_the_limit_is_refused(client, people, moi_item, period, settings):
    content = download(client, people, period)
    settings.IMPORT_MAX_BYTES = len(content) - 1
    assert "the limit is" in refused_with(client, content)


def test_a_workbook_with_other_columns_is_refused(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    book[workbook.UPDATES].cell(row=1, column=10, value="Notes")
    assert "columns are not the workbook's" in refused_with(client, as_bytes(book))


def test_another_agencys_workbook_is_refused(client, people, moi_item, period):
    content = download(client, people, period)
    client.force_login(people["outsider"])
    assert "MOI's, not HD-KP's" in refused_with(client, content)


def test_another_agencys_items_are_refused(client, people, moi_item, kp_item, period):
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, **A_DRAFT)
    sheet = book[workbook.UPDATES]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == moi_item.pk:
            row[0].value = kp_item.pk
    assert "not MOI's items" in refused_with(client, as_bytes(book))


def test_a_closed_period_is_refused(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, **A_DRAFT)
    ReportingPeriod.objects.filter(pk=period.pk).update(state=ReportingPeriod.State.CLOSED)
    assert "closed for submissions" in refused_with(client, as_bytes(book))


def test_an_outsider_cannot_see_or_confirm_another_agencys_import(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, **A_DRAFT)
    record = upload(client, as_bytes(book))
    client.force_login(people["outsider"])
    assert client.get(reverse("reporting:import_detail", args=[record.pk])).status_code == 404
    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.state == ImportRecord.State.PREVIEW


def test_the_result_is_mailed_to_the_officer(client, people, moi_item, period, mailoutbox):
    people["officer"].email = "officer@interior.gov.pk"
    people["officer"].save()
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, **A_DRAFT)
    confirm(client, upload(client, as_bytes(book)))
    [mail] = [m for m in mailoutbox if m.to == ["officer@interior.gov.pk"]]
    assert "Applied: 1 row(s)" in mail.body


def test_the_workbook_has_dropdowns_protection_and_instructions(client, people, moi_item, period):
    book = open_book(download(client, people, period))
    sheet = book[workbook.UPDATES]
    assert sheet.protection.sheet
    assert book[workbook.INSTRUCTIONS].protection.sheet
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("On track" in formula for formula in lists)
    assert any("Amber/green" in formula for formula in lists)
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == moi_item.pk)
    column = headers(sheet).index(workbook.field_header("narrative"))
    assert row[0].protection.locked
    assert not row[column].protection.locked
    assert sheet.freeze_panes == "A2"


def test_export_workbook_command_writes_the_file(people, moi_item, period, tmp_path):
    out = tmp_path / "moi.xlsx"
    call_command("export_workbook", "MOI", str(period.pk), "--output", str(out))
    book = open_book(out.read_bytes())
    ids = [r[0] for r in book[workbook.UPDATES].iter_rows(min_row=2, values_only=True)]
    assert moi_item.pk in ids
