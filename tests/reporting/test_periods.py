import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from reporting.models import ReportingPeriod
from reporting.services import period_set_state, periods_ensure

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


def test_reopening_a_locked_period_needs_the_secretary_and_a_reason(people, period):
    period.state = "locked"
    period.save()
    with pytest.raises(PermissionDenied):
        period_set_state(user=people["officer"], period=period, state="open", reason="x")
    with pytest.raises(ValidationError):
        period_set_state(user=people["secretary"], period=period, state="open", reason="")
    reopened = period_set_state(
        user=people["secretary"], period=period, state="open", reason="MoI asked to correct 9c."
    )
    assert reopened.state == "open"
    assert reopened.history.first().history_change_reason == "MoI asked to correct 9c."
