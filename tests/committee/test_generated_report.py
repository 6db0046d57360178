"""One generated report of a reported quarter: its files, its pages, who may read it, versions and
sign-off.

The quarter is seeded and its NISP 2018 report generated once for the module (tests.shared_rows):
a PDF takes seconds, and these tests only read it or change it inside their own savepoint. How
generation itself behaves (failures, reruns, queries, the command, the schedule) is in
test_quarterly_report.py, each from a fresh start.
"""

import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from pypdf import PdfReader

from agencies.models import User
from committee.models import QuarterlyReport
from committee.reports import document, generation, render_pdf, services
from core.errors import ConflictError
from interventions.models import Policy
from tests.committee.reports import (
    Q3,
    committee_people,
    expected_from_database,
    figures_in_xlsx,
    generated,
    seed_quarter,
)
from tests.shared_rows import shared_rows, use_shared_files

pytestmark = pytest.mark.django_db
State = QuarterlyReport.State


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_rows(django_db_blocker, tmp_path_factory, "generated-report") as folder:
        people = committee_people()
        seed_quarter()
        report = generated(people["secretary"], Policy.objects.get(code="NISP-2018"))
        yield {
            "folder": folder,
            "people": {r: u.pk for r, u in people.items()},
            "report": report.pk,
        }


@pytest.fixture
def committee(db, shared, settings):
    """The committee and two agency users, read afresh: a test may change them."""
    use_shared_files(settings, shared["folder"])
    users = User.objects.in_bulk(shared["people"].values())
    return {role: users[pk] for role, pk in shared["people"].items()}


@pytest.fixture
def report(committee, shared) -> QuarterlyReport:
    """Version 1, done, as generated (a test's sign-off or rerun is undone after it)."""
    return QuarterlyReport.objects.get(pk=shared["report"])


@pytest.fixture
def nisp(db):
    return Policy.objects.get(code="NISP-2018")


# --- generation ----------------------------------------------------------------------------


def test_generation_freezes_figures_and_writes_every_format(report):
    assert (report.state, report.version, report.attempts, report.error) == ("done", 1, 1, "")
    assert report.snapshot["totals"]["items"] == expected_from_database()["items"]
    assert figures_in_xlsx(report.xlsx.path) == expected_from_database()
    assert report.pdf.read(5) == b"%PDF-"
    assert report.csv.name.endswith("-annex.csv")
    assert report.finished_at is not None


def test_generating_a_done_report_again_changes_nothing(
    report, mailoutbox, django_capture_on_commit_callbacks
):
    files = (report.pdf.name, report.xlsx.name, report.csv.name)
    with django_capture_on_commit_callbacks(execute=True):
        again = generation.report_generate(report.pk)
    assert (again.attempts, again.pdf.name, again.xlsx.name, again.csv.name) == (1, *files)
    assert mailoutbox == [], "no second notice"


def test_regenerating_creates_version_two_and_keeps_version_one(committee, report, nisp):
    second = generated(committee["secretary"], nisp)
    assert (report.version, second.version) == (1, 2)
    report.refresh_from_db()
    assert report.state == "done"
    assert report.xlsx.name != second.xlsx.name
    assert report.xlsx.storage.exists(report.xlsx.name)


def test_only_failed_or_stale_reports_run_again(committee, report, nisp):
    with pytest.raises(ConflictError):
        services.report_rerun(user=committee["secretary"], report=report)
    queued = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    assert not services.can_rerun(queued)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    QuarterlyReport.objects.filter(pk=queued.pk).update(state=State.RUNNING, started_at=long_ago)
    queued.refresh_from_db()
    assert services.can_rerun(queued)
    assert services.report_rerun(user=committee["secretary"], report=queued).state == "queued"


# --- sign-off ------------------------------------------------------------------------------


def test_signing_off_makes_a_version_final_and_the_only_one(committee, report, nisp):
    secretary = committee["secretary"]
    second = generated(secretary, nisp)
    signed = services.report_sign_off(user=secretary, report=report)
    assert (signed.signed_off_by, signed.is_final) == (secretary, True)
    with pytest.raises(ConflictError, match="Version 1 of this report is already signed off"):
        services.report_sign_off(user=secretary, report=second)
    with pytest.raises(ConflictError, match="already signed off"):
        services.report_sign_off(user=secretary, report=report)
    with pytest.raises(services.ValidationError, match="signed off and final"):
        services.report_request(user=secretary, quarter=Q3, policy=nisp)
    second.refresh_from_db()
    assert second.signed_off_at is None


def test_secretary_records_sign_off_from_the_report_page(committee, report, client):
    client.force_login(committee["secretary"])
    assert (
        "Record the committee"
        in client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    )
    unconfirmed = client.post(reverse("committee:report_sign_off", args=[report.pk]), follow=True)
    assert "tick the box to confirm" in unconfirmed.content.decode()
    report.refresh_from_db()
    assert report.signed_off_at is None
    response = client.post(
        reverse("committee:report_sign_off", args=[report.pk]), {"confirm": "yes"}, follow=True
    )
    report.refresh_from_db()
    assert report.signed_off_by == committee["secretary"]
    assert "Signed off" in response.content.decode()


# --- pages and who may read them -----------------------------------------------------------


def test_committee_member_reads_a_report_and_downloads_its_files(committee, report, client):
    client.force_login(committee["member"])
    page = client.get(reverse("committee:report_detail", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Items that need the committee's attention" in html
    assert "Funds for the secretariat were not released." in html
    assert "<svg" in html, "the charts are drawn"
    assert "Record the committee" not in html, "a member cannot sign off"
    for fmt, start in (("pdf", b"%PDF-"), ("xlsx", b"PK"), ("csv", "\ufeffPolicy".encode())):
        response = client.get(reverse("committee:report_download", args=[report.pk, fmt]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(start)
        assert "attachment" in response["Content-Disposition"]
    missing = client.get(reverse("committee:report_download", args=[report.pk, "docx"]))
    assert missing.status_code == 404


def test_sections_come_in_the_order_the_committee_reads_them(committee, report, client):
    client.force_login(committee["member"])
    html = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    order = ['id="attention"', 'id="not-reported"', 'id="overdue"', 'id="status-all"',
             'id="by-policy"', 'id="by-pillar"', 'id="by-agency"', 'id="changes"',
             'id="priorities"', 'id="indicators"', 'id="budget"', 'id="highlights"',
             'id="annex"']  # fmt: skip
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_budget_execution_per_agency_counts_each_agencys_items(committee, report, client):
    # An agency's figures have no "items" key: the table printed the dict's items() instead.
    client.force_login(committee["member"])
    html = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    section = html[html.index('id="budget-execution"') : html.index('id="by-agency"')]
    assert "dict_items" not in section
    moi = next(row for row in report.snapshot["by_agency"] if row["code"] == "MOI")
    assert f'<tr><td lang="en" dir="ltr">MOI</td><td class="num">{moi["owned"]}</td>' in section


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_a_long_table_prints_its_most_pressing_rows_and_the_web_page_keeps_all(
    committee, report, client, monkeypatch
):
    """Cut to two rows a table, the PDF's per-agency and indicator tables print the two that
    rank first and say so; the web page still lists every row."""
    monkeypatch.setattr(document, "PRINTED_ROWS", 2)
    with translation.override(report.language):
        pdf = render_pdf.pdf_html(report, report.snapshot)
    client.force_login(committee["member"])
    web = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    agencies = report.snapshot["by_agency"]
    assert len(agencies) > 2

    def listed(section: str) -> list[dict]:
        return [a for a in agencies if f"<td>{a['code']} · {escape(a['name'])}</td>" in section]

    printed = listed(_between(pdf, 'id="by-agency"', 'id="changes"'))
    left = [agency for agency in agencies if agency not in printed]
    assert len(printed) == 2
    assert min(a["overdue"] for a in printed) >= max(a["overdue"] for a in left)
    assert f"The 2 of {len(agencies)} agencies with the most items overdue" in pdf
    assert listed(_between(web, 'id="by-agency"', 'id="changes"')) == agencies
    assert "data-cut" not in web

    budget = _between(pdf, "Budget execution per agency", "</table>")
    flagged = [a for a in agencies if f'<td lang="en" dir="ltr">{a["code"]}</td>' in budget]
    assert len(flagged) == 2
    unflagged = [a["money"]["flagged"] for a in agencies if a not in flagged]
    assert min(a["money"]["flagged"] for a in flagged) >= max(unflagged)
    assert f"The 2 of {len(agencies)} agencies with the most items flagged" in pdf


def test_a_long_indicator_table_prints_those_furthest_from_target(report, monkeypatch):
    """The seeded quarter reports no indicator: three are given to its snapshot here."""
    monkeypatch.setattr(document, "PRINTED_ROWS", 2)
    assert report.snapshot["plan"]

    def indicator(ref: str, progress: float | None) -> dict:
        return {
            "policy": "NISP-2018", "ref": ref, "description": f"Indicator {ref}", "unit": "",
            "baseline": 0, "target": 10, "actual": None if progress is None else progress / 10,
            "as_of": "", "progress": progress, "direction": "higher", "share_of_target": None,
        }  # fmt: skip

    indicators = [indicator("1", None), indicator("2", 80.0), indicator("3", 20.0)]
    with translation.override(report.language):
        pdf = render_pdf.pdf_html(report, {**report.snapshot, "indicators": indicators})
    section = _between(pdf, 'id="indicators"', "</table>")
    assert section.count("<tr>") == 1 + 2  # the header and two rows
    assert section.index("Indicator 3") < section.index("Indicator 2")
    assert "Indicator 1" not in section
    assert "The 2 of 3 indicators furthest from their targets" in pdf


def test_desk_officers_and_reviewers_may_not_see_reports(committee, report, client):
    for role in ("officer", "reviewer"):
        client.force_login(committee[role])
        for url in (
            reverse("committee:report_list"),
            reverse("committee:report_detail", args=[report.pk]),
            reverse("committee:report_download", args=[report.pk, "pdf"]),
        ):
            assert client.get(url).status_code == 403, (role, url)


def test_anonymous_visitors_are_sent_to_log_in(report, client):
    response = client.get(reverse("committee:report_download", args=[report.pk, "pdf"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_cannot_request_sign_off_or_rerun(committee, report, client):
    client.force_login(committee["member"])
    assert client.post(reverse("committee:report_list"), {"quarter": "2025Q3"}).status_code == 403
    assert client.post(reverse("committee:report_sign_off", args=[report.pk])).status_code == 403
    assert client.post(reverse("committee:report_rerun", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert (report.signed_off_at, QuarterlyReport.objects.count()) == (None, 1)


def test_the_report_list_takes_a_fixed_number_of_queries(
    committee, report, nisp, client, django_assert_max_num_queries
):
    for _ in range(2):
        generated(committee["secretary"], nisp)
    services.report_sign_off(user=committee["secretary"], report=report)
    client.force_login(committee["secretary"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("committee:report_list"))
    assert len(response.context["rows"]) == 3


# --- the files -----------------------------------------------------------------------------


def test_the_workbook_has_a_filterable_sheet_per_section_with_numbers_as_numbers(report):
    workbook = openpyxl.load_workbook(report.xlsx.path)
    first = ["Report", "Summary", "Attention", "Not reported", "Silent agencies", "Overdue"]
    assert workbook.sheetnames[:6] == first
    assert workbook.sheetnames[-1] == "Annex"
    annex = workbook["Annex"]
    items = report.snapshot["totals"]["items"]
    assert annex.freeze_panes == "A2"
    assert annex.auto_filter.ref == f"A1:V{items + 1}"
    assert (annex["A1"].value, annex["A1"].font.bold) == ("Policy", True)
    delayed = next(
        row for row in workbook["Summary"].iter_rows(values_only=True) if row[0] == "Delayed"
    )
    assert delayed == ("Delayed", 1, round(100 / items, 1))
    total = next(row for row in workbook["Budget"].iter_rows(values_only=True) if row[0] == "Total")
    assert total[3:5] == (3500.5, 2900.5)


def test_the_workbook_gives_budget_execution_for_every_pillar_and_agency(report):
    """The PDF may show a long per-agency table in part; the workbook has every row."""
    workbook = openpyxl.load_workbook(report.xlsx.path)
    for title, key, name, items in (
        ("per pillar", "by_pillar", "key", "items"),
        ("per agency", "by_agency", "code", "owned"),
    ):
        rows = list(workbook[f"Budget execution {title}"].iter_rows(values_only=True))
        groups = report.snapshot[key]
        assert len(rows) == len(groups) + 1 > 2
        assert rows[0][1:] == (
            "Name", "Items", "On track or completed %", "Overdue", "No due date set",
            "Allocated (in force)", "Released", "Spent", "Utilisation %", "Budget flags",
        )  # fmt: skip
        for row, group in zip(rows[1:], groups, strict=True):
            money = group["money"]
            assert row == (
                group[name], group["name"], group[items], group["good_share"], group["overdue"],
                group["no_due_date"], money["allocated"],
                money["released"], money["spent"], money["utilisation"], money["flagged"],
            )  # fmt: skip
    moi = next(row for row in report.snapshot["by_agency"] if row["code"] == "MOI")
    assert moi["money"]["released"] > 0


def test_a_report_without_sample_data_carries_no_banner(report):
    assert not report.contains_sample
    assert "SAMPLE DATA" not in PdfReader(report.pdf.path).pages[0].extract_text()


def test_the_running_header_leaves_the_cover_and_heads_every_other_page(report):
    pages = [page.extract_text() for page in PdfReader(report.pdf.path).pages]
    header = "Advisory Committee on Internal Security · quarterly progress report"
    assert len(pages) > 2
    assert header not in pages[0]
    assert all(header in page for page in pages[1:])
    assert [page.rsplit("\n", 1)[-1] for page in pages] == [
        f"Page {number} of {len(pages)}" for number in range(1, len(pages) + 1)
    ]
