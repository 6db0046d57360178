"""The agency workbook in Urdu: written in the downloader's language (sheets, headers,
dropdowns, instructions), read back by the language it was made in, its choices and Yes/No
taken in either language; the preview's errors and the result e-mail in the uploader's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from reporting import tasks, update_fields, workbook
from reporting.models import ImportRecord, ProgressUpdate
from tests.reporting.test_workbook import confirm, download, other_moi_item, upload
from tests.reporting.workbook_helpers import (
    as_bytes,
    fill,
    fill_actual,
    headers,
    open_book,
    sheet_of,
)
from tests.urdu import URDU_SCRIPT, speaks, urdu

pytestmark = pytest.mark.django_db
Status, Confidence = ProgressUpdate.Status, ProgressUpdate.Confidence


def label(choice) -> str:
    """A choice's label as the Urdu dropdown shows it (a request in Urdu leaves Urdu active on
    the test's thread, so the English is asked for by name)."""
    with translation.override("en-gb"):
        english = str(choice.label)
    return urdu(english)


@pytest.fixture
def urdu_officer(people):
    speaks(people["officer"], "ur")
    return people["officer"]


def urdu_draft() -> dict:
    return {
        "status": label(Status.IN_PROGRESS),
        "percent_complete": 40,
        "confidence": label(Confidence.GREEN),
        "narrative": "چار میں سے دو کمیٹیوں کا اجلاس ہو چکا ہے۔",
        "next_steps": "باقی کمیٹیوں کا اجلاس بلایا جائے۔",
    }


def test_a_workbook_downloaded_in_urdu_is_written_in_urdu(
    client, people, urdu_officer, moi_item, period
):
    book = open_book(download(client, people, period))
    assert book.sheetnames == [urdu("Updates"), urdu("Indicators"), urdu("Instructions")]
    updates = headers(book[urdu("Updates")])
    assert updates[0] == urdu("Item id")
    assert urdu("Update version") in updates
    with translation.override("ur"):
        assert workbook.field_header("confidence") in updates
    assert updates[-1] == urdu("Submit")
    # Every header a reader sees is Urdu (the English gloss in brackets aside).
    assert all(URDU_SCRIPT.search(header) for header in updates)
    assert all(URDU_SCRIPT.search(header) for header in headers(book[urdu("Indicators")]))
    about = {row[0]: row[1] for row in book[urdu("Instructions")].iter_rows(values_only=True)
             if row and row[0]}  # fmt: skip
    assert about[urdu("Language")] == "ur"
    assert about[urdu("Format")] == workbook.FORMAT
    assert about[urdu("Period")] == period.label
    lists = [v.formula1 for v in book[urdu("Updates")].data_validations.dataValidation]
    assert any(label(Status.ON_TRACK) in formula for formula in lists)
    assert any(label(Confidence.AMBER_GREEN) in formula for formula in lists)
    assert any(urdu("Yes") in formula and urdu("No") in formula for formula in lists)
    assert not any("On track" in formula for formula in lists)


def test_a_workbook_filled_in_urdu_round_trips(client, people, urdu_officer, moi_item, period):
    book = open_book(download(client, people, period))
    indicator = moi_item.indicators.get()
    fill(book, moi_item.pk, **urdu_draft(), budget_released=1500000, budget_spent=250000)
    fill_actual(book, indicator.pk, "چار میں سے دو کمیٹیاں")
    second = other_moi_item(period, moi_item)
    fill(book, second.pk, **urdu_draft(), Submit=urdu("Yes"))

    record = upload(client, as_bytes(book))
    assert record.state == ImportRecord.State.PREVIEW
    assert not any(row["errors"] for row in record.preview)
    actions = {row["item_id"]: row["action"] for row in record.preview}
    assert actions == {moi_item.pk: "new draft", second.pk: "new draft and submit"} | {
        pk: "nothing filled in" for pk in actions if pk not in (moi_item.pk, second.pk)
    }
    page = client.get(reverse("reporting:import_detail", args=[record.pk])).content.decode()
    assert urdu("new draft and submit") in page

    record = confirm(client, record)
    assert record.state == ImportRecord.State.APPLIED
    update = ProgressUpdate.objects.get(item=moi_item, period=period)
    assert (update.state, update.status, update.confidence, update.percent_complete) == (
        "draft", "in_progress", "green", 40
    )  # fmt: skip
    assert (update.budget_released, update.budget_spent) == (1500000, 250000)
    assert update.narrative == urdu_draft()["narrative"]
    assert update.indicator_values.get().value == "چار میں سے دو کمیٹیاں"
    assert ProgressUpdate.objects.get(item=second, period=period).state == "submitted"


def test_choices_and_yes_are_read_in_either_language(client, people, moi_item, period):
    """An officer may type the English label into an Urdu workbook, or the Urdu one into an
    English workbook: both are the same choice."""
    speaks(people["officer"], "ur")
    urdu_book = open_book(download(client, people, period))
    fill(urdu_book, moi_item.pk, status="In progress", percent_complete=40, confidence="Green",
         narrative="Begun.", Submit="Yes")  # fmt: skip
    record = upload(client, as_bytes(urdu_book))
    assert not any(row["errors"] for row in record.preview), record.preview
    assert confirm(client, record).state == ImportRecord.State.APPLIED

    speaks(people["officer"], "en-gb")
    english_book = open_book(download(client, people, period))
    second = other_moi_item(period, moi_item)
    fill(english_book, second.pk, status=label(Status.IN_PROGRESS), percent_complete=40,
         confidence=label(Confidence.GREEN), narrative="Begun.", Submit=urdu("Yes"))  # fmt: skip
    record = upload(client, as_bytes(english_book))
    assert not any(row["errors"] for row in record.preview), record.preview
    assert confirm(client, record).state == ImportRecord.State.APPLIED
    for item in (moi_item, second):
        update = ProgressUpdate.objects.get(item=item, period=period)
        assert (update.status, update.confidence, update.state) == (
            "in_progress", "green", "submitted"
        )  # fmt: skip


def a_red_rating_without_rationale(book, item) -> None:
    fill(book, item.pk, status="In progress", percent_complete=40, confidence="Red",
         narrative="Stuck.")  # fmt: skip


def test_the_file_is_read_in_its_language_and_the_errors_are_worded_in_the_uploaders(
    client, people, moi_item, period
):
    """Downloaded in Urdu, uploaded after switching to English: the Urdu headers are still
    read; the error is English and names the column as the file shows it. And the reverse."""
    speaks(people["officer"], "ur")
    urdu_book = open_book(download(client, people, period))
    a_red_rating_without_rationale(urdu_book, moi_item)
    speaks(people["officer"], "en-gb")
    english_book = open_book(download(client, people, period))
    a_red_rating_without_rationale(english_book, moi_item)

    record = upload(client, as_bytes(urdu_book))
    [error] = next(r for r in record.preview if r["item_id"] == moi_item.pk)["errors"]
    with translation.override("ur"):
        column = workbook.field_header("confidence_rationale")
    assert (error["sheet"], error["column"]) == (urdu("Updates"), column)
    assert error["message"].startswith("Explain the rating")

    speaks(people["officer"], "ur")
    record = upload(client, as_bytes(english_book))
    [error] = next(r for r in record.preview if r["item_id"] == moi_item.pk)["errors"]
    assert (error["sheet"], error["column"]) == ("Updates", "Confidence rationale")
    assert error["message"] == urdu(
        "Explain the rating: a rationale is required for amber, amber/red and red."
    )
    page = client.get(reverse("reporting:import_detail", args=[record.pk])).content.decode()
    assert error["message"] in page


def test_a_job_checks_the_file_in_the_uploaders_language(
    client, people, urdu_officer, moi_item, period
):
    """A large file is checked by a worker, where no request chose a language: the preview is
    worded in the uploader's saved language all the same."""
    book = open_book(download(client, people, period))
    a_red_rating_without_rationale(book, moi_item)
    record = upload(client, as_bytes(book))
    with translation.override(settings.LANGUAGE_CODE):
        assert tasks.check_import(record.pk) == ImportRecord.State.PREVIEW
    record.refresh_from_db()
    [error] = next(r for r in record.preview if r["item_id"] == moi_item.pk)["errors"]
    assert error["message"] == urdu(
        "Explain the rating: a rationale is required for amber, amber/red and red."
    )


def test_the_result_is_mailed_in_the_officers_language(
    client, people, urdu_officer, moi_item, period, mailoutbox
):
    urdu_officer.email = "officer@interior.gov.pk"
    urdu_officer.save(update_fields=["email"])
    book = open_book(download(client, people, period))
    fill(book, moi_item.pk, **urdu_draft())
    # Mailed after the apply, worded for the officer even from an English request.
    speaks(urdu_officer, "ur")
    record = confirm(client, upload(client, as_bytes(book)))
    [mail] = [m for m in mailoutbox if m.to == ["officer@interior.gov.pk"]]
    assert mail.subject == urdu("Workbook upload %(state)s") % {"state": urdu("Applied")}
    assert (
        urdu("Applied: %(applied)s row(s). Refused: %(refused)s row(s).")
        % {
            "applied": 1,
            "refused": 0,
        }
        in mail.body
    )
    link = settings.SITE_URL.rstrip("/") + reverse("reporting:import_detail", args=[record.pk])
    assert urdu("Details: %(link)s") % {"link": link} in mail.body


def test_the_instructions_name_the_columns_as_the_sheet_heads_them(
    client, people, urdu_officer, moi_item, period
):
    book = open_book(download(client, people, period))
    instructions = [
        row for row in sheet_of(book, workbook.INSTRUCTIONS).iter_rows(values_only=True)
    ]
    described = {row[0] for row in instructions if row and row[0]}
    with translation.override("ur"):
        for name in update_fields.REPORTED_FIELDS:
            assert workbook.field_header(name) in described
    assert urdu("Submit") in described
