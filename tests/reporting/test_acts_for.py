"""Reporting for other agencies (User.acts_for): a grant on record lets a person export and
upload one workbook for several agencies; every row is checked against the uploader's grants,
and the web form and the API ask the same rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import ActsFor, Agency, User
from agencies.services import acts_for_grant
from interventions import services as plan_services
from interventions.models import PlanItem
from reporting import workbook
from reporting.models import ImportRecord, ProgressUpdate
from tests.progress import update_form
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, headers, open_book

pytestmark = pytest.mark.django_db


def grant(people, person: str, code: str) -> ActsFor:
    return acts_for_grant(by=people["secretary"], user=people[person],
                          agency=Agency.objects.get(code=code),
                          reason="Covers the province's reporting this year.")  # fmt: skip


def download_all(client, user, period) -> bytes:
    client.force_login(user)
    url = reverse("reporting:workbook_download", args=[period.pk]) + "?agency=all"
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content


def upload(client, content: bytes) -> ImportRecord:
    response = client.post(reverse("reporting:workbook_upload"),
                           {"file": SimpleUploadedFile("many.xlsx", content)})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRecord.objects.latest("pk")


def rows_by_agency(book) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row in book[workbook.UPDATES].iter_rows(min_row=2, values_only=True):
        out.setdefault(row[0], []).append(row[1])
    return out


def fill_pair(book, code: str, item_id: int, **values) -> None:
    sheet = book[workbook.UPDATES]
    columns = {h: i for i, h in enumerate(headers(sheet), start=1)}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code and row[1].value == item_id:
            for key, value in values.items():
                header = key if key in columns else workbook.field_header(key)
                sheet.cell(row=row[0].row, column=columns[header], value=value)
            return
    raise AssertionError(f"{code} item {item_id} is not in the workbook")


def add_row(book, code: str, item_id: int, **values) -> None:
    """A row someone typed in for another agency (a copy of the first row, re-keyed)."""
    sheet = book[workbook.UPDATES]
    columns = {h: i for i, h in enumerate(headers(sheet), start=1)}
    row = sheet.max_row + 1
    sheet.cell(row=row, column=columns[workbook.AGENCY], value=code)
    sheet.cell(row=row, column=columns[workbook.ITEM_ID], value=item_id)
    for key, value in values.items():
        sheet.cell(row=row, column=columns[workbook.field_header(key)], value=value)


def test_the_grant_is_on_record_with_who_when_and_why(people):
    record = grant(people, "reviewer", "HD-KP")
    assert record.granted_by == people["secretary"]
    assert record.granted_at is not None
    [history] = record.history.all()
    assert history.history_change_reason == "Covers the province's reporting this year."
    assert list(people["reviewer"].acts_for.values_list("code", flat=True)) == ["HD-KP"]


def test_a_grant_needs_a_reason_and_the_secretary(people):
    hd_kp = Agency.objects.get(code="HD-KP")
    with pytest.raises(ValidationError, match="Say why"):
        acts_for_grant(by=people["secretary"], user=people["reviewer"], agency=hd_kp, reason=" ")
    with pytest.raises(PermissionDenied):
        acts_for_grant(by=people["officer"], user=people["reviewer"], agency=hd_kp, reason="x")
    with pytest.raises(ValidationError, match="own agency"):
        acts_for_grant(by=people["secretary"], user=people["officer"],
                       agency=Agency.objects.get(code="MOI"), reason="x")  # fmt: skip
    assert not ActsFor.objects.exists()


@pytest.fixture
def two_agencies(people, period):
    """The MOI reviewer reports for HD-KP and one more body that owes this period's items."""
    grant(people, "reviewer", "HD-KP")
    third = next(
        a for a in Agency.objects.bodies().exclude(code__in=["MOI", "HD-KP"])
        if workbook._items(period, a).exists()
    )  # fmt: skip
    grant(people, "reviewer", third.code)
    return ["HD-KP", third.code]


def test_a_grant_lets_a_reviewer_export_and_upload_for_two_agencies(
    client, people, period, two_agencies
):
    book = open_book(download_all(client, people["reviewer"], period))
    assert headers(book[workbook.UPDATES])[:2] == [workbook.AGENCY, workbook.ITEM_ID]
    assert headers(book[workbook.INDICATORS])[0] == workbook.AGENCY
    by_agency = rows_by_agency(book)
    assert sorted(by_agency) == sorted(two_agencies)  # not MOI: the reviewer reviews there
    first, second = two_agencies
    fill_pair(book, first, by_agency[first][0], **A_DRAFT)
    fill_pair(book, second, by_agency[second][0], **A_DRAFT, Submit="Yes")

    record = upload(client, as_bytes(book))
    assert record.state == ImportRecord.State.PREVIEW, record.refusal
    assert not any(row["errors"] for row in record.preview), record.preview
    assert sorted(record.agencies.values_list("code", flat=True)) == sorted(two_agencies)
    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == ImportRecord.State.APPLIED, record.result
    written = {(u.agency.code, u.item_id, u.state, u.author_id)
               for u in ProgressUpdate.objects.select_related("agency")}  # fmt: skip
    assert written == {
        (first, by_agency[first][0], "draft", people["reviewer"].pk),
        (second, by_agency[second][0], "submitted", people["reviewer"].pk),
    }


def test_a_row_for_an_agency_not_reported_for_is_refused_and_nothing_is_written(
    client, people, period, moi_item, two_agencies
):
    book = open_book(download_all(client, people["reviewer"], period))
    first = two_agencies[0]
    fill_pair(book, first, rows_by_agency(book)[first][0], **A_DRAFT)
    add_row(book, "MOI", moi_item.pk, **{k: v for k, v in A_DRAFT.items()
                                         if k != "status"})  # fmt: skip
    record = upload(client, as_bytes(book))
    assert record.state == ImportRecord.State.PREVIEW, record.refusal
    [refused] = [row for row in record.preview if row["errors"]]
    assert refused["errors"] == [{"sheet": "Updates", "row": refused["row"], "column": "Agency",
                                  "message": "You do not report for MOI."}]  # fmt: skip

    response = client.post(reverse("reporting:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == ImportRecord.State.REFUSED  # all or nothing
    assert not ProgressUpdate.objects.exists()


def test_apply_the_valid_rows_applies_the_granted_agencys_row_only(
    client, people, period, moi_item, two_agencies
):
    book = open_book(download_all(client, people["reviewer"], period))
    first = two_agencies[0]
    item_id = rows_by_agency(book)[first][0]
    fill_pair(book, first, item_id, **A_DRAFT)
    add_row(book, "MOI", moi_item.pk, narrative="Not ours to report.")
    record = upload(client, as_bytes(book))
    client.post(reverse("reporting:import_confirm", args=[record.pk]), {"valid_only": "on"})
    record.refresh_from_db()
    assert record.state == ImportRecord.State.APPLIED
    assert [r["reasons"] for r in record.result["refused"]] == [["You do not report for MOI."]]
    assert list(ProgressUpdate.objects.values_list("agency__code", "item_id")) == [(first, item_id)]


def test_without_a_grant_the_other_agency_is_refused_in_the_form_the_api_and_the_download(
    client, people, moi_item, period
):
    outsider = people["outsider"]
    client.force_login(outsider)
    form = client.post(reverse("reporting:update_create", args=[moi_item.pk]),
                       update_form(period))  # fmt: skip
    assert form.status_code == 403
    api = client.post(f"/api/v1/items/{moi_item.pk}/updates/", update_form(period),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 403
    download = client.get(reverse("reporting:workbook_download", args=[period.pk]) + "?agency=MOI")
    assert download.status_code == 404
    assert not ProgressUpdate.objects.exists()

    # With the grant, the same form and API write MOI's update.
    grant(people, "outsider", "MOI")
    outsider.refresh_from_db()
    client.force_login(outsider)
    form = client.post(reverse("reporting:update_create", args=[moi_item.pk]),
                       update_form(period))  # fmt: skip
    assert form.status_code == 302
    assert list(ProgressUpdate.objects.values_list("agency__code", "author")) == [
        ("MOI", outsider.pk)
    ]


def test_a_multi_agency_preview_costs_the_same_queries_for_few_rows_as_many(
    client, people, period, two_agencies
):
    counts, drafts = [], []
    for per_agency in (1, 3):
        ImportRecord.objects.all().delete()
        book = open_book(download_all(client, people["reviewer"], period))
        for code, item_ids in rows_by_agency(book).items():
            for item_id in item_ids[:per_agency]:
                fill_pair(book, code, item_id, **A_DRAFT)
        content = as_bytes(book)
        with CaptureQueriesContext(connection) as queries:
            record = upload(client, content)
        assert record.state == ImportRecord.State.PREVIEW, record.refusal
        assert not any(row["errors"] for row in record.preview), record.preview
        counts.append(len(queries))
        drafts.append(sorted((r["agency"], r["item_id"]) for r in record.preview
                             if r["action"] == "new draft"))  # fmt: skip
    # Few rows against many, for both agencies: otherwise equal counts would prove nothing.
    assert len(drafts[0]) == len(two_agencies) < len(drafts[1]), drafts
    assert {code for code, _ in drafts[1]} == set(two_agencies)
    assert counts[0] == counts[1]


def test_reporting_for_an_agency_reads_its_restricted_items_as_its_own_people_do(
    client, people, period, kp_item
):
    """One rule for who reads a restricted item: the page, the API and the workbook agree that
    a person reporting for HD-KP reads HD-KP's restricted item, and without the grant none of
    them shows it."""
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=[kp_item], sensitivity="restricted", reason="Restricted."
    )
    reviewer = people["reviewer"]
    client.force_login(reviewer)
    page = reverse("reporting:item_detail", args=[kp_item.pk])
    api = f"/api/v1/items/{kp_item.pk}/"
    assert client.get(page).status_code == 404
    assert client.get(api).status_code == 404
    assert not PlanItem.objects.visible_to(reviewer).filter(pk=kp_item.pk).exists()

    grant(people, "reviewer", "HD-KP")
    reviewer = User.objects.get(pk=reviewer.pk)  # a fresh request reads the grants anew
    client.force_login(reviewer)
    assert client.get(page).status_code == 200
    assert client.get(api).status_code == 200
    sheet = open_book(download_all(client, reviewer, period))[workbook.UPDATES]
    column = headers(sheet).index(workbook.ITEM_ID)
    assert kp_item.pk in [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
