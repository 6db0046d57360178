"""A reporting period's life: upcoming → open → closed → locked, and back to open by the
secretary with a reason. Every change goes through `_transition`, which locks the row, checks
the move, and records who, when and why in the same transaction. The page, the API, the
schedule and the committee's sign-off all call these functions.

What a period's state allows an agency (the one place the update services ask):
- upcoming: nothing yet;
- open: drafts and submissions;
- closed: drafts still save, a submission needs an extension for the agency;
- locked: nothing changes (the committee reported on it).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, User
from core.data_version import data_version_bump
from core.errors import ConflictError
from core.quarters import Quarter
from reporting import permissions
from reporting.models import DeadlineExtension, PeriodEvent, ReportingPeriod

PeriodState = ReportingPeriod.State
Action = PeriodEvent.Action

# Which states each action starts from, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Action.OPEN: ((PeriodState.UPCOMING,), PeriodState.OPEN),
    Action.CLOSE: ((PeriodState.OPEN,), PeriodState.CLOSED),
    Action.LOCK: ((PeriodState.OPEN, PeriodState.CLOSED), PeriodState.LOCKED),
    Action.REOPEN: ((PeriodState.CLOSED, PeriodState.LOCKED), PeriodState.OPEN),
}
REFUSALS = {
    Action.OPEN: gettext_lazy("Only an upcoming period is opened; %(period)s is %(state)s."),
    Action.CLOSE: gettext_lazy("Only an open period is closed; %(period)s is %(state)s."),
    Action.LOCK: gettext_lazy("Only an open or closed period is locked; %(period)s is %(state)s."),
    Action.REOPEN: gettext_lazy(
        "Only a closed or locked period is reopened; %(period)s is %(state)s."
    ),
}


def _day(day: datetime.date) -> str:
    """A date in a message, its month named in the reader's language (12 December 2026)."""
    return date_format(day, "d F Y")


# --- what the state allows -----------------------------------------------------------------


def open_extension(period: ReportingPeriod, agency_id: int | None, today: datetime.date):
    """The agency's extension in the period still running on `today`, or None."""
    if agency_id is None:
        return None
    return DeadlineExtension.objects.filter(
        period=period, agency_id=agency_id, until__gte=today
    ).first()


def require_draftable(period: ReportingPeriod, today: datetime.date | None = None) -> None:
    """Drafts and evidence may change: the period has started and is not locked."""
    today = today or timezone.localdate()
    if period.start > today or period.state == PeriodState.UPCOMING:
        raise ConflictError(
            _("%(period)s has not started yet: report on the current period.")
            % {"period": period.label},
            code="period_not_open",
        )
    if period.state == PeriodState.LOCKED:
        raise ConflictError(
            _(
                "%(period)s is locked: the committee has reported on it, so nothing in it "
                "changes. Ask the committee secretary to reopen it if something must be "
                "corrected."
            )
            % {"period": period.label},
            code="period_locked",
        )


def require_submittable(
    period: ReportingPeriod, agency_id: int, today: datetime.date | None = None
) -> None:
    """A submission needs an open period, or a closed one with the agency's extension."""
    today = today or timezone.localdate()
    require_draftable(period, today)
    if period.state == PeriodState.CLOSED and open_extension(period, agency_id, today) is None:
        raise ConflictError(
            _(
                "%(period)s is closed for submissions (deadline %(deadline)s). Your draft is "
                "kept; ask the committee secretary for an extension for your agency to submit it."
            )
            % {"period": period.label, "deadline": _day(period.deadline)},
            code="period_not_open",
        )


# --- the transitions -----------------------------------------------------------------------


def _require_secretary(user: User | None) -> None:
    if user is not None and not permissions.can_manage_periods(user):
        raise PermissionDenied(_("Only the committee secretary manages reporting periods."))


def _transition(
    *,
    action: str,
    period: ReportingPeriod,
    user: User | None,
    reason: str = "",
    expected_state: str | None = None,
) -> ReportingPeriod:
    """Lock the period, check the move against what the caller saw, apply it, record it."""
    _require_secretary(user)
    reason = (reason or "").strip()
    if action == Action.REOPEN and not reason:
        raise ValidationError(
            {"reason": [_("Say why the period is reopened: the reason is kept on its record.")]}
        )
    current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if expected_state and current.state != expected_state:
        last = current.events.select_related("by").first()
        who = (
            (last.by.get_full_name() or last.by.username) if last and last.by else _("the schedule")
        )
        raise ConflictError(
            _(
                "%(period)s changed while you were looking at it: %(who)s made it %(state)s. "
                "Nothing was changed; reload to see it."
            )
            % {"period": current, "who": who, "state": current.get_state_display().lower()},
            code="stale_state",
        )
    sources, target = TRANSITIONS[action]
    if current.state not in sources:
        raise ConflictError(
            REFUSALS[action] % {"period": current, "state": current.get_state_display().lower()},
            code="invalid_transition",
        )
    PeriodEvent.objects.create(
        period=current,
        action=action,
        from_state=current.state,
        to_state=target,
        by=user,
        at=timezone.now(),
        reason=reason,
    )
    current.state = target
    current._change_reason = reason or f"{Action(action).label} by the schedule"
    current.save(update_fields=["state"])
    data_version_bump()
    return current


@transaction.atomic
def period_open(*, period: ReportingPeriod, user: User | None = None) -> ReportingPeriod:
    return _transition(action=Action.OPEN, period=period, user=user)


@transaction.atomic
def period_close(
    *,
    period: ReportingPeriod,
    user: User | None,
    reason: str = "",
    expected_state: str | None = None,
) -> ReportingPeriod:
    """Close an open period for submissions (the secretary, or the schedule at the deadline)."""
    return _transition(
        action=Action.CLOSE, period=period, user=user, reason=reason, expected_state=expected_state
    )


@transaction.atomic
def period_lock(
    *,
    period: ReportingPeriod,
    user: User | None,
    reason: str = "",
    expected_state: str | None = None,
) -> ReportingPeriod:
    """Lock a period: the committee has reported on it; nothing in it changes."""
    return _transition(
        action=Action.LOCK, period=period, user=user, reason=reason, expected_state=expected_state
    )


@transaction.atomic
def period_reopen(
    *, period: ReportingPeriod, user: User, reason: str, expected_state: str | None = None
) -> ReportingPeriod:
    """Open a closed or locked period again; only the secretary, and only with a reason."""
    if user is None:
        raise PermissionDenied(_("Only the committee secretary reopens a period."))
    return _transition(
        action=Action.REOPEN,
        period=period,
        user=user,
        reason=reason,
        expected_state=expected_state,
    )


@transaction.atomic
def period_extend(
    *,
    period: ReportingPeriod,
    user: User,
    agency: Agency | None,
    until: datetime.date | None,
    reason: str,
) -> DeadlineExtension:
    """Give one agency a later deadline in a period (or move its extension), with a reason."""
    if user is None or not permissions.can_manage_periods(user):
        raise PermissionDenied(_("Only the committee secretary extends a deadline."))
    current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    errors: dict[str, list[str]] = {}
    if agency is None:
        errors["agency"] = [_("Choose the agency the extension is for.")]
    if until is None:
        errors["until"] = [_("Give the new last day for submissions.")]
    elif until <= current.deadline:
        errors["until"] = [
            _("The extension must end after the deadline (%(deadline)s).")
            % {"deadline": _day(current.deadline)}
        ]
    elif until < timezone.localdate():
        errors["until"] = [_("That day has already passed; give a day from today on.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the agency gets more time: the reason is kept on record.")]
    if errors:
        raise ValidationError(errors)
    if current.state in (PeriodState.UPCOMING, PeriodState.LOCKED):
        raise ConflictError(
            _("%(period)s is %(state)s: only an open or closed period's deadline is extended.")
            % {"period": current, "state": current.get_state_display().lower()}
        )
    extension, _created = DeadlineExtension.objects.update_or_create(
        period=current,
        agency=agency,
        defaults={
            "until": until,
            "reason": reason.strip(),
            "granted_by": user,
            "granted_at": timezone.now(),
        },
    )
    PeriodEvent.objects.create(
        period=current,
        action=Action.EXTEND,
        from_state=current.state,
        to_state=current.state,
        by=user,
        at=extension.granted_at,
        reason=f"{agency.code} may submit until {until:%d %B %Y}: {reason.strip()}",
        agency=agency,
    )
    data_version_bump()
    return extension


# --- the schedule and the committee's sign-off --------------------------------------------


def periods_advance(*, today: datetime.date | None = None) -> list[PeriodEvent]:
    """Open upcoming periods whose start has come; close open periods whose deadline has
    passed. A period the secretary reopened after its deadline stays open until she closes
    it: the schedule does not undo her decision."""
    today = today or timezone.localdate()
    changed = []
    for period in ReportingPeriod.objects.filter(state=PeriodState.UPCOMING, start__lte=today):
        changed.append(_quietly(period_open, period=period, user=None))
    reopened_late = PeriodEvent.objects.filter(
        period=OuterRef("pk"), action=Action.REOPEN, at__date__gt=OuterRef("deadline")
    )
    due = ReportingPeriod.objects.filter(state=PeriodState.OPEN, deadline__lt=today).exclude(
        Exists(reopened_late)
    )
    for period in due:
        changed.append(_quietly(period_close, period=period, user=None))
    return [period for period in changed if period is not None]


def _quietly(service, **kwargs) -> ReportingPeriod | None:
    """Run a transition; another run (or the secretary) moving it first is not an error."""
    try:
        return service(**kwargs)
    except ConflictError:
        return None


def periods_of_quarter(quarter: Quarter, policy_id: int | None):
    """The periods inside a calendar quarter (its quarter, or its months), of one policy or
    all: what a sign-off of that quarter's report locks."""
    periods = ReportingPeriod.objects.filter(start__gte=quarter.start, end__lte=quarter.end)
    if policy_id is not None:
        periods = periods.filter(policy_id=policy_id)
    return periods.select_related("policy").order_by("policy__position", "start")


def lockable_periods(periods):
    return periods.filter(state__in=TRANSITIONS[Action.LOCK][0])


def periods_lock_signed_off(*, user: User, periods) -> list[ReportingPeriod]:
    """Lock the given periods once their quarter's report is signed off (called inside the
    sign-off's transaction, so a refusal undoes the sign-off too)."""
    return [
        _transition(
            action=Action.LOCK,
            period=period,
            user=user,
            reason="The committee signed off the quarter's report.",
        )
        for period in lockable_periods(periods)
    ]
