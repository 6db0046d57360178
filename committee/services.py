"""The committee's writes: meetings, their agenda and minutes, decisions, action items.

Each service checks who may act, validates, writes in one transaction and leaves its trace in
the models' history (who, when, why), so the web pages, the API and the tasks never disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from agencies.models import Agency, User
from committee import permissions
from committee.figures import committee_figures
from committee.labels import reasons_text
from committee.models import ActionItem, AgendaItem, Decision, Meeting, MeetingComment
from core.data_version import data_version_bump
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from reporting import notifications
from reporting.models import Notification

Status = ActionItem.Status


def _save(instance, user: User, reason: str = "") -> None:
    # simple-history takes the user from this attribute for the history row.
    instance._history_user = user
    instance.save()
    if reason:
        update_change_reason(instance, reason)
    # Meetings, decisions and action items feed the figures' follow-up section.
    data_version_bump()


def _secretary_only(user: User, message: str) -> None:
    if not permissions.can_manage_meetings(user):
        raise PermissionDenied(message)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


# --- meetings and their agenda -------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    user: User,
    title: str,
    date: datetime.date,
    quarter: str = "",
    kind: str = Meeting.Kind.QUARTERLY,
    attendees: list[User] | None = None,
    guests: str = "",
    build_agenda: bool = True,
    policy: Policy | None = None,
) -> Meeting:
    """A new meeting; with `build_agenda`, its agenda drafted from the quarter's ranked
    exceptions (the top, as the dashboard shows it) and every unfinished earlier action."""
    _secretary_only(user, _("Only the committee secretary arranges meetings."))
    title = _text(title, "title", _("Give the meeting a title."))
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": [_("Choose a quarterly review or an ad hoc meeting.")]})
    quarter = _quarter_under_review(quarter, kind, date)
    meeting = Meeting(
        title=title,
        kind=kind,
        quarter=quarter,
        date=date,
        guests=guests.strip(),
        created_by=user,
        created_at=timezone.now(),
    )
    _save(meeting, user, "Meeting arranged")
    meeting.attendees.set(attendees or [])
    if build_agenda:
        _draft_agenda(meeting, policy)
    return meeting


def _quarter_under_review(label: str, kind: str, date: datetime.date) -> str:
    """The quarter's label as stored (2026Q3), or blank for an ad hoc meeting without one. A
    quarterly review without a quarter reviews the one before the meeting's. Like a report,
    a review covers a quarter under way or past, and none before the policies."""
    label = (label or "").strip()
    field = "quarter"
    if not label:
        if kind != Meeting.Kind.QUARTERLY:
            return ""
        before = Quarter.of(date).previous()
        label, field = f"{before.year:04d}Q{before.number}", "date"
    try:
        quarter = Quarter.parse(label)
    except ValidationError as error:
        raise ValidationError({field: error.message_dict["quarter"]}) from error
    if quarter.start > timezone.localdate():
        raise ValidationError(
            {
                field: [
                    _("%(quarter)s has not begun: a review covers a quarter under way or past.")
                    % {"quarter": quarter}
                ]
            }
        )
    return quarter.label


def _short(text: str, limit: int = 200) -> str:
    """An agenda title's text: whole words within the limit, an ellipsis if cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _draft_agenda(meeting: Meeting, policy: Policy | None) -> None:
    position = 0
    if meeting.quarter:
        figures = committee_figures(quarter=Quarter.parse(meeting.quarter), policy=policy)
        for entry in figures["exceptions"]["top"]:
            position += 1
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                kind=AgendaItem.Kind.EXCEPTION,
                title=f"{entry['policy']} {entry['ref']}: {_short(entry['text'])}",
                reason=reasons_text(entry["reasons"]),
                severity=entry["severity"],
                item_id=entry["id"],
            )
    earlier = (
        ActionItem.objects.unfinished()
        .exclude(decision__agenda_item__meeting=meeting)
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    for action in earlier:
        position += 1
        late = " (overdue)" if action.is_overdue_on(meeting.date) else ""
        AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            kind=AgendaItem.Kind.FOLLOW_UP,
            title=f"Action for {action.owner.code}: {_short(action.text)}",
            reason=f"{action.get_status_display()}, due {action.due_date:%d %b %Y}{late}",
            action=action,
        )


@transaction.atomic
def meeting_update(
    *, user: User, meeting: Meeting, minutes: str, attendees: list[User], guests: str
) -> Meeting:
    _secretary_only(user, _("Only the committee secretary writes the minutes."))
    meeting.minutes = minutes.strip()
    meeting.guests = guests.strip()
    _save(meeting, user, "Minutes and attendance recorded")
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def agenda_item_add(
    *, user: User, meeting: Meeting, title: str, reason: str = "", item: PlanItem | None = None
) -> AgendaItem:
    _secretary_only(user, _("Only the committee secretary sets the agenda."))
    title = _text(title, "title", _("Say what the agenda point is."))
    last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
    point = AgendaItem(
        meeting=meeting,
        position=last + 1,
        kind=AgendaItem.Kind.OTHER,
        title=title,
        reason=reason.strip(),
        item=item,
    )
    _save(point, user, "Added to the agenda")
    return point


@transaction.atomic
def agenda_item_drop(*, user: User, point: AgendaItem) -> None:
    _secretary_only(user, _("Only the committee secretary sets the agenda."))
    if point.decisions.exists():
        raise ValidationError({"__all__": [_("A decision was recorded on this point: keep it.")]})
    point._history_user = user
    point.delete()
    _renumber(point.meeting, user)


@transaction.atomic
def agenda_item_move(*, user: User, point: AgendaItem, offset: int) -> None:
    """Move a point up (offset -1) or down (+1) the agenda."""
    _secretary_only(user, _("Only the committee secretary sets the agenda."))
    points = list(point.meeting.agenda.select_for_update().order_by("position", "pk"))
    index = next(i for i, p in enumerate(points) if p.pk == point.pk)
    target = index + offset
    if not 0 <= target < len(points):
        raise ValidationError({"__all__": [_("That point cannot move further.")]})
    points[index], points[target] = points[target], points[index]
    for position, each in enumerate(points, start=1):
        if each.position != position:
            each.position = position
            _save(each, user, "Agenda reordered")


def _renumber(meeting: Meeting, user: User) -> None:
    for position, each in enumerate(meeting.agenda.order_by("position", "pk"), start=1):
        if each.position != position:
            each.position = position
            _save(each, user, "Agenda renumbered")


@transaction.atomic
def meeting_comment_add(*, user: User, meeting: Meeting, text: str) -> MeetingComment:
    if not permissions.can_comment_on_meetings(user):
        raise PermissionDenied(_("Only committee members comment on meetings."))
    text = _text(text, "text", _("Write a comment."))
    comment = MeetingComment(meeting=meeting, author=user, text=text, created_at=timezone.now())
    _save(comment, user)
    return comment


# --- decisions and actions -----------------------------------------------------------------


@transaction.atomic
def decision_record(
    *, user: User, point: AgendaItem, text: str, items: list[PlanItem] | None = None
) -> Decision:
    """A decision on an agenda point; the point's plan item is linked unless others are given."""
    _secretary_only(user, _("Only the committee secretary records decisions."))
    text = _text(text, "text", _("Write what the committee decided."))
    decision = Decision(agenda_item=point, text=text, recorded_by=user, recorded_at=timezone.now())
    _save(decision, user, "Decision recorded")
    linked = items if items else ([point.item] if point.item_id else [])
    decision.items.set(linked)
    return decision


@transaction.atomic
def action_item_create(
    *, user: User, decision: Decision, text: str, owner: Agency, due_date: datetime.date
) -> ActionItem:
    _secretary_only(user, _("Only the committee secretary assigns action items."))
    text = _text(text, "text", _("Say what must be done."))
    if owner.kind == Agency.Kind.GROUP:
        raise ValidationError(
            {
                "owner": [
                    _("%(code)s is a group of bodies: give the action to one body.")
                    % {"code": owner.code}
                ]
            }
        )
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The due date has already passed.")]})
    action = ActionItem(
        decision=decision, text=text, owner=owner, due_date=due_date, created_at=timezone.now()
    )
    _save(action, user, "Action assigned")
    return action


@transaction.atomic
def action_item_update(
    *, user: User, action: ActionItem, status: str, note: str = "", evidence: str = ""
) -> ActionItem:
    """The owner reports progress: in progress, or done with evidence. Reopening a done action
    (back to in progress) clears the secretary's confirmation."""
    if not permissions.can_update_action(user, action):
        raise PermissionDenied(_("Only the owner agency's people update this action."))
    if action.is_closed:
        raise ValidationError({"status": [_("The secretary has closed this action.")]})
    if status not in (Status.OPEN, Status.IN_PROGRESS, Status.DONE):
        raise ValidationError(
            {
                "status": [
                    _("Choose open, in progress or done (only the secretary drops an action).")
                ]
            }
        )
    evidence = evidence.strip()
    if status == Status.DONE and not evidence:
        raise ValidationError({"evidence": [_("Say what shows it was done: a document, a link.")]})
    action.status = status
    action.progress_note = note.strip() or action.progress_note
    if evidence:
        action.evidence = evidence
    action.completed_at = timezone.now() if status == Status.DONE else None
    _save(action, user, f"Marked {action.get_status_display().lower()}")
    return action


@transaction.atomic
def action_item_close(*, user: User, action: ActionItem) -> ActionItem:
    """The secretary confirms a done action is closed."""
    _secretary_only(user, _("Only the committee secretary closes action items."))
    if action.status != Status.DONE:
        raise ValidationError({"status": [_("Only a done action can be closed; drop it instead.")]})
    if action.is_closed:
        raise ValidationError({"status": [_("This action is already closed.")]})
    action.closed_by = user
    action.closed_at = timezone.now()
    _save(action, user, "Closed by the secretary")
    return action


@transaction.atomic
def action_item_drop(*, user: User, action: ActionItem, reason: str) -> ActionItem:
    _secretary_only(user, _("Only the committee secretary drops action items."))
    reason = _text(reason, "drop_reason", _("Say why the action is dropped."))
    if action.is_closed:
        raise ValidationError({"status": [_("This action is already closed.")]})
    now = timezone.now()
    action.status = Status.DROPPED
    action.drop_reason = reason
    action.completed_at = now
    action.closed_by = user
    action.closed_at = now
    _save(action, user, f"Dropped: {reason}")
    return action


# --- escalation ----------------------------------------------------------------------------


@transaction.atomic
def actions_escalate_overdue(*, today: datetime.date | None = None) -> list[ActionItem]:
    """Tell each overdue action's owner agency (officers and reviewers) and the secretary,
    once per action; the notices are recorded like the reminders' digests."""
    today = today or timezone.localdate()
    overdue = list(
        ActionItem.objects.overdue(today)
        .filter(escalated_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("owner")
    )
    if not overdue:
        return []
    secretaries = list(User.objects.filter(role=User.Role.COMMITTEE_SECRETARY))
    # The owners' officers and reviewers in one read, not one per action.
    owners_of: dict[int, list[User]] = defaultdict(list)
    for person in User.objects.filter(
        agency_id__in={action.owner_id for action in overdue},
        role__in=[User.Role.DESK_OFFICER, User.Role.AGENCY_REVIEWER],
    ):
        owners_of[person.agency_id].append(person)
    now = timezone.now()
    for action in overdue:
        owners = owners_of[action.owner_id]
        link = notifications.site_link("committee:action_detail", action.pk)

        def compose(action=action, link=link) -> tuple[str, str]:
            # Worded per recipient by notifications.record (English until translated).
            return (
                f"Committee action overdue for {action.owner.code}",
                f"The Advisory Committee's action for {action.owner.code} was due on "
                f"{action.due_date:%d %B %Y} and is still {action.get_status_display().lower()}:"
                f"\n\n{action.text}\n\nUpdate it or ask the secretary to change it: {link}\n",
            )

        notifications.notify(
            people=[*owners, *secretaries], kind=Notification.Kind.DIGEST, compose=compose
        )
        action.escalated_at = now
        action._history_user = None
        action.save(update_fields=["escalated_at"])
        update_change_reason(action, "Escalated: past its due date")
    data_version_bump()
    return overdue


@transaction.atomic
def decision_record_with_action(
    *,
    user: User,
    point: AgendaItem,
    text: str,
    action: str = "",
    owner: Agency | None = None,
    due_date: datetime.date | None = None,
) -> Decision:
    """A decision and, when given, its action item: both or neither."""
    decision = decision_record(user=user, point=point, text=text)
    if action.strip():
        if owner is None or due_date is None:
            raise ValidationError({"owner": [_("An action needs an owner agency and a due date.")]})
        action_item_create(
            user=user, decision=decision, text=action, owner=owner, due_date=due_date
        )
    return decision
