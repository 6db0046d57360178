"""Forms only parse input into service arguments; the rules live in reporting.services and the
fields officers report in reporting.update_fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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
    "status": {"initial": None, "label": _("Status")},
    "percent_complete": {"label": _("Percent complete")},
    "confidence": {
        "initial": None,
        "widget": ConfidenceSelect,
        "label": _("Delivery confidence (looking ahead)"),
    },
    "confidence_rationale": {
        "widget": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        "label": _("Confidence rationale"),
        "help_text": _("Required for amber or worse, and whenever the rating changes."),
    },
    "narrative": {
        "widget": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        "label": _("Progress"),
    },
    "challenges": {
        "widget": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        "label": _("Challenges"),
    },
    "next_steps": {
        "widget": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        "label": _("Next steps"),
    },
    "budget_released": {
        "label": _("Budget released (PKR)"),
        "help_text": _("Cumulative to date, not this period alone."),
    },
    "budget_spent": {
        "label": _("Budget spent (PKR)"),
        "help_text": _("Cumulative to date, not this period alone."),
    },
    "evidence_link": {"label": _("Evidence link"), "assume_scheme": "https"},
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
        help_text=format_lazy("{}; {}", ", ".join(EVIDENCE_EXTENSIONS), _("up to 10 MB.")),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item: PlanItem, periods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
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
            field.label = indicator.description
            field.help_text = indicator.unit
            self.fields[indicator_field_name(indicator)] = field

    def indicator_fields(self):
        return [self[indicator_field_name(i)] for i in self.indicators]

    def to_data(self) -> UpdateData:
        data = self.cleaned_data
        values: dict[int, Decimal | str] = {}
        for indicator in self.indicators:
            value = data.get(indicator_field_name(indicator))
            values[indicator.pk] = value if value is not None else ""
        reported = {
            name: data[name] if data[name] is not None else update_fields.empty_value(name)
            for name in update_fields.REPORTED_FIELDS
        }
        return UpdateData(**reported, indicator_values=values)

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError next to the fields it names."""
        for field, messages in error.message_dict.items():
            field = SERVICE_FIELD_NAMES.get(field, field)
            if field not in self.fields:
                field = None
            for message in messages:
                self.add_error(field, message)

    @staticmethod
    def initial_from(update: ProgressUpdate) -> dict:
        initial = {**update_fields.values_of(update), "version": update.version}
        for value in update.indicator_values.all():
            initial[f"indicator_{value.indicator_id}"] = value.value
        return initial


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))
