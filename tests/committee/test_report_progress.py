"""A report request answers at once; the page follows the generation's stage by polling."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

# Registers reporting.advance_periods here, as the worker's autodiscovery does.
import reporting.tasks  # noqa: F401
from committee.models import QuarterlyReport
from core.tasks import enqueue
from interventions.models import Policy
from reporting.models import ReportingPeriod
from tests.factories import user_with_role

State = QuarterlyReport.State


@pytest.fixture
def secretary(plan):
    return user_with_role("committee_secretary", username="secretary")


def report(**fields) -> QuarterlyReport:
    return QuarterlyReport.objects.create(
        quarter="2025Q3", scope="NISP-2018", version=1, requested_at=timezone.now(), **fields
    )


@pytest.mark.django_db
def test_a_running_report_page_polls_its_progress_with_htmx_served_locally(secretary, client):
    running = report(state=State.RUNNING, stage="xlsx", started_at=timezone.now())
    client.force_login(secretary)
    page = client.get(reverse("committee:report_detail", args=[running.pk])).content.decode()
    progress_url = reverse("committee:report_progress", args=[running.pk])
    assert f'hx-get="{progress_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert "https://" not in page.split("<main", 1)[0], "no CDN asset in the head"

    block = client.get(progress_url).content.decode()
    assert "Figures ✓" in block
    assert "PDF ✓" in block
    assert "<strong>Workbook (XLSX)…</strong>" in block
    assert "hx-trigger" in block, "still running: it keeps polling"


@pytest.mark.django_db
def test_the_progress_block_ends_with_links_or_the_reason_and_run_again(secretary, client):
    client.force_login(secretary)
    done = report(state=State.DONE)
    block = client.get(reverse("committee:report_progress", args=[done.pk])).content.decode()
    assert "hx-trigger" not in block, "done: the polling stops"
    assert reverse("committee:report_download", args=[done.pk, "pdf"]) in block
    assert reverse("committee:report_download", args=[done.pk, "csv"]) in block

    failed = QuarterlyReport.objects.create(
        quarter="2025Q2", scope="NISP-2018", version=1, requested_at=timezone.now(),
        state=State.FAILED, error="OSError: the disk is full",
    )  # fmt: skip
    block = client.get(reverse("committee:report_progress", args=[failed.pk])).content.decode()
    assert "Failed: OSError: the disk is full" in block
    assert "Run again" in block
    assert "hx-trigger" not in block


@pytest.mark.django_db
def test_the_progress_block_is_for_the_committee_only(plan, client):
    running = report(state=State.RUNNING)
    client.force_login(user_with_role("desk_officer", "MOI"))
    assert client.get(reverse("committee:report_progress", args=[running.pk])).status_code == 403


def test_without_a_broker_an_enqueued_task_runs_in_a_background_thread(
    settings, eager_tasks, committed_plan
):
    upcoming = ReportingPeriod.objects.create(
        policy=Policy.objects.get(code="NISP-2018"),
        label="2020Q1",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 3, 31),
        deadline=datetime.date(2030, 4, 15),
        state=ReportingPeriod.State.UPCOMING,
    )
    settings.TASKS_EAGER_IN_BACKGROUND = True
    thread = enqueue("reporting.advance_periods")
    assert thread is not None, "the caller is not held up by the task"
    thread.join(timeout=60)
    assert not thread.is_alive()
    upcoming.refresh_from_db()
    assert upcoming.state == ReportingPeriod.State.OPEN
