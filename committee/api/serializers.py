"""Quarterly reports in the API. The input serializer only parses; committee.reports.services
holds the rules (who may request, which quarters, signed-off versions being final)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies import geography
from agencies.models import Province
from committee.models import QuarterlyReport
from committee.reports.files import FILE_TYPES
from committee.reports.services import SCHEDULED_SCOPE, scope_policy
from core.quarters import Quarter

FILE_FORMATS = tuple(FILE_TYPES)


class ReportSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who asked for it; null when the schedule did.",
    )
    signed_off_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the secretary who recorded the sign-off; null until then.",
    )
    files = serializers.SerializerMethodField(
        help_text="Download URLs (API) of the PDF, XLSX and CSV once the report is done."
    )

    class Meta:
        model = QuarterlyReport
        fields = ["id", "quarter", "scope", "level", "province", "edition", "version", "state",
                  "error", "attempts", "requested_by", "requested_at", "started_at", "finished_at",
                  "contains_sample", "signed_off_by", "signed_off_at", "files"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
    )
    def get_files(self, report: QuarterlyReport) -> dict[str, str]:
        request = self.context.get("request")
        files = {}
        for fmt in FILE_FORMATS:
            if getattr(report, fmt):
                url = reverse(f"report-file-{fmt}", kwargs={"pk": report.pk})
                files[fmt] = request.build_absolute_uri(url) if request else url
        return files


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.JSONField(
        source="snapshot",
        read_only=True,
        help_text="Every figure of the report, frozen when it was generated (null until done).",
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields


class ReportRequestSerializer(serializers.Serializer):
    quarter = serializers.CharField(max_length=16, help_text="The calendar quarter, e.g. 2025Q3.")
    scope = serializers.CharField(
        max_length=32,
        default=SCHEDULED_SCOPE,
        help_text="A policy code, or ALL for every policy.",
    )

    level = serializers.ChoiceField(
        choices=geography.Level.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Narrow to the items of bodies at this level; blank or absent: all levels.",
    )
    province = serializers.ChoiceField(
        choices=Province.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Narrow to the items of bodies in this province or area (a provincial body "
        "with no province, such as All Home Departments, counts for each); absent: all.",
    )

    edition = serializers.ChoiceField(
        choices=QuarterlyReport.Edition.choices,
        required=False,
        default=QuarterlyReport.Edition.COMMITTEE,
        help_text="committee (default): every item, restricted ones in their own annex, for "
        "the committee only. official: the figures officials beyond the committee may read: "
        "restricted items left out of every figure, the annex, the XLSX and the CSV, and "
        "counted in a sentence saying how many. Each edition is its own series of versions.",
    )

    def _parsed(self, field: str, parse, value):
        try:
            return parse(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict.get(field, error.messages)
            ) from error

    def validate_quarter(self, value: str) -> Quarter:
        return self._parsed("quarter", Quarter.parse, value)

    def validate_scope(self, value: str):
        return self._parsed("scope", scope_policy, value)
