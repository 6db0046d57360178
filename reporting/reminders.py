"""Reminding officers of missing updates before the deadline, and escalating after it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from agencies.models import Agency, User
from interventions.models import PlanItem
from reporting import status
from reporting.models import ReminderSent, ReportingPeriod

Step = ReminderSent.Step


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


def recipients_for(step: str, agency: Agency) -> list[str]:
    if step == Step.OFFICERS:
        people = User.objects.filter(agency=agency, role=User.Role.DESK_OFFICER)
    elif step == Step.REVIEWER:
        people = User.objects.filter(agency=agency, role=User.Role.AGENCY_REVIEWER)
    else:
        people = User.objects.filter(role=User.Role.COMMITTEE_SECRETARY)
    return sorted(people.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def _message(step: str, period: ReportingPeriod, agency: Agency, items: list[PlanItem]) -> str:
    lines = [f"- {period.policy.code} {item.ref}: {item.text[:120]}" for item in items]
    if step == Step.OFFICERS:
        opening = f"{agency.name} has not yet submitted progress on these items for {period.label}."
    elif step == Step.REVIEWER:
        opening = f"The {period.label} deadline has passed; {agency.name} has not reported on:"
    else:
        opening = f"Escalation: {agency.name} is past the {period.label} deadline on:"
    return "\n".join(
        [opening, f"Deadline: {period.deadline:%d %B %Y}.", "", *lines, "", "NISP Tracker"]
    )


def reminders_send(*, today: datetime.date) -> list[ReminderSent]:
    """Send every due step once per period and agency; reruns send nothing new."""
    sent = []
    periods = ReportingPeriod.objects.exclude(state=ReportingPeriod.State.LOCKED).select_related(
        "policy"
    )
    for period in periods:
        steps = due_steps(period, today)
        if not steps:
            continue
        agencies = (
            Agency.objects.bodies()
            .filter(responsibilities__item__policy_id=period.policy_id)
            .distinct()
        )
        for agency in agencies:
            done = set(
                ReminderSent.objects.filter(period=period, agency=agency).values_list(
                    "step", flat=True
                )
            )
            pending = [step for step in steps if step not in done]
            if not pending:
                continue
            items = missing_items(period, agency)
            if not items:
                continue
            for step in pending:
                reminder = _send_once(step, period, agency, items)
                if reminder:
                    sent.append(reminder)
    return sent


def _send_once(step, period, agency, items) -> ReminderSent | None:
    recipients = recipients_for(step, agency)
    if not recipients:
        return None
    try:
        # Recorded and sent together: a failed send rolls the record back and is retried.
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                period=period,
                agency=agency,
                step=step,
                recipients=recipients,
                missing_items=len(items),
            )
            send_mail(
                subject=f"[NISP Tracker] {period.policy.code} {period.label}: "
                f"{len(items)} item(s) awaiting {agency.code}'s update",
                message=_message(step, period, agency, items),
                from_email=None,
                recipient_list=recipients,
            )
    except IntegrityError:
        return None  # another run sent it first
    return reminder
