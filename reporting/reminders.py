"""Reminding officers of missing updates before the deadline, and escalating after it.

Each step (officers, reviewer, secretary) goes out once per period and agency. One run sends
each person ONE digest listing every period, agency and item it concerns, never one mail per
agency. Nobody is reminded about a locked period; about a closed one only when the agency
still can act (an extension is running) or, for escalations, while the deadline passed less
than REMINDERS_STOP_DAYS_AFTER days ago (so old periods are never dug up).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, User
from interventions.models import PlanItem
from reporting import notifications, status
from reporting.models import DeadlineExtension, Notification, ReminderSent, ReportingPeriod

Step = ReminderSent.Step
PeriodState = ReportingPeriod.State


@dataclass
class Entry:
    """One step due for one agency in one period, with the items it concerns."""

    step: str
    period: ReportingPeriod
    agency: Agency
    items: list[PlanItem]
    recipients: list[User]


def due_steps(period: ReportingPeriod, today: datetime.date) -> list[str]:
    """Which steps are due for a period today; earlier steps stay due so none is skipped."""
    days_left = (period.deadline - today).days
    steps = []
    if days_left <= settings.REMINDER_DAYS_BEFORE:
        steps.append(Step.OFFICERS)
    if -days_left >= settings.ESCALATE_TO_REVIEWER_DAYS_AFTER:
        steps.append(Step.REVIEWER)
    if -days_left >= settings.ESCALATE_TO_SECRETARY_DAYS_AFTER:
        steps.append(Step.SECRETARY)
    return steps


def missing_items(period: ReportingPeriod, agency: Agency) -> list[PlanItem]:
    """The agency's items still to report on in the period (not reported, or returned)."""
    return list(status.items_needing_report(period, agency.pk).order_by("position"))


def recipients_for(step: str, agency: Agency) -> list[User]:
    if step == Step.OFFICERS:
        people = User.objects.filter(agency=agency, role=User.Role.DESK_OFFICER)
    elif step == Step.REVIEWER:
        people = User.objects.filter(agency=agency, role=User.Role.AGENCY_REVIEWER)
    else:
        people = User.objects.filter(role=User.Role.COMMITTEE_SECRETARY)
    return list(people.filter(is_active=True).exclude(email="").order_by("email"))


def _steps_allowed(
    period: ReportingPeriod, agency_id: int, steps: list[str], extended: set, today
) -> list[str]:
    """Drop what the period's state rules out (see the module's docstring)."""
    if period.state == PeriodState.OPEN or (period.pk, agency_id) in extended:
        return steps
    recent = (today - period.deadline).days <= settings.REMINDERS_STOP_DAYS_AFTER
    if period.state == PeriodState.CLOSED and recent:
        return [step for step in steps if step != Step.OFFICERS]
    return []


def due_entries(today: datetime.date) -> list[Entry]:
    """Every step due today and not yet sent, per period and agency."""
    periods = list(
        ReportingPeriod.objects.filter(
            state__in=[PeriodState.OPEN, PeriodState.CLOSED], start__lte=today
        ).select_related("policy")
    )
    extended = set(
        DeadlineExtension.objects.filter(period__in=periods, until__gte=today).values_list(
            "period_id", "agency_id"
        )
    )
    done = set(
        ReminderSent.objects.filter(period__in=periods).values_list(
            "period_id", "agency_id", "step"
        )
    )
    entries = []
    for period in periods:
        steps = due_steps(period, today)
        if not steps:
            continue
        agencies = (
            Agency.objects.bodies()
            .filter(responsibilities__item__policy_id=period.policy_id)
            .distinct()
            .order_by("code")
        )
        for agency in agencies:
            allowed = _steps_allowed(period, agency.pk, steps, extended, today)
            pending = [step for step in allowed if (period.pk, agency.pk, step) not in done]
            if not pending:
                continue
            items = missing_items(period, agency)
            if not items:
                continue
            for step in pending:
                people = recipients_for(step, agency)
                if people:
                    entries.append(Entry(step, period, agency, items, people))
    return entries


OPENINGS = {
    Step.OFFICERS: gettext_lazy(
        "{agency} has not yet submitted progress on these items for {period} (deadline {deadline}):"
    ),
    Step.REVIEWER: gettext_lazy(
        "The {period} deadline ({deadline}) has passed; {agency} has not reported on:"
    ),
    Step.SECRETARY: gettext_lazy(
        "Escalation: {agency} is past the {period} deadline ({deadline}) on:"
    ),
}


def _digest_body(person: User, entries: list[Entry]) -> str:
    # Runs with the person's language active (notifications.record): the words and the
    # month names are theirs; item texts stay as the sources print them.
    lines = [_("Dear %(name)s,") % {"name": person.get_full_name() or person.username}, ""]
    for entry in entries:
        lines.append(
            str(OPENINGS[entry.step]).format(
                agency=entry.agency.name,
                period=str(entry.period),
                deadline=date_format(entry.period.deadline, "d F Y"),
            )
        )
        lines += [f"- {entry.period.policy.code} {i.ref}: {i.text[:120]}" for i in entry.items]
        lines.append("")
    lines += [
        _("Your list of what to do: %(link)s")
        % {"link": notifications.site_link("reporting:my_items")},
        "",
        _("NISP Tracker"),
    ]
    return "\n".join(lines)


def _digest(person: User, entries: list[Entry], count: int, agencies: int) -> tuple[str, str]:
    subject = _("%(count)s item(s) awaiting updates from %(agencies)s agency(ies)") % {
        "count": count,
        "agencies": agencies,
    }
    return subject, _digest_body(person, entries)


def reminders_send(*, today: datetime.date) -> list[Notification]:
    """Record every due step once and send each person one digest; reruns send nothing new.

    The period rows are locked for the run, so two runs at once cannot both send a step."""
    with transaction.atomic():
        list(
            ReportingPeriod.objects.select_for_update()
            .filter(Q(state=PeriodState.OPEN) | Q(state=PeriodState.CLOSED))
            .values_list("pk", flat=True)
        )
        entries = due_entries(today)
        ReminderSent.objects.bulk_create(
            ReminderSent(
                period=entry.period,
                agency=entry.agency,
                step=entry.step,
                recipients=[person.email for person in entry.recipients],
                missing_items=len(entry.items),
            )
            for entry in entries
        )
        by_person: dict[int, list[Entry]] = defaultdict(list)
        people: dict[int, User] = {}
        for entry in entries:
            for person in entry.recipients:
                by_person[person.pk].append(entry)
                people[person.pk] = person
        notices = []
        for pk, mine in by_person.items():
            count = sum(len(entry.items) for entry in mine)
            agencies = len({entry.agency.pk for entry in mine})
            notices += notifications.record(
                people=[people[pk]],
                kind=Notification.Kind.DIGEST,
                compose=functools.partial(_digest, people[pk], mine, count, agencies),
            )
    notifications.deliver(notices)
    return notices
