"""Who may do what: the one place the web views, the API and the tasks ask.

Everyone signed in reads the plan; who reads an update is ProgressUpdate.objects.visible_to.
Desk officers write for their agency's items (directly responsible or named through a group
wording); agency reviewers approve or return their agency's submissions; the committee
secretary manages periods, may return any update, and comments; committee members read
everything and comment. Who reads the quarterly reports is committee.permissions' rule.
"""

from __future__ import annotations

from agencies.models import User
from interventions.models import PlanItem
from reporting.models import ProgressUpdate

Role = User.Role


def is_responsible(agency_id: int | None, item: PlanItem) -> bool:
    if agency_id is None:
        return False
    if "responsibilities" in getattr(item, "_prefetched_objects_cache", {}):
        # A batch (a workbook upload) read them with the items: no query per row.
        return any(r.agency_id == agency_id for r in item.responsibilities.all())
    return item.responsibilities.filter(agency_id=agency_id).exists()


def can_draft(user: User, item: PlanItem) -> bool:
    return user.role == Role.DESK_OFFICER and is_responsible(user.agency_id, item)


def can_edit(user: User, update: ProgressUpdate) -> bool:
    return user.role == Role.DESK_OFFICER and update.agency_id == user.agency_id


def can_approve(user: User, update: ProgressUpdate) -> bool:
    return user.role == Role.AGENCY_REVIEWER and update.agency_id == user.agency_id


def can_return(user: User, update: ProgressUpdate) -> bool:
    return can_approve(user, update) or user.role == Role.COMMITTEE_SECRETARY


def can_comment(user: User) -> bool:
    return user.role in (
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_SECRETARY,
        Role.AGENCY_REVIEWER,
        Role.ADMINISTRATOR,
    )


def can_manage_periods(user: User) -> bool:
    return user.role in (Role.COMMITTEE_SECRETARY, Role.ADMINISTRATOR)
