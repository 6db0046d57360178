import datetime

import pytest
from django.core.management import call_command

from reporting.models import ReportingPeriod
from reporting.services import periods_ensure

pytestmark = pytest.mark.django_db


def test_quarters_for_nisp_and_months_for_monthly_policies(plan, settings):
    settings.REPORTING_DEADLINE_DAYS = 15
    periods_ensure(today=datetime.date(2026, 11, 22))
    nisp = ReportingPeriod.objects.filter(policy__code="NISP-2018").order_by("start")
    assert [p.label for p in nisp] == ["2026Q4", "2027Q1"]
    q4 = nisp[0]
    assert (q4.start, q4.end, q4.deadline) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 15),
    )
    nap = ReportingPeriod.objects.filter(policy__code="NAP-2014").order_by("start")
    assert [p.label for p in nap] == ["2026-11", "2026-12"]
    assert nap[1].end == datetime.date(2026, 12, 31)


def test_ensuring_periods_twice_creates_nothing_more(plan):
    first = periods_ensure(today=datetime.date(2026, 3, 31))
    assert first
    assert periods_ensure(today=datetime.date(2026, 3, 31)) == []


def test_command_reports_what_it_created(plan, capsys):
    call_command("ensure_periods")
    assert "Created NISP-2018" in capsys.readouterr().out
    call_command("ensure_periods")
    assert "already in place" in capsys.readouterr().out


def test_make_runs_schedule_runs_the_interval_jobs_in_process(plan, capsys):
    call_command("run_schedule", once=True)
    out = capsys.readouterr().out
    assert "ensure-periods: SUCCESS" in out
    assert "advance-periods: SUCCESS" in out
    assert "send-reminders" not in out, "daily jobs wait for their hour"
    assert ReportingPeriod.objects.filter(policy__code="NISP-2018", state="open").exists()
    assert ReportingPeriod.objects.filter(policy__code="NISP-2018", state="upcoming").exists()
