"""Writes to the plans that people make: an owner the source does not name.

The fixtures say only what the sources say, so many items have no lead ("owner not stated in the
source"). The committee secretary gives one on the record: who, when and on what authority.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from agencies.models import Agency, User
from interventions.models import OwnerAssignment, PlanItem, Responsibility

# Who may assign: the secretary keeps the committee's record; administrators stand in.
ASSIGNING_ROLES = {User.Role.COMMITTEE_SECRETARY, User.Role.ADMINISTRATOR}


def can_assign_owner(user: User) -> bool:
    return user.is_authenticated and (user.role in ASSIGNING_ROLES or user.is_superuser)


@transaction.atomic
def item_owner_assign(
    *,
    user: User,
    item: PlanItem,
    agency: Agency,
    authority: str,
    role: str = Responsibility.Role.LEAD,
) -> OwnerAssignment:
    """Record `agency` as the item's owner (lead by default) on the stated authority."""
    if not can_assign_owner(user):
        raise PermissionDenied("Only the committee secretary can assign an owner.")
    authority = authority.strip()
    if not authority:
        raise ValidationError(
            {"authority": "Say what the assignment rests on: a meeting decision, a notification."}
        )
    if role not in (Responsibility.Role.LEAD, Responsibility.Role.SUPPORTING):
        raise ValidationError({"role": "An assigned owner is a lead or a supporting body."})
    if agency.kind == Agency.Kind.GROUP:
        raise ValidationError(
            {"agency": f"{agency.code} is a group of bodies: assign one body, not the group."}
        )
    if agency.is_synthetic and not item.is_synthetic:
        raise ValidationError({"agency": "A benchmark body cannot own a real item."})
    existing = item.responsibilities.filter(agency=agency).first()
    if existing is not None:
        raise ValidationError(
            {
                "agency": f"{agency.code} is already listed for this item as "
                f"{existing.get_role_display().lower()}."
            }
        )
    if role == Responsibility.Role.LEAD and item.responsibilities.filter(role=role).exists():
        raise ValidationError({"role": "This item already has a lead."})
    assignment = OwnerAssignment.objects.create(
        item=item,
        agency=agency,
        role=role,
        assigned_by=user,
        assigned_at=timezone.now(),
        authority=authority,
    )
    responsibility = Responsibility(
        item=item,
        agency=agency,
        role=role,
        as_written="Assigned by the committee secretary (not stated in the source)",
        assignment=assignment,
        position=item.responsibilities.count(),
    )
    # simple-history takes the user and reason from these attributes for the history row.
    responsibility._history_user = user
    responsibility.save()
    update_change_reason(responsibility, f"Owner assigned on the authority of: {authority}")
    return assignment
