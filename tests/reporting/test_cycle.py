"""The reporting cycle through the pages and the services, with the clock frozen: a quarter from
upcoming to locked, deadlines, extensions, reopening, races, and the committee's sign-off."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from committee.figures import committee_figures
from committee.models import QuarterlyReport
from committee.reports import services as report_services
from core.quarters import Quarter
from interventions.models import Policy
from reporting import periods, services, status
from reporting.models import PeriodEvent, ProgressUpdate, ReportingPeriod
from tests.progress import data_of

pytestmark = pytest.mark.django_db
PK = datetime.timezone(datetime.timedelta(hours=5))  # Asia/Karachi
State = ReportingPeriod.State


def at(day: str | datetime.date, hour: int = 10):
    """A frozen moment in Pakistan time."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=PK), tick=False
    )


def in_period(period: ReportingPeriod):
    """A day inside the period, before its deadline."""
    return at(period.end - datetime.timedelta(days=20))


def after_deadline(period: ReportingPeriod, days: int = 5):
    return at(period.deadline + datetime.timedelta(days=days))


def long_date(day: datetime.date) -> str:
    return f"{day:%d %B %Y}"


def page_date(day: datetime.date) -> str:
    # Pages word dates in the reader's language ("j F Y"): no leading zero on the day.
    return f"{day.day} {day:%B %Y}"


def draft(people, item, period) -> ProgressUpdate:
    return services.update_create(
        user=people["officer"],
        item=item,
        period=period,
        data=services.UpdateData(
            status="in_progress", percent_complete=30, confidence="green", narrative="Begun."
        ),
    )


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_quarter_walks_from_upcoming_to_open_closed_and_locked(plan, people, moi_item, client):
    with at("2026-09-20"):
        services.periods_ensure(policies=[moi_item.policy])
        q4 = ReportingPeriod.objects.get(policy=moi_item.policy, label="2026Q4")
        assert q4.state == State.UPCOMING
        periods.periods_advance()
        q4.refresh_from_db()
        assert q4.state == State.UPCOMING
        with pytest.raises(services.ConflictError, match="has not started yet"):
            draft(people, moi_item, q4)

    with at("2026-10-01"):
        periods.periods_advance()
        q4.refresh_from_db()
        assert q4.state == State.OPEN
        update = draft(people, moi_item, q4)
        services.update_submit(user=people["officer"], update=update, version=update.version)

    with at("2027-01-15", hour=23):
        periods.periods_advance()
        q4.refresh_from_db()
        assert q4.state == State.OPEN, "the deadline day itself is still open"

    with at("2027-01-16"):
        periods.periods_advance()
        q4.refresh_from_db()
        assert q4.state == State.CLOSED
        client.force_login(people["secretary"])
        response = client.post(
            reverse("reporting:period_action", args=[q4.pk, "lock"]),
            {"expected_state": "closed", "reason": "Reported to the committee."},
            follow=True,
        )
        assert f"{q4} locked." in messages_of(response)
        q4.refresh_from_db()
        assert q4.state == State.LOCKED
        page = response.content.decode()
        assert "Reported to the committee." in page
        assert "the schedule" in page

    events = list(q4.events.order_by("at", "pk").values_list("action", "to_state", "by__username"))
    assert events == [
        ("open", "open", None),
        ("close", "closed", None),
        ("lock", "locked", "secretary"),
    ]
    update.refresh_from_db()
    assert not status.update_is_late(update)
    with at("2027-01-17"), pytest.raises(services.ConflictError, match="is locked"):
        services.update_approve(user=people["reviewer"], update=update, version=update.version)


def test_after_the_deadline_drafts_save_but_submitting_is_refused_in_plain_words(
    people, moi_item, period, client
):
    with in_period(period):
        update = draft(people, moi_item, period)
    with after_deadline(period):
        periods.periods_advance()
        period.refresh_from_db()
        assert period.state == State.CLOSED
        data = data_of(update)
        data.narrative = "Committees formed in January."
        edited = services.update_edit(
            user=people["officer"], update=update, data=data, version=update.version
        )
        assert edited.narrative == "Committees formed in January."
        client.force_login(people["officer"])
        response = client.post(
            reverse("reporting:update_submit", args=[update.pk]),
            {"version": edited.version},
            follow=True,
        )
        text = messages_of(response)
        assert (
            f"Not submitted: {period.label} is closed for submissions "
            f"(deadline {long_date(period.deadline)})"
        ) in text
        assert "ask the committee secretary for an extension" in text
        edited.refresh_from_db()
        assert (edited.state, edited.first_submitted_at) == ("draft", None)


def test_an_extension_lets_one_agency_submit_and_is_not_counted_late(
    people, moi_item, kp_item, period, client
):
    with in_period(period):
        update = draft(people, moi_item, period)
    with after_deadline(period):
        periods.periods_advance()
        client.force_login(people["secretary"])
        url = reverse("reporting:period_extend", args=[period.pk])
        early = period.deadline - datetime.timedelta(days=5)
        refused = client.post(url, {"agency": "", "until": early.isoformat(), "reason": ""})
        assert refused.status_code == 400
        page = refused.content.decode()
        assert "Choose the agency the extension is for." in page
        assert "Say why the agency gets more time" in page
        assert not period.extensions.exists()

        moi = people["officer"].agency
        until = period.deadline + datetime.timedelta(days=16)
        form = {"agency": moi.pk, "until": until.isoformat(), "reason": "Floods closed the office."}
        response = client.post(url, form, follow=True)
        assert f"MOI may submit for {period} until {page_date(until)}." in messages_of(response)
        assert "Floods closed the office." in response.content.decode()
        submitted = services.update_submit(
            user=people["officer"], update=update, version=update.version
        )
        assert submitted.state == "submitted"
        assert not status.update_is_late(submitted)
        assert status.period_counts(period)[moi.pk]["late"] == 0
        # Only MOI: another agency's officer is still refused.
        other = services.update_create(
            user=people["outsider"],
            item=kp_item,
            period=period,
            data=data_of(update),
        )
        with pytest.raises(services.ConflictError, match="closed for submissions"):
            services.update_submit(user=people["outsider"], update=other, version=other.version)


def test_reopening_needs_the_secretary_and_a_reason_and_a_late_submission_counts_late(
    people, moi_item, period, client
):
    with in_period(period):
        update = draft(people, moi_item, period)
    with after_deadline(period):
        periods.periods_advance()
        client.force_login(people["officer"])
        url = reverse("reporting:period_action", args=[period.pk, "reopen"])
        assert client.post(url, {"reason": "Let me in."}).status_code == 403

        client.force_login(people["secretary"])
        response = client.post(url, {"reason": "  "}, follow=True)
        assert "Not reopened: Say why the period is reopened" in messages_of(response)
        period.refresh_from_db()
        assert period.state == State.CLOSED

        response = client.post(url, {"reason": "MoI asked to correct item 1."}, follow=True)
        assert "reopened" in messages_of(response)
        period.refresh_from_db()
        assert period.state == State.OPEN
        assert "MoI asked to correct item 1." in response.content.decode()
        assert period.history.first().history_change_reason == "MoI asked to correct item 1."

        submitted = services.update_submit(
            user=people["officer"], update=update, version=update.version
        )
        assert status.update_is_late(submitted)
        assert status.period_counts(period)[people["officer"].agency_id]["late"] == 1
        # The schedule does not undo the secretary's reopening.
        assert periods.periods_advance() == []
        period.refresh_from_db()
        assert period.state == State.OPEN


def test_two_secretaries_closing_at_once_get_one_winner_and_a_clear_conflict(
    people, period, client
):
    client.force_login(people["secretary"])
    url = reverse("reporting:period_action", args=[period.pk, "close"])
    seen = {"expected_state": "open"}  # both pages showed it open
    first = client.post(url, seen, follow=True)
    assert "closed for submissions." in messages_of(first)
    second = client.post(url, seen, follow=True)
    text = messages_of(second)
    assert "Not closed for submissions:" in text
    assert "changed while you were looking at it: secretary made it closed" in text
    assert PeriodEvent.objects.filter(period=period).count() == 1


def test_refused_period_actions_change_nothing(people, period, client):
    client.force_login(people["secretary"])
    response = client.post(
        reverse("reporting:period_action", args=[period.pk, "reopen"]),
        {"reason": "Why not."},
        follow=True,
    )
    assert "Only a closed or locked period is reopened" in messages_of(response)
    response = client.post(
        reverse("reporting:period_action", args=[period.pk, "explode"]), follow=True
    )
    assert "is not something a period can do" in messages_of(response)
    period.refresh_from_db()
    assert (period.state, period.events.count()) == (State.OPEN, 0)


def test_the_periods_page_is_the_secretarys_with_counts(people, moi_item, period, client):
    with in_period(period):
        update = draft(people, moi_item, period)
        services.update_submit(user=people["officer"], update=update, version=update.version)
    client.force_login(people["officer"])
    assert client.get(reverse("reporting:period_list")).status_code == 403
    client.force_login(people["secretary"])
    response = client.get(reverse("reporting:period_list"))
    row = next(r for r in response.context["rows"] if r["period"] == period)
    owed = sum(c["owed"] for c in status.period_counts(period).values())
    assert (row["submitted"], row["not_reported"], row["late"]) == (1, owed - 1, 0)
    assert f'href="{reverse("reporting:period_detail", args=[period.pk])}"' in (
        response.content.decode()
    )


def test_signing_off_a_quarters_report_locks_its_periods(people, plan, client):
    nisp = ReportingPeriod.objects.create(
        policy=Policy.objects.get(code="NISP-2018"),
        label="2026Q3",
        start=datetime.date(2026, 7, 1),
        end=datetime.date(2026, 9, 30),
        deadline=datetime.date(2026, 10, 15),
        state=State.CLOSED,
    )
    report = QuarterlyReport.objects.create(
        quarter="2026Q3",
        scope=nisp.policy.code,
        version=1,
        requested_at=timezone.now(),
        state=QuarterlyReport.State.DONE,
        snapshot=committee_figures(quarter=Quarter.parse("2026Q3"), policy=nisp.policy),
    )
    client.force_login(people["secretary"])
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    assert f"Signing off also <strong>locks</strong> {nisp}" in page
    report_services.report_sign_off(user=people["secretary"], report=report)
    nisp.refresh_from_db()
    assert nisp.state == State.LOCKED
    event = nisp.events.get()
    assert (event.by, event.reason) == (
        people["secretary"],
        "The committee signed off the quarter's report.",
    )


def test_the_admin_shows_period_state_read_only_with_its_record(people, period, client):
    admin = people["secretary"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    periods.period_close(period=period, user=admin, reason="Deadline passed.")
    client.force_login(admin)
    url = reverse("admin:reporting_reportingperiod_change", args=[period.pk])
    page = client.get(url).content.decode()
    assert 'name="state"' not in page, "state is not a form field here"
    assert "Deadline passed." in page
    form = {"state": "open", "label": period.label, "policy": period.policy_id,
            "start": period.start, "end": period.end, "deadline": period.deadline}  # fmt: skip
    client.post(url, form)
    period.refresh_from_db()
    assert period.state == State.CLOSED
