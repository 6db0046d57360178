"""Reporting periods and progress updates. Input serializers only parse into the service's
UpdateData (its fields: reporting.update_fields); every rule lives in reporting.services."""

from __future__ import annotations

import dataclasses

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency
from core.api.fields import NumberOrTextField
from interventions.models import Indicator
from reporting.models import (
    DeadlineExtension,
    EvidenceFile,
    IndicatorValue,
    ProgressUpdate,
    ReportingPeriod,
)
from reporting.update_fields import REPORTED_FIELDS, UpdateData, empty_value, placeholder

Status = ProgressUpdate.Status
Confidence = ProgressUpdate.Confidence
_MONEY = "PKR, cumulative to date: a decimal with at most 2 places, as a JSON number."


class PeriodSerializer(serializers.ModelSerializer):
    policy = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "policy", "label", "start", "end", "deadline", "state"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    measure = serializers.ChoiceField(
        source="indicator.measure",
        choices=Indicator.Measure.choices,
        read_only=True,
        help_text="Says what `value` is: a number for `number`, text otherwise.",
    )
    value = serializers.SerializerMethodField(
        help_text="A JSON number when `measure` is `number`, a description otherwise."
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "measure", "value"]

    @extend_schema_field(NumberOrTextField)
    def get_value(self, value: IndicatorValue) -> float | str:
        return float(value.number) if value.number is not None else value.text


class UpdateSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(source="period.label", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of the officer who drafted it."
    )
    indicator_values = IndicatorValueSerializer(many=True, read_only=True)
    evidence_link = serializers.CharField(
        read_only=True, help_text="A link to the evidence, or an empty string when none."
    )

    class Meta:
        model = ProgressUpdate
        fields = ["id", "item", "period", "period_label", "agency", "author", "state", "version",
                  *REPORTED_FIELDS, "indicator_values", "submitted_at", "reviewed_at",
                  "review_comment", "is_sample", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "item": {"help_text": "The plan item's id."},
            "period": {"help_text": "The reporting period's id."},
            "version": {"help_text": "Send it back with every change; each change bumps it."},
            "budget_released": {"help_text": _MONEY},
            "budget_spent": {"help_text": _MONEY},
        }


class IndicatorValueInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="An indicator id of the item.")
    value = NumberOrTextField(
        allow_null=True,
        help_text="A number for number indicators, a description otherwise; null clears it.",
    )


class UpdateInputSerializer(serializers.ModelSerializer):
    """What an officer reports: the fields of reporting.update_fields, as the web form."""

    indicator_values = IndicatorValueInputSerializer(many=True, required=False, default=list)

    class Meta:
        model = ProgressUpdate
        fields = [*REPORTED_FIELDS, "indicator_values"]
        extra_kwargs = {
            "narrative": {"help_text": "Progress this period."},
            "confidence": {
                "help_text": "Amber, amber/red and red need a `confidence_rationale` "
                "(error code rationale_required)."
            },
            "confidence_rationale": {
                "help_text": "Required for amber or worse, and whenever the rating differs from "
                "the agency's last approved one (rationale_required_for_change)."
            },
            "budget_released": {"help_text": _MONEY},
            "budget_spent": {"help_text": f"{_MONEY} At most `budget_released`."},
            "status": {
                "help_text": "`completed` needs evidence (a file or `evidence_link`) to be "
                "submitted."
            },
        }

    evidence_link = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=ProgressUpdate._meta.get_field("evidence_link").max_length,
        help_text="An http(s) link to the evidence, or an empty string for none.",
    )

    def to_data(self, current: ProgressUpdate | None = None) -> UpdateData:
        """The service's input; on a partial edit, unspecified fields keep their values."""
        given = self.validated_data
        values = {}
        for name in REPORTED_FIELDS:
            if name in given:
                values[name] = given[name]
            elif current is not None:
                values[name] = getattr(current, name)
        values["indicator_values"] = {
            row["indicator"]: "" if row["value"] is None else row["value"]
            for row in given.get("indicator_values", [])
        }
        return UpdateData(**values)

    def parsed(self, name: str):
        """One field of an invalid body, parsed alone (DRF keeps no validated data then)."""
        return self.fields[name].run_validation(self.initial_data.get(name, serializers.empty))

    def parsed_data(self, current: ProgressUpdate | None = None) -> tuple[UpdateData, set[str]]:
        """On an invalid body: what did parse, as the service's input, and the fields that
        did not, so the service's rules can run on the rest and every error shows at once."""
        failed = set(self.errors)
        values = {}
        for name in REPORTED_FIELDS:
            if name not in failed and name in self.initial_data:
                values[name] = self.parsed(name)
            elif name not in failed and current is not None:
                values[name] = getattr(current, name)
            elif name not in failed and empty_value(name) is not dataclasses.MISSING:
                values[name] = empty_value(name)
            else:
                failed.add(name)
                values[name] = placeholder(name)
        given = "indicator_values" in self.initial_data and "indicator_values" not in failed
        rows = self.parsed("indicator_values") if given else []
        values["indicator_values"] = {
            row["indicator"]: "" if row["value"] is None else row["value"] for row in rows
        }
        return UpdateData(**values), failed


class UpdateCreateSerializer(UpdateInputSerializer):
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(), help_text="A period id open for reporting."
    )

    class Meta(UpdateInputSerializer.Meta):
        fields = ["period", *UpdateInputSerializer.Meta.fields]


class UpdateEditSerializer(UpdateInputSerializer):
    """A PATCH: any of the fields, and the version the client last read."""

    version = serializers.IntegerField(
        help_text="The update's version as last read; a stale version is refused with 409."
    )

    class Meta(UpdateInputSerializer.Meta):
        fields = [*UpdateInputSerializer.Meta.fields, "version"]

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "version":
                field.required = False
                # A default would overwrite what the officer did not send.
                field.default = serializers.empty
        return fields


VERSION_HELP = "The update's version as last read; refused with 409 stale_version when stale."


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=VERSION_HELP)


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text="The reviewer's remark. Required (non-blank) to return an update "
        "(error code comment_required); optional to approve.",
    )
    version = serializers.IntegerField(help_text=VERSION_HELP)


# --- the reporting cycle -------------------------------------------------------------------


class PeriodActionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="Why; required to reopen."
    )
    expected_state = serializers.ChoiceField(
        choices=ReportingPeriod.State.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="The state the client last read; if the period changed since, 409.",
    )


class ExtensionInputSerializer(serializers.Serializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.bodies(), help_text="The agency's code."
    )
    until = serializers.DateField(help_text="The agency's new last day for submissions.")
    reason = serializers.CharField(allow_blank=True, help_text="Why it gets more time.")


class ExtensionSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    granted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of the secretary who granted it."
    )

    class Meta:
        model = DeadlineExtension
        fields = ["id", "period", "agency", "until", "reason", "granted_by", "granted_at"]
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, office document, image, CSV or text.")


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields
