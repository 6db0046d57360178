"""Read-only representations of the plan.

An item is `interventions.export.item_as_dict` (the open-data shape) plus its id, its progress
and each indicator's latest approved actual. The declared fields describe that shape for the
OpenAPI schema; `to_representation` builds it from item_as_dict, and the schema test checks
real responses against the schema, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interventions.export import item_as_dict, source_of, theme_path
from interventions.models import Indicator, ItemLink, PlanItem, Policy, Responsibility, Theme
from nisp_tracker.api.fields import NumberOrTextField
from reporting.models import ProgressUpdate


class PolicySerializer(serializers.ModelSerializer):
    issuing_body = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Policy
        fields = ["code", "title", "start_year", "end_year", "issuing_body", "oversight_body",
                  "reporting_cadence", "review_cadence", "note"]  # fmt: skip


class ThemeSerializer(serializers.ModelSerializer):
    policy = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "policy", "key", "name", "parent", "position"]


class SourceSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The copied source text under fixtures/sources/.")
    lines = serializers.CharField(help_text="Inclusive line range, e.g. 120-124.")


class ResponsibilitySerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="Agency code.")
    role = serializers.ChoiceField(choices=Responsibility.Role.choices)
    as_written = serializers.CharField(help_text="The source's own wording of the cell.")


class LatestActualSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Label of the period reported, e.g. 2025Q3.")
    value = NumberOrTextField()
    is_sample = serializers.BooleanField(help_text="Reported in demo data, not real progress.")


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="What `indicator_values` in an update refer to.")
    description = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    measure = serializers.ChoiceField(choices=Indicator.Measure.choices)
    latest_actual = LatestActualSerializer(
        allow_null=True, help_text="The value in the latest approved update, if any."
    )


class TimelineSerializer(serializers.Serializer):
    term = serializers.ChoiceField(choices=PlanItem.Term.choices)
    start_year = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    as_written = serializers.CharField(allow_null=True)


class BudgetSerializer(serializers.Serializer):
    amount = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()
    as_written = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=PlanItem.BudgetKind.choices)
    determined_by = serializers.ListField(child=serializers.CharField())


class LinkSerializer(serializers.Serializer):
    policy = serializers.CharField()
    ref = serializers.CharField()
    relation = serializers.ChoiceField(choices=ItemLink.Relation.choices)


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.CharField(help_text="Policy code, e.g. NISP-2018.")
    ref = serializers.CharField(help_text="The item's reference within its policy.")
    parent_ref = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=PlanItem.Kind.choices)
    theme = serializers.ListField(
        child=serializers.CharField(), help_text="Theme names from the pillar down."
    )
    text = serializers.CharField(help_text="The item as the source states it.")
    responsibilities = ResponsibilitySerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    timeline = TimelineSerializer()
    budget = BudgetSerializer()
    priority = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ranks on the NISP Priority List."
    )
    evidence = serializers.ChoiceField(choices=PlanItem.Evidence.choices, allow_null=True)
    links = LinkSerializer(many=True, help_text="The item's links to other policies' items.")
    notes = serializers.ListField(child=serializers.CharField())
    source = SourceSerializer()
    source_urls = serializers.ListField(child=serializers.CharField())
    authority = serializers.CharField(allow_null=True)
    current_status = serializers.ChoiceField(
        choices=ProgressUpdate.Status.choices,
        allow_null=True,
        help_text="Status in the latest approved update; null before any is approved.",
    )
    percent_complete = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    last_approved_update = serializers.DateField(
        allow_null=True, help_text="When the latest approved update was approved."
    )
    current_is_sample = serializers.BooleanField(
        help_text="The current status comes from demo data (seed_demo), not real progress."
    )
    is_synthetic = serializers.BooleanField(
        help_text="A generated benchmark item (make_scale_data), never part of a real plan."
    )

    def to_representation(self, item: PlanItem) -> dict:
        """`item` comes from interventions.selectors.items_for_api, passed through with_links."""
        data = {"id": item.pk, **item_as_dict(item, {item.theme_id: theme_path(item.theme)})}
        for shown, indicator in zip(data["indicators"], item.listed_indicators, strict=True):
            shown["id"] = indicator.pk
            shown["measure"] = indicator.measure
            shown["latest_actual"] = _latest_actual(indicator)
        approved_at = item.last_approved_at
        data["current_status"] = item.current_status
        data["percent_complete"] = item.current_percent
        data["last_approved_update"] = (
            timezone.localdate(approved_at).isoformat() if approved_at else None
        )
        data["current_is_sample"] = bool(item.current_is_sample)
        data["is_synthetic"] = item.is_synthetic
        return data


def _latest_actual(indicator: Indicator) -> dict | None:
    if indicator.latest_period is None:
        return None
    number = indicator.latest_number
    return {
        "period": indicator.latest_period,
        "value": float(number) if number is not None else indicator.latest_text,
        "is_sample": indicator.latest_is_sample,
    }


class ItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.CharField(source="policy.code")
    ref = serializers.CharField()


class CrosswalkLinkSerializer(serializers.ModelSerializer):
    from_item = ItemRefSerializer()
    to_item = ItemRefSerializer()
    source = serializers.SerializerMethodField()

    class Meta:
        model = ItemLink
        fields = ["id", "from_item", "relation", "to_item", "rationale", "source"]

    @extend_schema_field(SourceSerializer)
    def get_source(self, link: ItemLink) -> dict:
        return source_of(link)
