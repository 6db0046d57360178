"""Forms only parse input into service arguments; the rules live in reporting.services and the
fields officers report in reporting.update_fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from interventions.models import Indicator, PlanItem
from reporting import update_fields
from reporting.models import EVIDENCE_EXTENSIONS, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData

CONFIDENCE_DEFINITIONS = {
    "green": _("Delivery on time and budget is highly likely; no major issue threatens it."),
    "amber_green": _("Successful delivery is probable; issues exist but can be resolved in time."),
    "amber": _("Successful delivery is feasible but significant issues need management attention."),
    "amber_red": _("Successful delivery is in doubt; major issues need urgent action to resolve."),
    "red": _(
        "Successful delivery appears unachievable without re-planning the item or its budget."
    ),
}


class ConfidenceSelect(forms.RadioSelect):
    option_template_name = "reporting/includes/confidence_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["definition"] = CONFIDENCE_DEFINITIONS.get(str(value), "")
        return option


# Service error keys that the form shows under another field.
SERVICE_FIELD_NAMES = {"file": "evidence_file", "evidence": "evidence_file"}


def indicator_field_name(indicator: Indicator) -> str:
    return f"indicator_{indicator.pk}"


# How the form presents the reported fields; what each holds comes from the model.
FIELD_OPTIONS = {
    # `initial` set: the officer must choose; no empty "---------" option is offered.
    "status": {"initial": None, "label": update_fields.FIELD_LABELS["status"]},
    "percent_complete": {"label": update_fields.FIELD_LABELS["percent_complete"]},
    "confidence": {
        "initial": None,
        "widget": ConfidenceSelect,
        "label": update_fields.FIELD_LABELS["confidence"],
    },
    "confidence_rationale": {
        "widget": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        "label": update_fields.FIELD_LABELS["confidence_rationale"],
        "help_text": _("Required for amber or worse, and whenever the rating changes."),
    },
    "narrative": {
        "widget": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        "label": update_fields.FIELD_LABELS["narrative"],
    },
    "challenges": {
        "widget": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        "label": update_fields.FIELD_LABELS["challenges"],
    },
    "next_steps": {
        "widget": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        "label": update_fields.FIELD_LABELS["next_steps"],
    },
    "budget_released": {
        "label": update_fields.FIELD_LABELS["budget_released"],
        "help_text": _("Cumulative to date, not this period alone."),
    },
    "budget_spent": {
        "label": update_fields.FIELD_LABELS["budget_spent"],
        "help_text": _("Cumulative to date, not this period alone."),
    },
    "evidence_link": {
        "label": update_fields.FIELD_LABELS["evidence_link"],
        "assume_scheme": "https",
    },
    "change_rationale": {
        "widget": forms.Textarea(attrs={"rows": 2}),
        "label": update_fields.FIELD_LABELS["change_rationale"],
        "help_text": _("Required when percent complete or the budget is lower than last approved."),
    },
}


ReportedFieldsForm = type(
    "ReportedFieldsForm",
    (forms.Form,),
    {name: update_fields.form_field(name, **FIELD_OPTIONS.get(name, {}))
     for name in update_fields.REPORTED_FIELDS},
)  # fmt: skip


class UpdateForm(ReportedFieldsForm):
    field_order = ["period"]
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(), empty_label=None, label=_("Period")
    )
    evidence_file = forms.FileField(
        required=False,
        label=_("Attach evidence"),
        help_text=format_lazy(
            '<span lang="en" dir="ltr">{}</span>; {}',
            ", ".join(EVIDENCE_EXTENSIONS),
            _("up to 10 MB."),
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item: PlanItem, periods=None, last_approved=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        # Shown beside each field, so an officer reports the change, not from memory.
        last_approved = last_approved or {}
        self.last_approved_period = last_approved.get("period", "")
        self.last_approved = last_approved.get("values", {})
        if periods is None:
            del self.fields["period"]
        else:
            self.fields["period"].queryset = periods
        self.indicators = list(item.indicators.all())
        for indicator in self.indicators:
            if indicator.measure == Indicator.Measure.NUMBER:
                field = forms.DecimalField(max_digits=16, decimal_places=2, required=False)
            else:
                field = forms.CharField(required=False, widget=forms.TextInput)
            # The indicator as the source words it: English, marked so, inside an Urdu page.
            field.label = format_html('<span lang="en" dir="ltr">{}</span>', indicator.description)
            field.help_text = format_html('<span lang="en" dir="ltr">{}</span>', indicator.unit)
            self.fields[indicator_field_name(indicator)] = field
        for name, field in self.fields.items():
            field.last_approved = self.last_approved.get(name, "")

    def indicator_fields(self):
        return [self[indicator_field_name(i)] for i in self.indicators]

    def to_data(self) -> UpdateData:
        return self.parsed_data()[0]

    def parsed_data(self) -> tuple[UpdateData, set[str]]:
        """What parsed, as the service's input, and the reported fields that did not (on an
        invalid form, so the service's rules can still run on the rest)."""
        data = self.cleaned_data
        failed = {name for name in update_fields.REPORTED_FIELDS if name not in data}
        values: dict[int, Decimal | str] = {}
        for indicator in self.indicators:
            name = indicator_field_name(indicator)
            if name in data:
                values[indicator.pk] = data[name] if data[name] is not None else ""
        reported = {
            name: update_fields.placeholder(name)
            if name in failed
            else data[name]
            if data[name] is not None
            else update_fields.empty_value(name)
            for name in update_fields.REPORTED_FIELDS
        }
        return UpdateData(**reported, indicator_values=values), failed

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError next to the fields it names."""
        self.add_error_dict(error.error_dict if hasattr(error, "error_dict") else {None: [error]})

    def add_error_dict(self, errors: dict) -> None:
        """Add errors by field, skipping fields that already show a (parse) error."""
        for field, messages in errors.items():
            field = SERVICE_FIELD_NAMES.get(field, field)
            if field in self.errors:
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_from(update: ProgressUpdate) -> dict:
        initial = {**update_fields.values_of(update), "version": update.version}
        for value in update.indicator_values.all():
            initial[f"indicator_{value.indicator_id}"] = value.value
        return initial


def review_comment_field() -> forms.Field:
    return update_fields.model_field("review_comment").formfield(
        validators=update_fields.model_field("review_comment").validators,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Comment"),
    )


class ReviewForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = review_comment_field()
    version = forms.IntegerField(widget=forms.HiddenInput)


class BulkApproveForm(forms.Form):
    """Several submitted updates approved with one comment."""

    updates = forms.ModelMultipleChoiceField(
        queryset=ProgressUpdate.objects.none(),
        error_messages={"required": "Tick the updates to approve."},
    )
    comment = review_comment_field()

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].queryset = queue

    def clean(self):
        """Each ticked update's version as the reviewer saw it (a hidden `version-<id>` per
        row), so the service refuses one that changed since the queue was opened."""
        cleaned = super().clean()
        versions = {}
        for update in cleaned.get("updates", []):
            raw = self.data.get(f"version-{update.pk}", "")
            if not raw.isdigit():
                raise forms.ValidationError(
                    "The queue was sent without each update's version; reload it and try again.",
                    code="version_required",
                )
            versions[update.pk] = int(raw)
        cleaned["versions"] = versions
        return cleaned


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))
