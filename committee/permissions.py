"""Who may read and manage the committee's papers."""

from __future__ import annotations

from agencies.models import User

Role = User.Role


def can_view_reports(user: User) -> bool:
    """The quarterly reports are the committee's papers: members, secretary, administrators."""
    return user.is_authenticated and user.role in (
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_SECRETARY,
        Role.ADMINISTRATOR,
    )


def is_secretary(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COMMITTEE_SECRETARY


def can_manage_reports(user: User) -> bool:
    """Only the committee secretary requests reports, reruns them and records sign-off."""
    return is_secretary(user)


def can_read_meetings(user: User) -> bool:
    """Meetings, their agenda and minutes are the committee's (members, secretary, admins)."""
    return can_view_reports(user)


def can_manage_meetings(user: User) -> bool:
    """The secretary writes meetings, agendas, minutes and decisions, and closes actions."""
    return is_secretary(user)


def can_comment_on_meetings(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY)


def can_update_action(user: User, action) -> bool:
    """The owner agency's desk officers and reviewers report on its actions; the secretary too."""
    if is_secretary(user):
        return True
    return (
        user.is_authenticated
        and user.role in (Role.DESK_OFFICER, Role.AGENCY_REVIEWER)
        and user.agency_id == action.owner_id
    )
