"""Who may do what: the one place the web views, the API and the tasks ask.

Everyone signed in reads the plan; who reads an update is ProgressUpdate.objects.visible_to.
Desk officers write for the items of the agencies they report for: their own and those granted
to them (User.acts_for); a reviewer reports only for granted agencies (in their own they review
what the officers report: four eyes). agencies_user_reports_for is that one rule, asked by the
web form, the API and the workbook alike. Agency reviewers approve or return their agency's
submissions; the committee secretary manages periods, may return any update, and comments;
committee members read everything and comment. Who reads the quarterly reports is
committee.permissions' rule.
"""

from __future__ import annotations

from agencies.models import ActsFor, Agency, User
from agencies.services import REPORTING_ROLES
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


def agencies_user_reports_for(user: User) -> frozenset[int]:
    """The ids of the agencies this person reports for: their own and their grants. Read once
    per request (kept on the user), so a batch asks it per row for nothing."""
    if not getattr(user, "is_authenticated", False) or user.role not in REPORTING_ROLES:
        return frozenset()
    cached = getattr(user, "_reports_for", None)
    if cached is None:
        granted = ActsFor.objects.filter(user_id=user.pk).values_list("agency_id", flat=True)
        # A reviewer's own agency is the one they review, not report for.
        own = {user.agency_id} if user.agency_id and user.role == Role.DESK_OFFICER else set()
        cached = user._reports_for = frozenset(own | set(granted))
    return cached


def agencies_reported_for(user: User):
    """The agencies themselves, own first, for choosing one in a page (one query)."""
    ids = agencies_user_reports_for(user)
    return sorted(Agency.objects.filter(pk__in=ids), key=lambda a: (a.pk != user.agency_id, a.code))


def can_report_for(user: User, agency_id: int | None) -> bool:
    if agency_id is None:
        return False
    if agency_id == user.agency_id and user.role == Role.DESK_OFFICER:
        return True  # an officer's own agency: no need to read the grants
    return agency_id in agencies_user_reports_for(user)


def can_import(user: User) -> bool:
    """Whoever reports for an agency (their own, or one granted to them) downloads and uploads
    its workbook."""
    return bool(agencies_user_reports_for(user))


def reporting_agency_for(user: User, item: PlanItem) -> int | None:
    """The agency a person reports for on an item when they do not say which: their own if
    it answers for the item, else the one granted agency that does (None if none or several)."""
    if can_report_for(user, user.agency_id) and is_responsible(user.agency_id, item):
        return user.agency_id
    others = [a for a in agencies_user_reports_for(user) if a != user.agency_id
              and is_responsible(a, item)]  # fmt: skip
    return others[0] if len(others) == 1 else None


def can_draft(user: User, item: PlanItem, agency_id: int | None = None) -> bool:
    """May write the item's update for `agency_id` (default: the agency they report for on it)."""
    if agency_id is None:
        agency_id = reporting_agency_for(user, item)
    return can_report_for(user, agency_id) and is_responsible(agency_id, item)


def can_edit(user: User, update: ProgressUpdate) -> bool:
    return can_report_for(user, update.agency_id)


def can_approve(user: User, update: ProgressUpdate) -> bool:
    return (
        user.role == Role.AGENCY_REVIEWER
        and update.agency_id == user.agency_id
        # Four eyes: a reviewer who reported an update does not approve it too.
        and update.author_id != user.pk
    )


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
