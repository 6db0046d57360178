"""Every change to progress data: validated, permission-checked, atomic, and recorded in history.

The web forms, the API and the Celery tasks call these functions and nothing else writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.models import Agency, User
from core.data_version import data_version_bump
from core.errors import ConflictError
from core.quarters import Quarter
from interventions.models import (
    SENSITIVITY_ORDER,
    Cadence,
    Indicator,
    PlanItem,
    Policy,
    Sensitivity,
    stricter,
)
from interventions.services import can_set_sensitivity
from reporting import notifications, periods, permissions, status, update_fields, uploads
from reporting.models import (
    Comment,
    EvidenceFile,
    IndicatorValue,
    ProgressUpdate,
    ReportingPeriod,
)
from reporting.update_fields import UpdateData

Confidence = ProgressUpdate.Confidence
Status = ProgressUpdate.Status
State = ProgressUpdate.State

# Ratings at which the committee needs to know why.
CONFIDENCE_NEEDING_RATIONALE = {Confidence.AMBER, Confidence.AMBER_RED, Confidence.RED}

# "The caller did not read the previous update": validate_update reads it itself.
UNREAD = object()

# Field name -> its errors, each a ValidationError with a code (the API's typed field errors).
Errors = dict[str, list[ValidationError]]


def _model_checks(data: UpdateData, errors: Errors, unchecked) -> None:
    """The model's own limits (lengths, 0-100 %, no negative money) for every caller, the web
    form and the API serializer included: they inherit the same validators."""
    for name in update_fields.REPORTED_FIELDS:
        if name in unchecked:
            continue
        value = getattr(data, name)
        if value in (None, ""):
            continue
        try:
            update_fields.model_field(name).run_validators(value)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.error_list)  # the validators' codes


def _decreases(
    data: UpdateData, previous: ProgressUpdate | None, errors: Errors, unchecked
) -> None:
    """Figures are cumulative: going down from the last approved update needs a reason."""
    if previous is None or "change_rationale" in unchecked or data.change_rationale.strip():
        return
    when = previous.period.label
    if "percent_complete" not in unchecked and data.percent_complete < previous.percent_complete:
        errors.setdefault("percent_complete", []).append(
            ValidationError(
                _(
                    "Percent complete went down from %(percent)s%% (approved for %(period)s): "
                    "say why under “Reason for a decrease”."
                )
                % {"percent": previous.percent_complete, "period": when},
                code="rationale_required_for_decrease",
            )
        )
    for name, label in (("budget_released", _("Released")), ("budget_spent", _("Spent"))):
        before, now = getattr(previous, name), getattr(data, name)
        if name not in unchecked and before is not None and now is not None and now < before:
            errors.setdefault(name, []).append(
                ValidationError(
                    _(
                        "%(figure)s is cumulative and went down from %(before)s (approved for "
                        "%(period)s): say why under “Reason for a decrease”."
                    )
                    % {"figure": label, "before": f"{before:,}", "period": when},
                    code="rationale_required_for_decrease",
                )
            )


def _indicator_checks(item: PlanItem, data: UpdateData, errors: Errors) -> None:
    indicators = {i.pk: i for i in item.indicators.all()}
    text_validators = IndicatorValue._meta.get_field("text").validators
    for indicator_id, value in data.indicator_values.items():
        indicator = indicators.get(indicator_id)
        if value in ("", None) and indicator is not None:
            continue  # not reported this period
        if indicator is None:
            errors.setdefault("indicator_values", []).append(
                ValidationError(
                    _("Indicator %(indicator)s does not belong to this item.")
                    % {"indicator": indicator_id},
                    code="unknown_indicator",
                )
            )
        elif indicator.measure == Indicator.Measure.NUMBER and not isinstance(value, Decimal):
            errors.setdefault("indicator_values", []).append(
                ValidationError(
                    _("“%(indicator)s” takes a number.") % {"indicator": indicator.description},
                    code="number_required",
                )
            )
        elif isinstance(value, str):
            for validator in text_validators:
                try:
                    validator(value)
                except ValidationError as error:
                    errors.setdefault("indicator_values", []).extend(
                        ValidationError(
                            f"“{indicator.description}”: {message}", code=error.code or "invalid"
                        )
                        for message in error.messages
                    )


def validate_update(
    item: PlanItem,
    agency_id: int,
    period: ReportingPeriod,
    data: UpdateData,
    *,
    unchecked: frozenset[str] = frozenset(),
    previous: ProgressUpdate | object | None = UNREAD,
) -> None:
    """Every rule an update's content must hold, all checked and raised together as field
    errors (the web form and the API show each next to its field). `unchecked` names fields
    the caller could not even parse: the rules that read them are skipped, the rest still
    run, so the officer sees every error at once. `previous` is the agency's last approved
    update before the period (status.last_approved_before, None for none) when the caller has
    read it already: a batch reads them all at once with status.last_approved_before_by_pair,
    so checking a row costs no query."""
    errors: Errors = {}

    def checks(*names: str) -> bool:
        return not unchecked.intersection(names)

    _model_checks(data, errors, unchecked)
    if previous is UNREAD:
        previous = status.last_approved_before(item, agency_id, period)
    if checks("confidence", "confidence_rationale") and not data.confidence_rationale.strip():
        if data.confidence in CONFIDENCE_NEEDING_RATIONALE:
            errors.setdefault("confidence_rationale", []).append(
                ValidationError(
                    _("Explain the rating: a rationale is required for amber, amber/red and red."),
                    code="rationale_required",
                )
            )
        elif previous and previous.confidence != data.confidence:
            errors.setdefault("confidence_rationale", []).append(
                ValidationError(
                    _("Explain the change: the last approved rating was %(rating)s.")
                    % {"rating": previous.get_confidence_display()},
                    code="rationale_required_for_change",
                )
            )
    if checks("status", "percent_complete"):
        if data.status == Status.COMPLETED and data.percent_complete != 100:
            errors.setdefault("percent_complete", []).append(
                ValidationError(
                    _("Completed means 100%: set 100, or choose the status that fits."),
                    code="percent_must_be_100_when_completed",
                )
            )
        if data.status == Status.NOT_STARTED and data.percent_complete != 0:
            errors.setdefault("percent_complete", []).append(
                ValidationError(
                    _("Not started means 0%: set 0, or choose the status that fits."),
                    code="percent_must_be_0_when_not_started",
                )
            )
    _decreases(data, previous, errors, unchecked)
    spent, released = data.budget_spent, data.budget_released
    if checks("budget_spent", "budget_released") and spent is not None and spent > (released or 0):
        errors.setdefault("budget_spent", []).append(
            ValidationError(
                _("Spent cannot exceed released: no budget is recorded as released.")
                if released is None
                else _("Spent cannot exceed released (%(released)s).")
                % {"released": f"{released:,}"},
                code="spent_exceeds_released",
            )
        )
    if checks("indicator_values"):
        _indicator_checks(item, data, errors)
    if errors:
        raise ValidationError(errors)


def validation_errors(
    item: PlanItem, agency_id: int, period: ReportingPeriod, data: UpdateData, unchecked
) -> Errors:
    """validate_update's errors by field (empty when none), each keeping its code, for callers
    that already hold parse errors of their own and show both together."""
    try:
        validate_update(item, agency_id, period, data, unchecked=frozenset(unchecked))
    except ValidationError as error:
        return error.error_dict
    return {}


def _require_open(period: ReportingPeriod) -> None:
    # Drafts save while the period has started and is not locked; see reporting.periods.
    periods.require_draftable(period)


def _indicator_value(update: ProgressUpdate, indicator_id: int, value) -> IndicatorValue:
    # A number indicator's actual is a Decimal, a described one's text.
    is_number = isinstance(value, Decimal)
    return IndicatorValue(update=update, indicator_id=indicator_id,
                          number=value if is_number else None,
                          text="" if is_number else value)  # fmt: skip


def _write_indicator_values(
    update: ProgressUpdate, values: dict[int, Decimal | str], *, created: bool = False
) -> None:
    """Store the reported actuals; an empty one removes what was stored. A new update has
    none stored yet, so nothing is looked up for it (a workbook row sends every indicator)."""
    emptied = [pk for pk, value in values.items() if value in ("", None)]
    if emptied and not created:
        IndicatorValue.objects.filter(update=update, indicator_id__in=emptied).delete()
    for indicator_id, value in values.items():
        if value in ("", None):
            continue
        stored = _indicator_value(update, indicator_id, value)
        if created:
            stored.save()
            continue
        IndicatorValue.objects.update_or_create(
            update=update,
            indicator_id=indicator_id,
            defaults={"number": stored.number, "text": stored.text},
        )


def _require_may_draft(user: User, item: PlanItem, agency_id: int | None) -> None:
    if not permissions.can_draft(user, item, agency_id):
        raise PermissionDenied(_("Only desk officers of a responsible agency report on this item."))


def _require_period_of(item: PlanItem, period: ReportingPeriod) -> None:
    if period.policy_id != item.policy_id:
        raise ValidationError(
            {
                "period": ValidationError(
                    _("This period belongs to another policy."), code="wrong_policy"
                )
            }
        )


def _duplicate(agency: Agency, period: ReportingPeriod) -> ConflictError:
    return ConflictError(
        _("%(agency)s already has an update for %(period)s: edit that one.")
        % {"agency": agency.code, "period": period.label},
        code="duplicate_update",
    )


@transaction.atomic
def update_create(
    *,
    user: User,
    item: PlanItem,
    period: ReportingPeriod,
    data: UpdateData,
    previous: ProgressUpdate | object | None = UNREAD,
    agency: Agency | None = None,
) -> ProgressUpdate:
    """A new draft for `agency` (default: the one agency the person reports for on the item:
    their own, or a granted one). `previous` as for validate_update (a batch passes what it
    read)."""
    agency_id = agency.pk if agency else permissions.reporting_agency_for(user, item)
    _require_may_draft(user, item, agency_id)
    if agency is None:
        agency = user.agency if agency_id == user.agency_id else Agency.objects.get(pk=agency_id)
    _require_period_of(item, period)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _require_open(period)
    if ProgressUpdate.objects.filter(item=item, period=period, agency=agency).exists():
        raise _duplicate(agency, period)
    validate_update(item, agency.pk, period, data, previous=previous)
    update = ProgressUpdate(item=item, period=period, agency=agency, author=user)
    update_fields.apply(update, data)
    update.save()
    _write_indicator_values(update, data.indicator_values, created=True)
    data_version_bump()
    return update


def _require_version(current: ProgressUpdate, version: int) -> None:
    if current.version != version:
        raise ConflictError(
            _(
                "Someone else saved this update after you opened it (you had version "
                "%(yours)s, it is now %(now)s). Reload to see their changes; yours were not "
                "saved."
            )
            % {"yours": version, "now": current.version},
            code="stale_version",
        )


def _locked_for_change(update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if "item" in update._state.fields_cache:
        # An update's item never changes: keep the one the caller read (with its indicators).
        current.item = update.item
    _require_version(current, version)
    return current


# What an officer may not do to an update, by what they tried (edit, submit): whole sentences,
# so each language words them its own way.
NOT_THEIRS = {
    "edited": gettext_lazy("Only the agency's desk officers may have an update edited."),
    "submitted": gettext_lazy("Only the agency's desk officers may have an update submitted."),
}
NOT_EDITABLE = {
    "edited": gettext_lazy("A %(state)s update cannot be edited."),
    "submitted": gettext_lazy("A %(state)s update cannot be submitted."),
}


def _require_may_edit(user: User, update: ProgressUpdate, verb: str) -> None:
    if not permissions.can_edit(user, update):
        raise PermissionDenied(str(NOT_THEIRS[verb]))


def _require_editable(current: ProgressUpdate, verb: str) -> None:
    if not current.is_editable:
        raise ConflictError(
            NOT_EDITABLE[verb] % {"state": current.get_state_display().lower()},
            code="update_not_editable",
        )


def _editable(user: User, update: ProgressUpdate, version: int, *, verb: str) -> ProgressUpdate:
    """The update locked for change, once the officer may change it in its current state."""
    _require_may_edit(user, update, verb)
    current = _locked_for_change(update, version)
    _require_open(current.period)
    _require_editable(current, verb)
    return current


@transaction.atomic
def update_edit(
    *,
    user: User,
    update: ProgressUpdate,
    data: UpdateData,
    version: int,
    previous: ProgressUpdate | object | None = UNREAD,
) -> ProgressUpdate:
    """Change a draft or returned update at the version the officer saw. `previous` as for
    validate_update (a batch passes what it read)."""
    current = _editable(user, update, version, verb="edited")
    if update_fields.is_unchanged(current, data):
        return current  # nothing to record: no new version, no needless 409 for others
    validate_update(current.item, current.agency_id, current.period, data, previous=previous)
    update_fields.apply(current, data)
    current.version += 1
    current.save()
    _write_indicator_values(current, data.indicator_values)
    data_version_bump()
    return current


def _needs_evidence(update: ProgressUpdate) -> bool:
    return update.status == Status.COMPLETED and not update.evidence_link


def _require_evidence(current: ProgressUpdate, has_files: bool) -> None:
    if _needs_evidence(current) and not has_files:
        raise ValidationError(
            {
                "evidence": ValidationError(
                    _("Marking an item completed needs evidence: attach a file or a link."),
                    code="evidence_required",
                )
            }
        )


def _mark_submitted(current: ProgressUpdate, now: datetime.datetime) -> None:
    current.state = State.SUBMITTED
    current.submitted_at = now
    current.first_submitted_at = current.first_submitted_at or now
    current.version += 1


@transaction.atomic
def update_submit(*, user: User, update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = _editable(user, update, version, verb="submitted")
    periods.require_submittable(current.period, current.agency_id)
    _require_evidence(current, _needs_evidence(current) and current.evidence.exists())
    _mark_submitted(current, timezone.now())
    current.save()
    notifications.updates_submitted([current])
    data_version_bump()
    return current


def _check_comment(comment: str, key: str = "comment") -> None:
    try:
        ProgressUpdate._meta.get_field("review_comment").run_validators(comment)
    except ValidationError as error:
        raise ValidationError({key: error.error_list}) from error


def _review(update: ProgressUpdate, version: int) -> ProgressUpdate:
    current = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if current.version != version:
        raise ConflictError(
            _("This update changed since you opened it; reload before reviewing."),
            code="stale_version",
        )
    if current.period.state == ReportingPeriod.State.LOCKED:
        raise ConflictError(
            _("%(period)s is locked: it has been reported on.") % {"period": current.period.label},
            code="period_locked",
        )
    if current.state != State.SUBMITTED:
        # The state's name in the reader's language (in English, its code: "draft").
        raise ConflictError(
            _("Only submitted updates are reviewed; this one is %(state)s.")
            % {"state": current.get_state_display().lower()},
            code="not_submitted",
        )
    return current


@transaction.atomic
def update_approve(
    *, user: User, update: ProgressUpdate, version: int, comment: str = ""
) -> ProgressUpdate:
    if not permissions.can_approve(user, update):
        raise PermissionDenied(_("Only the agency's reviewer approves its updates."))
    _check_comment(comment)
    current = _review(update, version)
    current.state = State.APPROVED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.version += 1
    current.save()
    notifications.update_approved(current)
    data_version_bump()
    return current


@transaction.atomic
def update_return(
    *, user: User, update: ProgressUpdate, comment: str, version: int
) -> ProgressUpdate:
    if not permissions.can_return(user, update):
        raise PermissionDenied(
            _("Only the agency's reviewer or the committee secretary returns it.")
        )
    if not comment.strip():
        raise ValidationError(
            {
                "comment": ValidationError(
                    _("Say what needs to change before returning it."), code="comment_required"
                )
            }
        )
    _check_comment(comment)
    current = _review(update, version)
    current.state = State.RETURNED
    current.reviewed_by = user
    current.reviewed_at = timezone.now()
    current.review_comment = comment
    current.version += 1
    current.save()
    Comment.objects.create(item=current.item, update=current, author=user, text=comment)
    notifications.update_returned(current)
    data_version_bump()
    return current


@transaction.atomic
def update_save_and_submit(
    *,
    user: User,
    update: ProgressUpdate,
    data: UpdateData,
    version: int,
    upload: UploadedFile | None = None,
) -> ProgressUpdate:
    """What "Submit for review" does with the form as it stands: save it (validated as a
    whole), attach the file, then submit; all or nothing, so no edit is lost or half-kept.
    A period closed to this agency refuses before anything is checked or saved (the form
    keeps the edits; "Save draft" still stores them)."""
    periods.require_submittable(update.period, update.agency_id)
    saved = update_edit(user=user, update=update, data=data, version=version)
    if upload is not None:
        evidence_add(user=user, update=saved, upload=upload)
    return update_submit(user=user, update=saved, version=saved.version)


# --- a batch of rows (a workbook upload): the same rules, a query per batch, not per row -------


@dataclass
class RowChange:
    """One row of a batch in one period: a new draft of `item` for `agency` (no `update`), or
    `update` edited to `data` at `version` (no `data`: left as it is); then submitted if
    `submit`. `previous` as for validate_update."""

    item: PlanItem
    agency: Agency
    data: UpdateData | None = None
    update: ProgressUpdate | None = None
    version: int | None = None
    submit: bool = False
    previous: ProgressUpdate | object | None = UNREAD


# What a row may be refused with: the same errors the single services raise.
REFUSALS = (ValidationError, ConflictError, PermissionDenied)
Refusal = ValidationError | ConflictError | PermissionDenied


@transaction.atomic
def updates_apply(
    *, user: User, period: ReportingPeriod, changes: list[RowChange], reason: str = ""
) -> list[ProgressUpdate | Refusal]:
    """Apply many rows at once, each checked by the rules update_create, update_edit and
    update_submit apply one at a time (the helpers above), in the same order. Each row's
    result is its update, or the error that refused it; a refused row writes nothing, the
    others are written in bulk, each with one history record (by `user`, with `reason`),
    reviewers get one notice each, and the data version moves once. The caller decides
    whether one refusal undoes the rest (roll back the transaction)."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    try:
        _require_open(period)
        period_refusal = None
    except ConflictError as error:
        period_refusal = error
    locked = {
        update.pk: update
        for update in ProgressUpdate.objects.select_for_update()
        .filter(pk__in=[c.update.pk for c in changes if c.update is not None])
        .prefetch_related("indicator_values")
        .order_by("pk")
    }
    # What each locked update held, so only what changed is written back.
    before = {pk: {name: getattr(u, name) for name in _BATCH_FIELDS} for pk, u in locked.items()}
    new = [c for c in changes if c.update is None]
    taken = set(
        ProgressUpdate.objects.filter(
            period=period,
            item_id__in={c.item.pk for c in new},
            agency_id__in={c.agency.pk for c in new},
        ).values_list("item_id", "agency_id")
    )
    with_files = set(
        EvidenceFile.objects.filter(update_id__in=locked).values_list("update_id", flat=True)
    )
    submittable: dict[int, ConflictError | None] = {}
    now = timezone.now()
    results: list[ProgressUpdate | Refusal] = []
    created, changed, edited, submitted = [], [], [], []
    for change in changes:
        try:
            update, was_edited = _apply_change(user, period, change, locked, taken, period_refusal)
            if change.submit:
                if update.agency_id not in submittable:
                    try:
                        periods.require_submittable(period, update.agency_id)
                        submittable[update.agency_id] = None
                    except ConflictError as error:
                        submittable[update.agency_id] = error
                if submittable[update.agency_id] is not None:
                    raise submittable[update.agency_id]
                _require_evidence(update, update.pk in with_files)
        except REFUSALS as error:
            results.append(error)
            continue
        if change.submit:
            _mark_submitted(update, now)
            submitted.append(update)
        if update.pk is None:
            created.append((update, change.data))
        elif was_edited or change.submit:
            update.updated_at = now
            changed.append(update)
        if was_edited and update.pk is not None:
            edited.append((update, change.data))
        results.append(update)
    _write_batch(user, reason, created, changed, edited, before)
    notifications.updates_submitted(submitted)
    if created or changed:
        data_version_bump()
    return results


def _apply_change(user, period, change, locked, taken, period_refusal):
    """One row's draft or edit, checked as update_create and update_edit check it; nothing
    is saved here. Returns the update and whether its content changed."""
    if change.update is None:
        agency = change.agency
        _require_may_draft(user, change.item, agency.pk)
        _require_period_of(change.item, period)
        if period_refusal is not None:
            raise period_refusal
        if (change.item.pk, agency.pk) in taken:
            raise _duplicate(agency, period)
        validate_update(change.item, agency.pk, period, change.data, previous=change.previous)
        update = ProgressUpdate(item=change.item, period=period, agency=agency, author=user)
        update_fields.apply(update, change.data)
        taken.add((change.item.pk, agency.pk))
        return update, True
    verb = "edited" if change.data is not None else "submitted"
    _require_may_edit(user, change.update, verb)
    current = locked[change.update.pk]
    current.item, current.period = change.item, period
    _require_version(current, change.version)
    if current.period_id != period.pk:
        raise ValidationError(
            {"period": ValidationError(_("This update is of another period."), code="wrong_period")}
        )
    if period_refusal is not None:
        raise period_refusal
    _require_editable(current, verb)
    if change.data is None or update_fields.is_unchanged(current, change.data):
        return current, False
    validate_update(current.item, current.agency_id, period, change.data,
                    previous=change.previous)  # fmt: skip
    update_fields.apply(current, change.data)
    current.version += 1
    return current, True


# What a batch writes on an update it changes: the reported fields and the lifecycle.
_BATCH_FIELDS = [*update_fields.REPORTED_FIELDS, "state", "submitted_at", "first_submitted_at",
                 "version", "updated_at"]  # fmt: skip


def _write_batch(user, reason, created, changed, edited, before) -> None:
    """`created` and `edited` are (update, data) pairs; `changed` the updates to write back."""
    history = {"batch_size": 500, "default_user": user, "default_change_reason": reason or None}
    if created:
        bulk_create_with_history([update for update, _data in created], ProgressUpdate, **history)
    # The indicator actuals: new ones created, changed ones updated, emptied ones removed,
    # each against what the edited update held (prefetched), so an untouched one costs nothing.
    added = [
        _indicator_value(update, indicator_id, value)
        for update, data in created
        for indicator_id, value in data.indicator_values.items()
        if value not in ("", None)
    ]
    altered, emptied = [], []
    for update, data in edited:
        held = {value.indicator_id: value for value in update.indicator_values.all()}
        for indicator_id, value in data.indicator_values.items():
            stored = held.get(indicator_id)
            if value in ("", None):
                if stored is not None:
                    emptied.append(stored.pk)
            elif stored is None:
                added.append(_indicator_value(update, indicator_id, value))
            else:
                fresh = _indicator_value(update, indicator_id, value)
                if (stored.number, stored.text) != (fresh.number, fresh.text):
                    stored.number, stored.text = fresh.number, fresh.text
                    altered.append(stored)
    if added:
        bulk_create_with_history(added, IndicatorValue, **history)
    if altered:
        bulk_update_with_history(altered, IndicatorValue, ["number", "text"], **history)
    if emptied:
        IndicatorValue.objects.filter(pk__in=emptied).delete()
    if changed:
        _bulk_save(changed, before)
        ProgressUpdate.history.bulk_history_create(changed, update=True, **history)


def _bulk_save(changed: list[ProgressUpdate], before: dict[int, dict]) -> None:
    """Write the changed updates with as little SQL as their changes need: a field that now
    holds one value on every row (the state, the submission time) in one UPDATE, the others
    through bulk_update (a CASE per field, costly in Python: only for fields that changed)."""
    touched = {
        name
        for update in changed
        for name in _BATCH_FIELDS
        if getattr(update, name) != before[update.pk][name]
    }
    uniform, varying = {}, []
    for name in sorted(touched):
        values = {getattr(update, name) for update in changed}
        if len(values) == 1:
            uniform[name] = values.pop()
        else:
            varying.append(name)
    pks = [update.pk for update in changed]
    for start in range(0, len(pks), 1000):
        ProgressUpdate.objects.filter(pk__in=pks[start : start + 1000]).update(**uniform)
    if varying:
        ProgressUpdate.objects.bulk_update(changed, varying, batch_size=500)


@transaction.atomic
def updates_approve(
    *,
    user: User,
    updates: list[ProgressUpdate],
    versions: Mapping[int, int],
    comment: str = "",
) -> list[ProgressUpdate]:
    """Approve several submitted updates with one comment (a reviewer's backlog); `versions`
    maps each update's id to the version the reviewer saw, so one changed since (stale) is
    refused like a single approval is. If any cannot be approved, none is, and the error names
    it (keeping its code)."""
    approved = []
    for update in updates:
        try:
            if update.pk not in versions:
                raise ConflictError(
                    _("No version was sent for it; reload the queue."), code="version_required"
                )
            approved.append(
                update_approve(
                    user=user, update=update, version=versions[update.pk], comment=comment
                )
            )
        except ConflictError as error:
            raise ConflictError(
                _("%(update)s: %(error)s Nothing was approved.")
                % {"update": update, "error": error},
                code=error.code,
            ) from error
        except PermissionDenied as error:
            raise PermissionDenied(
                _("%(update)s: %(error)s Nothing was approved.")
                % {"update": update, "error": error}
            ) from error
    return approved


def _evidence_change(update: ProgressUpdate, user: User) -> ProgressUpdate:
    if not permissions.can_edit(user, update):
        raise PermissionDenied(_("Only the agency's desk officers attach or remove evidence."))
    current = ProgressUpdate.objects.select_for_update().select_related("period").get(pk=update.pk)
    if not current.is_editable:
        raise ConflictError(
            _("Evidence changes while the update is a draft or returned."),
            code="update_not_editable",
        )
    _require_open(current.period)
    return current


@transaction.atomic
def evidence_add(*, user: User, update: ProgressUpdate, upload: UploadedFile) -> EvidenceFile:
    current = _evidence_change(update, user)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": f"{upload.size:,}", "limit": f"{limit:,}"},
                    code="file_too_large",
                )
            }
        )
    content_type = uploads.sniff(upload)
    evidence = EvidenceFile(
        update=current,
        file=upload,
        original_name=upload.name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["update", "uploaded_by"])
    evidence._history_user = user
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, user: User, evidence: EvidenceFile) -> None:
    """Take a file off a draft or returned update; the audit trail keeps that it was there."""
    _evidence_change(evidence.update, user)
    evidence._history_user = user
    stored, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # The stored file goes only once the removal is committed.
    transaction.on_commit(lambda: stored.delete(name))


def comment_add(
    *, user: User, item: PlanItem, text: str, update: ProgressUpdate | None = None
) -> Comment:
    if not permissions.can_comment(user):
        raise PermissionDenied(_("Committee members, the secretary and reviewers comment."))
    if not text.strip():
        raise ValidationError({"text": ValidationError(_("Write a comment."), code="required")})
    try:
        Comment._meta.get_field("text").run_validators(text.strip())
    except ValidationError as error:
        raise ValidationError({"text": error.error_list}) from error
    return Comment.objects.create(item=item, update=update, author=user, text=text.strip())


# --- periods -------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    quarter = Quarter.of(day)
    return quarter.label, quarter.start, quarter.end


def month_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    start = day.replace(day=1)
    next_start = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return f"{day:%Y-%m}", start, next_start - datetime.timedelta(days=1)


PeriodBounds = Callable[[datetime.date], tuple[str, datetime.date, datetime.date]]


def period_bounds_for(policy) -> PeriodBounds:
    """The policy's cadence as a function from a day to its period's label, start and end."""
    return month_of if policy.reporting_cadence == Cadence.MONTHLY else quarter_of


def periods_ensure(
    *, today: datetime.date | None = None, ahead: int = 1, policies=None
) -> list[ReportingPeriod]:
    """Create the current and the next reporting periods of every policy (or of the ones
    given), per its cadence."""
    today = today or timezone.localdate()
    created = []
    for policy in Policy.objects.all() if policies is None else policies:
        period_of = period_bounds_for(policy)
        day = today
        for _step in range(ahead + 1):
            label, start, end = period_of(day)
            period, was_created = ReportingPeriod.objects.get_or_create(
                policy=policy,
                label=label,
                defaults={
                    "start": start,
                    "end": end,
                    "deadline": end + datetime.timedelta(days=settings.REPORTING_DEADLINE_DAYS),
                    # Created ahead of time, it waits; the schedule opens it when it starts.
                    "state": ReportingPeriod.State.UPCOMING
                    if start > today
                    else ReportingPeriod.State.OPEN,
                },
            )
            if was_created:
                created.append(period)
            day = end + datetime.timedelta(days=1)
    return created


# --- an update's or an evidence file's own sensitivity (stricter than its item) ---------------


@transaction.atomic
def record_sensitivity_set(
    *, user: User, record: ProgressUpdate | EvidenceFile, sensitivity: str, reason: str
) -> ProgressUpdate | EvidenceFile:
    """The secretary narrows who reads one update or one evidence file ("" follows its item or
    update again), with a reason on its history. Never looser than what it belongs to: an
    official item's update cannot be public. A file is public only when marked so."""
    if not can_set_sensitivity(user):
        raise PermissionDenied(_("Only the committee secretary sets who may read an update."))
    if sensitivity not in ("", *Sensitivity.values):
        raise ValidationError(
            {"sensitivity": [_("“%(level)s” is not a sensitivity.") % {"level": sensitivity}]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why its readers change.")]})
    # Read afresh: the levels it may not loosen are the ones in the database now.
    update_id = record.pk if isinstance(record, ProgressUpdate) else record.update_id
    update = ProgressUpdate.objects.select_related("item").get(pk=update_id)
    floor = update.item.sensitivity
    if isinstance(record, EvidenceFile):
        floor = stricter(floor, update.sensitivity)
    if sensitivity and SENSITIVITY_ORDER.index(sensitivity) < SENSITIVITY_ORDER.index(floor):
        # The level by its name in the reader's language (in English, its code: "official").
        raise ValidationError(
            {
                "sensitivity": [
                    _("It cannot be looser than what it belongs to (%(level)s).")
                    % {"level": str(Sensitivity(floor).label).lower()}
                ]
            }
        )
    record = type(record).objects.select_for_update().get(pk=record.pk)
    record.sensitivity = sensitivity
    record._history_user = user
    record._change_reason = f"Sensitivity set to {sensitivity or 'as its item'}: {reason.strip()}"
    changed = ["sensitivity", "updated_at"] if isinstance(record, ProgressUpdate) else None
    record.save(update_fields=changed or ["sensitivity"])
    data_version_bump()
    return record
