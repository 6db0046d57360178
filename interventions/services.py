"""Writes to the plan that people make: an owner the source does not name, and changes to its
baselines through a request the secretary decides.

The fixtures say only what the sources say, so many items have no lead ("owner not stated in the
source"). The committee secretary gives one on the record: who, when and on what authority.
Every write is validated, permission-checked and atomic; a change request and the revision its
approval records are the audit (who, when, why, on what authority), in the same transaction.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from agencies.models import Agency, User
from core.data_version import data_version_bump
from core.errors import ConflictError
from interventions import baselines
from interventions.models import (
    INDICATOR_PLAN_FIELDS,
    ITEM_PLAN_FIELDS,
    BaselineRevision,
    ChangeRequest,
    Direction,
    Indicator,
    ItemGrant,
    OwnerAssignment,
    PlanItem,
    Responsibility,
    Sensitivity,
)

DATE_FIELDS = {"due_date", "baseline_date", "target_date"}
NUMBER_FIELDS = {"allocation", "baseline", "target"}
LABELS = {
    "due_date": "due date",
    "allocation": "allocation",
    "unit": "unit",
    "baseline": "baseline",
    "baseline_date": "baseline date",
    "target": "target",
    "target_date": "target date",
    "direction": "direction",
}


def can_propose(user: User, item: PlanItem) -> bool:
    """The committee secretary, or a reviewer of an agency answerable for the item."""
    if user.role == User.Role.COMMITTEE_SECRETARY:
        return True
    return (
        user.role == User.Role.AGENCY_REVIEWER
        and user.agency_id is not None
        and item.responsibilities.filter(agency_id=user.agency_id).exists()
    )


def can_decide(user: User) -> bool:
    return user.role == User.Role.COMMITTEE_SECRETARY


def _clean_values(values: dict, indicator: Indicator | None) -> dict:
    """Check each proposed value's name and type; raise one error naming every bad field."""
    allowed = INDICATOR_PLAN_FIELDS if indicator is not None else ITEM_PLAN_FIELDS
    errors: dict[str, list[str]] = {}
    clean = {}
    for name, value in values.items():
        if name not in allowed:
            message = (
                _("%(name)s is not a value of an indicator's plan.")
                if indicator is not None
                else _("%(name)s is not a value of an item's plan.")
            )
            errors.setdefault(name, []).append(message % {"name": repr(name)})
            continue
        if value in ("", None):
            clean[name] = "" if name in ("unit", "direction") else None
        elif name in DATE_FIELDS and not isinstance(value, datetime.date):
            errors.setdefault(name, []).append(_("Give a date (YYYY-MM-DD)."))
        elif name in NUMBER_FIELDS:
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                errors.setdefault(name, []).append(_("Give a number."))
                continue
            if name == "allocation" and number < 0:
                errors.setdefault(name, []).append(_("An allocation cannot be negative."))
            clean[name] = number
        elif name == "direction" and value not in Direction.values:
            errors.setdefault(name, []).append(_("Say whether higher or lower is better."))
        else:
            clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def change_request_propose(
    *,
    user: User,
    item: PlanItem,
    values: dict,
    reason: str,
    indicator: Indicator | None = None,
    authority: str = "",
    batch: uuid.UUID | None = None,
    is_sample: bool = False,
) -> ChangeRequest:
    """Propose new baseline values for an item (due date, allocation) or one of its indicators
    (unit, baseline, target, direction). Setting a value never set before is a request too."""
    if not can_propose(user, item):
        raise PermissionDenied(
            _(
                "Only a reviewer of a responsible agency or the committee secretary proposes "
                "changes."
            )
        )
    if indicator is not None and indicator.item_id != item.pk:
        raise ValidationError({"indicator": [_("That indicator belongs to another item.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the plan should change.")]})
    clean = _clean_values(values, indicator)
    if not clean:
        raise ValidationError({"__all__": [_("Propose at least one new value.")]})
    today = timezone.localdate()
    current = (
        baselines.indicator_values_in_force(indicator, today)
        if indicator is not None
        else baselines.item_values_in_force(item, today)
    )
    if all(current[name] == value for name, value in clean.items()):
        raise ValidationError({"__all__": [_("These are already the values in force.")]})
    return ChangeRequest.objects.create(
        item=item,
        indicator=indicator,
        changes=sorted(clean),
        reason=reason.strip(),
        authority=authority.strip(),
        proposed_by=user,
        proposed_at=timezone.now(),
        batch=batch,
        is_sample=is_sample,
        **clean,
    )


def _pending(request: ChangeRequest) -> ChangeRequest:
    current = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if current.state != ChangeRequest.State.PENDING:
        raise ConflictError(
            _("This request was already %(state)s.")
            % {"state": current.get_state_display().lower()}
        )
    return current


@transaction.atomic
def change_request_approve(
    *, user: User, request: ChangeRequest, authority: str = "", note: str = ""
) -> BaselineRevision:
    """Approve a pending request: record a new revision holding the values in force with the
    requested ones changed, in force from today."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary decides on changes to the plan."))
    current = _pending(request)
    authority = authority.strip() or current.authority
    if not authority:
        raise ValidationError(
            {"authority": [_("Name the decision this rests on (meeting and decision number).")]}
        )
    now = timezone.now()
    today = timezone.localdate(now)
    item, indicator = current.item, current.indicator
    if indicator is not None:
        # Lock the indicator so two approvals cannot take the same number.
        Indicator.objects.select_for_update().get(pk=indicator.pk)
        values = baselines.indicator_values_in_force(indicator, today)
        numbered = BaselineRevision.objects.filter(indicator=indicator)
    else:
        PlanItem.objects.select_for_update().get(pk=item.pk)
        values = baselines.item_values_in_force(item, today)
        numbered = BaselineRevision.objects.filter(item=item, indicator__isnull=True)
    values.update({name: getattr(current, name) for name in current.changes})
    number = (numbered.aggregate(last=Max("number"))["last"] or 0) + 1
    current.state = ChangeRequest.State.APPROVED
    current.decided_by = user
    current.decided_at = now
    current.decision_note = note.strip()
    current.authority = authority
    current.save()
    # The revision moves due dates and targets in force, so overdue counts and progress.
    data_version_bump()
    return BaselineRevision.objects.create(
        item=item,
        indicator=indicator,
        number=number,
        in_force_from=today,
        reason=current.reason,
        authority=authority,
        change_request=current,
        proposed_by=current.proposed_by,
        approved_by=user,
        created_at=now,
        is_sample=current.is_sample,
        **values,
    )


@transaction.atomic
def change_request_reject(*, user: User, request: ChangeRequest, note: str) -> ChangeRequest:
    """Reject a pending request, saying why; the plan stays as it is."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary decides on changes to the plan."))
    if not note.strip():
        raise ValidationError({"note": [_("Say why the change is rejected.")]})
    current = _pending(request)
    current.state = ChangeRequest.State.REJECTED
    current.decided_by = user
    current.decided_at = timezone.now()
    current.decision_note = note.strip()
    current.save()
    return current


@transaction.atomic
def due_dates_set_in_bulk(
    *,
    user: User,
    items: Iterable[PlanItem],
    due_date: datetime.date,
    reason: str,
    authority: str,
    is_sample: bool = False,
) -> list[BaselineRevision]:
    """The secretary sets one due date for many items with one reason (e.g. every NISP 2018
    item carried forward): one request per item, in one batch, each approved at once, so each
    item's history shows it. Items already due that day are left alone. All or nothing."""
    if not can_decide(user):
        raise PermissionDenied(_("Only the committee secretary sets due dates in bulk."))
    if not authority.strip():
        raise ValidationError(
            {"authority": [_("Name the decision this rests on (meeting and decision number).")]}
        )
    batch = uuid.uuid4()
    today = timezone.localdate()
    revisions = []
    for item in items:
        if baselines.item_values_in_force(item, today)["due_date"] == due_date:
            continue
        request = change_request_propose(
            user=user,
            item=item,
            values={"due_date": due_date},
            reason=reason,
            authority=authority,
            batch=batch,
            is_sample=is_sample,
        )
        revisions.append(change_request_approve(user=user, request=request))
    if not revisions:
        raise ValidationError({"__all__": [_("Every chosen item is already due on that date.")]})
    return revisions


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
        raise PermissionDenied(_("Only the committee secretary can assign an owner."))
    authority = authority.strip()
    if not authority:
        raise ValidationError(
            {
                "authority": _(
                    "Say what the assignment rests on: a meeting decision, a notification."
                )
            }
        )
    if role not in (Responsibility.Role.LEAD, Responsibility.Role.SUPPORTING):
        raise ValidationError({"role": _("An assigned owner is a lead or a supporting body.")})
    if agency.kind == Agency.Kind.GROUP:
        raise ValidationError(
            {
                "agency": _("%(agency)s is a group of bodies: assign one body, not the group.")
                % {"agency": agency.code}
            }
        )
    if agency.is_synthetic and not item.is_synthetic:
        raise ValidationError({"agency": _("A benchmark body cannot own a real item.")})
    existing = item.responsibilities.filter(agency=agency).first()
    if existing is not None:
        raise ValidationError(
            {
                "agency": _("%(agency)s is already listed for this item as %(role)s.")
                % {"agency": agency.code, "role": existing.get_role_display().lower()}
            }
        )
    if role == Responsibility.Role.LEAD and item.responsibilities.filter(role=role).exists():
        raise ValidationError({"role": _("This item already has a lead.")})
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
    data_version_bump()
    return assignment


# --- who may read an item: its sensitivity and explicit grants --------------------------------


def can_set_sensitivity(user: User) -> bool:
    """Only the committee secretary decides who may read an item."""
    return user.is_authenticated and user.role == User.Role.COMMITTEE_SECRETARY


@transaction.atomic
def item_sensitivity_set(
    *, user: User, items: Iterable[PlanItem], sensitivity: str, reason: str
) -> list[PlanItem]:
    """Set the sensitivity of one item or many (a policy's items made public at once) with one
    reason, kept as each item's history change reason (who, when, why). Items already at that
    level are left alone; none to change is an error. All or nothing."""
    if not can_set_sensitivity(user):
        raise PermissionDenied(_("Only the committee secretary sets who may read an item."))
    if sensitivity not in Sensitivity.values:
        raise ValidationError(
            {
                "sensitivity": [
                    _("“%(level)s” is not one of %(levels)s.")
                    % {"level": sensitivity, "levels": ", ".join(Sensitivity.values)}
                ]
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the item's readers change.")]})
    ids = [item.pk for item in items]
    changed = list(
        PlanItem.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(sensitivity=sensitivity)
        .order_by("pk")
    )
    if not changed:
        raise ValidationError(
            {"sensitivity": [_("Already %(level)s.") % {"level": Sensitivity(sensitivity).label}]}
        )
    for item in changed:
        item.sensitivity = sensitivity
        item._history_user = user
        item._change_reason = f"Sensitivity set to {sensitivity}: {reason}"
        item.save(update_fields=["sensitivity", "updated_at"])
    data_version_bump()
    return changed


@transaction.atomic
def item_grant_add(*, user: User, item: PlanItem, reader: User, reason: str) -> ItemGrant:
    """Let one person read a restricted item outside its agencies, on the record."""
    if not can_set_sensitivity(user):
        raise PermissionDenied(_("Only the committee secretary grants access to an item."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this person may read the item.")]})
    if ItemGrant.objects.filter(item=item, user=reader).exists():
        raise ValidationError({"user": [_("This person already holds a grant on this item.")]})
    grant = ItemGrant(
        item=item, user=reader, granted_by=user, granted_at=timezone.now(), reason=reason
    )
    grant._history_user = user
    grant.save()
    data_version_bump()
    return grant


@transaction.atomic
def item_grant_revoke(*, user: User, grant: ItemGrant, reason: str) -> None:
    if not can_set_sensitivity(user):
        raise PermissionDenied(_("Only the committee secretary revokes access to an item."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the grant ends.")]})
    grant._history_user = user
    grant._change_reason = reason.strip()
    grant.delete()
    data_version_bump()
