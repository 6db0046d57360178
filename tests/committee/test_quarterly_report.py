"""The quarterly report's generation, requests, pages and schedule, in process, each test from a
fresh start (one generated report read many ways is in test_generated_report.py)."""

import csv
import datetime
import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agencies.models import User
from committee.figures import committee_figures
from committee.models import QuarterlyReport
from committee.reports import generation, services
from committee.tasks import schedule_quarterly_reports
from core.errors import ConflictError
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from tests.committee.reports import (
    Q3,
    committee_people,
    generated,
    pdf_text,
    seed_quarter,
)
from tests.factories import ProgressUpdateFactory, quarter_period

pytestmark = pytest.mark.django_db
Role = User.Role
State = QuarterlyReport.State


@pytest.fixture
def committee(plan):
    return committee_people()


@pytest.fixture
def nisp(plan):
    return Policy.objects.get(code="NISP-2018")


REPORT_QUERIES = 19

# --- generation ----------------------------------------------------------------------------


def test_a_redelivered_task_completes_a_report_left_running(committee, nisp):
    report = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    # As a worker killed mid-job leaves it.
    QuarterlyReport.objects.filter(pk=report.pk).update(
        state=State.RUNNING, started_at=timezone.now(), attempts=1
    )
    done = generation.report_generate(report.pk)
    assert (done.state, done.attempts) == ("done", 2)


def test_a_report_whose_policy_was_deleted_fails_with_the_reason(committee, plan):
    policy = Policy.objects.create(
        code="TEST-GONE", title="A policy withdrawn", start_year=2020, reporting_cadence="quarterly"
    )
    report = services.report_request(user=committee["secretary"], quarter=Q3, policy=policy)
    policy.delete()
    with pytest.raises(Policy.DoesNotExist):
        generation.report_generate(report.pk)
    report.refresh_from_db()
    assert report.state == "failed"
    assert report.error == "DoesNotExist: The policy TEST-GONE no longer exists."
    assert not report.pdf


def test_a_storage_failure_is_recorded_and_a_rerun_completes_the_same_snapshot(
    committee, nisp, settings, tmp_path, client, eager_tasks, django_capture_on_commit_callbacks
):
    seed_quarter()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocked
    report = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    with pytest.raises(OSError, match="not-a-directory"):
        generation.report_generate(report.pk)
    report.refresh_from_db()
    assert report.state == "failed"
    assert "not-a-directory" in report.error
    snapshot = report.snapshot

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(committee["secretary"])
    page = client.get(reverse("committee:report_list"))
    assert "Run again" in page.content.decode()
    assert report.error[:40] in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committee:report_rerun", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.attempts, report.error) == ("done", 2, "")
    assert report.snapshot == snapshot
    assert report.version == 1


def test_committee_members_with_an_address_are_told_when_a_report_is_ready(
    committee, nisp, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example.gov.pk"
    report = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    with django_capture_on_commit_callbacks(execute=True):
        generation.report_generate(report.pk)
    assert sorted(m.to[0] for m in mailoutbox) == ["member@acis.gov.pk", "secretary@acis.gov.pk"]
    assert f"https://tracker.example.gov.pk/reports/{report.pk}/" in mailoutbox[0].body
    assert "2025Q3" in mailoutbox[0].subject


# --- requests and sign-off -----------------------------------------------------------------


def test_only_the_secretary_requests_a_report(committee, nisp):
    for role in ("member", "officer", "reviewer"):
        with pytest.raises(services.PermissionDenied):
            services.report_request(user=committee[role], quarter=Q3, policy=nisp)
    assert not QuarterlyReport.objects.exists()


def test_a_quarter_not_yet_begun_is_refused(committee, nisp):
    future = Quarter.of(timezone.localdate()).next()
    with pytest.raises(services.ValidationError) as error:
        services.report_request(user=committee["secretary"], quarter=future, policy=nisp)
    assert "has not begun" in error.value.message_dict["quarter"][0]


def test_only_done_reports_are_signed_off_and_only_by_the_secretary(committee, nisp):
    queued = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    with pytest.raises(ConflictError, match="Only a generated report"):
        services.report_sign_off(user=committee["secretary"], report=queued)
    done = generation.report_generate(queued.pk)
    with pytest.raises(services.PermissionDenied):
        services.report_sign_off(user=committee["member"], report=done)
    done.refresh_from_db()
    assert done.signed_off_at is None


# --- pages ---------------------------------------------------------------------------------


def test_secretary_requests_a_report_from_the_list_page(
    committee, client, django_capture_on_commit_callbacks
):
    client.force_login(committee["secretary"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("committee:report_list"), {"quarter": "2025q3", "scope": "ALL"}
        )
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("committee:report_detail", args=[report.pk])
    assert (report.quarter, report.scope, report.state, report.requested_by) == (
        "2025Q3", "ALL", "queued", committee["secretary"],
    )  # fmt: skip
    assert len(callbacks) == 1, "the task is enqueued once the request is committed"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quarter": "2025Q5", "scope": "NISP-2018"}, "quarter", "is not a quarter"),
        ({"quarter": "2025Q3", "scope": "NOPE"}, "scope", "Select a valid choice"),
        ({"quarter": "2999Q1", "scope": "NISP-2018"}, "quarter", "has not begun"),
    ],
)
def test_a_bad_request_shows_the_field_error_and_creates_nothing(
    committee, client, data, field, message
):
    client.force_login(committee["secretary"])
    response = client.post(reverse("committee:report_list"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not QuarterlyReport.objects.exists()


def test_past_the_first_explanations_the_document_lists_the_rest_and_the_workbook_has_all(
    committee, nisp, client, monkeypatch
):
    items = seed_quarter()
    # Two items off track with an approved update: the first in full, the second compactly.
    monkeypatch.setattr("committee.reports.document.EXPLAINED_SHOWN", 1)
    report = generated(committee["secretary"], nisp)
    shown, further = "Funds for the secretariat were not released.", items[3]
    hidden = "Provinces have not nominated members."
    client.force_login(committee["member"])
    html = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    pdf = " ".join(pdf_text(report.pdf.path).split())
    for document in (html, pdf):
        assert shown in document
        assert hidden not in document
        assert "1 more with an explanation (the first 1 are shown in full;" in document
        assert f"NISP-2018 {further.ref} (at risk)" in document
    sheet = openpyxl.load_workbook(report.xlsx.path, read_only=True)["Attention"]
    explanations = [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert shown in explanations
    assert hidden in explanations


def test_the_report_counts_items_without_a_stated_owner_and_old_reports_stay_silent(
    committee, client
):
    nsp = Policy.objects.get(code="NSP-2022")
    report = generated(committee["secretary"], nsp)
    # Straight from the data: items with no lead responsibility at all.
    expected = PlanItem.objects.filter(policy=nsp).exclude(responsibilities__role="lead").count()
    assert len(report.snapshot["owner_not_stated"]) == expected > 0
    client.force_login(committee["member"])
    page = reverse("committee:report_detail", args=[report.pk])
    html = client.get(page).content.decode()
    assert f'<dd data-figure="owner-not-stated">{expected}</dd>' in html
    assert f"Owner not stated in the source ({expected})" in html
    # A report frozen before the figure existed shows no figure rather than a false 0.
    del report.snapshot["owner_not_stated"]
    report.save(update_fields=["snapshot"])
    assert 'data-figure="owner-not-stated"' not in client.get(page).content.decode()


def test_the_report_freezes_the_figures_the_dashboard_read_in_a_fixed_number_of_queries(
    committee, nisp, django_assert_num_queries
):
    seed_quarter()
    shown = committee_figures(quarter=Q3, policy=nisp)  # as the dashboard reads them
    report = services.report_request(user=committee["secretary"], quarter=Q3, policy=nisp)
    # The figures come from the cache the dashboard filled (the data version: 1); the rest
    # is the report's own record-keeping and its three files.
    with django_assert_num_queries(REPORT_QUERIES):
        report = generation.report_generate(report.pk)
    # The snapshot keeps keys, not labels (labels are translated when it is rendered).
    frozen = json.loads(json.dumps(shown, cls=DjangoJSONEncoder))
    for section in ("totals", "annex", "by_agency", "overdue", "not_reported"):
        assert report.snapshot[section] == frozen[section], section


# --- the command and the schedule ----------------------------------------------------------


def test_the_command_generates_in_process_and_prints_the_files(committee, nisp):
    out = StringIO()
    call_command("generate_report", "2025Q3", "--policy", "nisp-2018", stdout=out)
    report = QuarterlyReport.objects.get()
    assert (report.state, report.scope, report.requested_by) == ("done", "NISP-2018", None)
    printed = out.getvalue()
    for field in (report.pdf, report.xlsx, report.csv):
        assert field.path in printed
    call_command("generate_report", "2025Q3", "--policy", "all", stdout=StringIO())
    assert QuarterlyReport.objects.filter(scope="ALL", state="done").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [(["2025Q7"], "is not a quarter"), (["2025Q3", "--policy", "NISP-2099"], "is not a policy")],
)
def test_the_command_explains_bad_input(plan, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_report", *args, stdout=StringIO())
    assert not QuarterlyReport.objects.exists()


def test_the_schedule_requests_the_last_quarter_past_its_deadline_once(
    plan, settings, django_capture_on_commit_callbacks
):
    settings.REPORTING_DEADLINE_DAYS = 15
    with django_capture_on_commit_callbacks() as callbacks:
        first = schedule_quarterly_reports(today="2025-10-16")
    report = QuarterlyReport.objects.get(pk=first)
    assert (report.quarter, report.scope, report.version) == ("2025Q3", "NISP-2018", 1)
    assert report.requested_by is None
    assert len(callbacks) == 1
    assert schedule_quarterly_reports(today="2025-10-20") is None
    assert QuarterlyReport.objects.count() == 1
    # On the deadline day itself the quarter is not yet due: the one before it is.
    assert services.last_quarter_past_deadline(datetime.date(2025, 10, 15)).label == "2025Q2"


# --- the files -----------------------------------------------------------------------------


def test_sample_data_is_marked_in_every_format(committee, nisp, client):
    items = seed_quarter()
    ProgressUpdateFactory(
        item=items[5], period=quarter_period("NISP-2018", "2025Q3"), is_sample=True
    )
    report = generated(committee["secretary"], nisp)
    assert report.contains_sample
    assert all("-SAMPLE" in f.name for f in (report.pdf, report.xlsx, report.csv))
    pages = [page.extract_text() for page in PdfReader(report.pdf.path).pages]
    assert all("SAMPLE DATA" in page for page in pages)
    cover = openpyxl.load_workbook(report.xlsx.path, read_only=True)["Report"]
    assert next(cover.iter_rows(values_only=True))[0] == "SAMPLE DATA"
    rows = list(csv.DictReader(io.StringIO(report.csv.read().decode("utf-8-sig"))))
    assert [row["Ref"] for row in rows if row["Sample data"] == "True"] == [items[5].ref]
    client.force_login(committee["member"])
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    assert "sample-banner" in page
