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


def can_manage_reports(user: User) -> bool:
    """Only the committee secretary requests reports, reruns them and records sign-off."""
    return user.is_authenticated and user.role == Role.COMMITTEE_SECRETARY
