"""Reporting periods and progress updates. Input serializers only parse into the service's
UpdateData; every rule (permissions, periods, cross-field checks) lives in reporting.services."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import NumberOrTextField
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.services import UpdateData

Status = ProgressUpdate.Status
Confidence = ProgressUpdate.Confidence


class PeriodSerializer(serializers.ModelSerializer):
    policy = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "policy", "label", "start", "end", "deadline", "state"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value"]

    @extend_schema_field(NumberOrTextField)
    def get_value(self, value: IndicatorValue) -> float | str:
        return float(value.number) if value.number is not None else value.text


class UpdateSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(source="period.label", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    indicator_values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "item", "period", "period_label", "agency", "author", "state", "version",
                  "status", "percent_complete", "confidence", "confidence_rationale", "narrative",
                  "challenges", "next_steps", "budget_released", "budget_spent", "evidence_link",
                  "indicator_values", "submitted_at", "reviewed_at", "review_comment",
                  "is_sample", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class IndicatorValueInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="An indicator id of the item.")
    value = NumberOrTextField(
        allow_null=True,
        help_text="A number for number indicators, a description otherwise; null clears it.",
    )


def _money(**kwargs):
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, allow_null=True, **kwargs
    )


class UpdateInputSerializer(serializers.Serializer):
    """What an officer reports: the same fields as the web form."""

    status = serializers.ChoiceField(choices=Status.choices)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    confidence_rationale = serializers.CharField(allow_blank=True, required=False, default="")
    narrative = serializers.CharField(help_text="Progress this period.")
    challenges = serializers.CharField(allow_blank=True, required=False, default="")
    next_steps = serializers.CharField(allow_blank=True, required=False, default="")
    budget_released = _money(required=False, default=None, help_text="PKR")
    budget_spent = _money(required=False, default=None, help_text="PKR")
    evidence_link = serializers.URLField(allow_blank=True, required=False, default="")
    indicator_values = IndicatorValueInputSerializer(many=True, required=False, default=list)

    def to_data(self, current: ProgressUpdate | None = None) -> UpdateData:
        """The service's input; on a partial edit, unspecified fields keep their values."""
        given = self.validated_data
        values = {}
        for name in (f.name for f in dataclass_fields(UpdateData)):
            if name == "indicator_values":
                continue
            values[name] = given[name] if name in given else getattr(current, name)
        values["indicator_values"] = {
            row["indicator"]: "" if row["value"] is None else row["value"]
            for row in given.get("indicator_values", [])
        }
        return UpdateData(**values)


class UpdateCreateSerializer(UpdateInputSerializer):
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(), help_text="A period id open for reporting."
    )


class UpdateEditSerializer(UpdateInputSerializer):
    """A PATCH: any of the fields, and the version the client last read."""

    version = serializers.IntegerField(
        help_text="The update's version as last read; a stale version is refused with 409."
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "version":
                field.required = False
                # A default would overwrite what the officer did not send.
                field.default = serializers.empty
        return fields


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Refused with 409 when stale."
    )
