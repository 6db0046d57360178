"""Every CSV and XLSX file the tracker writes neutralises formula-like text: the item lists,
the report's workbook and annex, and the agency workbook (all through core.tables)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from committee.reports import generation, services
from core import tables
from interventions.models import PlanItem, Policy
from reporting import services as progress_services
from reporting.models import ProgressUpdate
from reporting.update_fields import UpdateData
from tests.committee.reports import Q3, seed_quarter
from tests.conftest import TEST_TODAY
from tests.factories import user_with_role

PAYLOADS = ['=HYPERLINK("http://example.invalid","click")', "+1", "-1+2", "@SUM(A1:A3)",
            "\tTAB", "\rCR"]  # fmt: skip


def xlsx_cells(content: bytes) -> list:
    """Every cell of every sheet, with its type: a formula would have data_type "f"."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_neutralised_xlsx(content: bytes, payloads=PAYLOADS) -> None:
    cells = xlsx_cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    # XML stores a carriage return as a line feed; the apostrophe is what matters.
    for payload in (p.replace("\r", "\n") for p in payloads):
        assert "'" + payload in texts
        assert payload not in texts


def csv_cells(content: bytes) -> set[str]:
    assert content.startswith("\ufeff".encode())
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return {cell for row in rows for cell in row}


def assert_neutralised_csv(content: bytes, payloads=PAYLOADS) -> None:
    cells = csv_cells(content)
    for payload in payloads:
        assert "'" + payload in cells
        assert payload not in cells


def test_the_writer_neutralises_formula_prefixes_in_csv_and_xlsx():
    rows = [[payload, 5, -3] for payload in PAYLOADS]
    assert_neutralised_csv(tables.write_csv(["Text", "Number", "Negative"], rows))
    content = tables.write_xlsx([("Sheet", ["Text", "Number", "Negative"], rows)])
    assert_neutralised_xlsx(content)
    # Numbers stay numbers: only text is touched.
    numbers = [c.value for c in xlsx_cells(content) if isinstance(c.value, int)]
    assert numbers.count(-3) == len(PAYLOADS)


def test_restore_reverses_neutralise_and_leaves_other_text():
    for payload in [*PAYLOADS, "'quoted'", "plain", "it's"]:
        assert tables.restore(tables.neutralise(payload)) == payload


def test_xlsx_sheets_have_a_styled_frozen_filtered_header():
    content = tables.write_xlsx([("Items", ["Id", "A long header"], [[1, "x"], [2, "y"]])])
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Items"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


@pytest.mark.django_db
def test_item_list_downloads_are_neutralised(client, plan):
    item = PlanItem.objects.filter(policy__code="NAP-2014").first()
    # Test data only (rolled back): the plan's real text never starts like this.
    PlanItem.objects.filter(pk=item.pk).update(text=PAYLOADS[0], ref="+1")
    client.force_login(user_with_role("committee_member"))
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("reporting:item_list"), {"format": fmt, "q": "HYPERLINK"})
        assert response.status_code == 200
        assert f"nisp-items-{TEST_TODAY.isoformat()}.{fmt}" in response["Content-Disposition"]
        check = assert_neutralised_csv if fmt == "csv" else assert_neutralised_xlsx
        check(response.content, PAYLOADS[:2])


@pytest.mark.django_db
def test_a_bad_filter_shows_the_forms_error_and_downloads_nothing(client, plan):
    client.force_login(user_with_role("committee_member"))
    response = client.get(reverse("reporting:item_list"), {"format": "xlsx", "policy": "NOPE"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_the_report_workbook_and_annex_are_neutralised(plan):
    items = seed_quarter()
    ProgressUpdate.objects.filter(item=items[0], period__label="2025Q3").update(
        confidence_rationale=PAYLOADS[0], challenges=PAYLOADS[1], next_steps=PAYLOADS[2]
    )
    PlanItem.objects.filter(pk=items[0].pk).update(text=PAYLOADS[3])
    secretary = user_with_role("committee_secretary")
    report = services.report_request(
        user=secretary, quarter=Q3, policy=Policy.objects.get(code="NISP-2018")
    )
    report = generation.report_generate(report.pk)
    assert_neutralised_xlsx(report.xlsx.read(), PAYLOADS[:4])
    assert_neutralised_csv(report.csv.read(), PAYLOADS[3:4])


@pytest.mark.django_db
def test_the_agency_workbook_is_neutralised(client, people, moi_item, period):
    progress_services.update_create(
        user=people["officer"], item=moi_item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative=PAYLOADS[0], challenges=PAYLOADS[1], next_steps=PAYLOADS[2]),
    )  # fmt: skip
    client.force_login(people["officer"])
    response = client.get(reverse("reporting:workbook_download", args=[period.pk]))
    assert_neutralised_xlsx(response.content, PAYLOADS[:3])
