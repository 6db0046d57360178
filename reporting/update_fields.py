"""The fields an officer reports on an update, declared once.

The model (`ProgressUpdate`) says what each field holds: its type, limits, choices, whether it
may be left empty. This list says which of its fields an officer reports; from the two come the
service's input (`UpdateData`), the service's apply step, the web form's fields, the API's input
and output serializers, the committee's figures and the spreadsheet import. Adding a field to
what officers report is one model field and one name here.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from reporting.models import ProgressUpdate

REPORTED_FIELDS: tuple[str, ...] = (
    "status",
    "percent_complete",
    "confidence",
    "confidence_rationale",
    "narrative",
    "challenges",
    "next_steps",
    "budget_released",
    "budget_spent",
    "evidence_link",
    "change_rationale",
)


# The reported fields as people read them: the form's labels, the review's rows and the audit
# trail's, in the reader's language.
FIELD_LABELS = {
    "status": _("Status"),
    "percent_complete": _("Percent complete"),
    "confidence": _("Delivery confidence (looking ahead)"),
    "confidence_rationale": _("Confidence rationale"),
    "narrative": _("Progress"),
    "challenges": _("Challenges"),
    "next_steps": _("Next steps"),
    "budget_released": _("Budget released (PKR)"),
    "budget_spent": _("Budget spent (PKR)"),
    "evidence_link": _("Evidence link"),
    "change_rationale": _("Reason for a decrease"),
}
# The record's other fields, as the audit trail names their changes.
RECORD_LABELS = {
    "state": _("State"),
    "submitted_at": _("Submitted at"),
    "reviewed_at": _("Reviewed at"),
    "reviewed_by": _("Reviewed by"),
    "review_comment": _("Review comment"),
    "author": _("Author"),
    "period": _("Period"),
    "agency": _("Agency"),
    "item": _("Item"),
    "is_sample": _("Sample data"),
}


def field_label(field: models.Field) -> str:
    """A progress update's field by its name in the reader's language; another model's field
    by its verbose name."""
    if field.model is ProgressUpdate:
        label = FIELD_LABELS.get(field.name) or RECORD_LABELS.get(field.name)
        if label:
            return str(label)
    return capfirst(field.verbose_name)


def model_field(name: str) -> models.Field:
    return ProgressUpdate._meta.get_field(name)


def form_field(name: str, **options):
    """The web form's field, checking the model's own limits (0-100 %, no negative money)."""
    field = model_field(name)
    return field.formfield(validators=field.validators, **options)


def empty_value(name: str) -> Any:
    """What a field holds when the officer leaves it empty (dataclasses.MISSING if required)."""
    field = model_field(name)
    if field.null:
        return None
    if field.blank:
        return ""
    return dataclasses.MISSING


def placeholder(name: str) -> Any:
    """A stand-in of the right type for a field the caller could not parse (the rules that
    read it are skipped)."""
    value = empty_value(name)
    if value is not dataclasses.MISSING:
        return value
    return _python_type(model_field(name))()


def _python_type(field: models.Field) -> type:
    if isinstance(field, models.DecimalField):
        return Decimal
    if isinstance(field, models.IntegerField):
        return int
    return str


def _data_field(name: str) -> tuple[str, Any, dataclasses.Field]:
    field = model_field(name)
    kind = _python_type(field)
    return (name, kind | None if field.null else kind, dataclasses.field(default=empty_value(name)))


UpdateData = dataclasses.make_dataclass(
    "UpdateData",
    [
        *(_data_field(name) for name in REPORTED_FIELDS),
        # indicator id -> Decimal for number indicators, str for described ones; "" clears it
        ("indicator_values", dict[int, Decimal | str], dataclasses.field(default_factory=dict)),
    ],
    kw_only=True,
)
UpdateData.__module__ = __name__
UpdateData.__doc__ = "What an officer reports: the same for the web form, the API and imports."


def apply(update: ProgressUpdate, data: UpdateData) -> None:
    """Copy the reported fields onto the update (the service validates first)."""
    for name in REPORTED_FIELDS:
        setattr(update, name, getattr(data, name))


def is_unchanged(update: ProgressUpdate, data: UpdateData) -> bool:
    """Whether saving `data` would leave the update as it is (a no-op edit keeps its version)."""
    if any(getattr(update, name) != getattr(data, name) for name in REPORTED_FIELDS):
        return False
    current = {
        value.indicator_id: value.text if value.number is None else value.number
        for value in update.indicator_values.all()
    }
    return all(
        current.get(indicator_id, "") == ("" if value is None else value)
        for indicator_id, value in data.indicator_values.items()
    )


def values_of(update: ProgressUpdate) -> dict[str, Any]:
    """The reported fields of an update as they stand (the form's initial values)."""
    return {name: getattr(update, name) for name in REPORTED_FIELDS}
