"""Read-only representations of the plan: policies, themes, the parts of an item, links.

The item itself, with its progress, is `reporting.api.items.PlanItemSerializer`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interventions.export import source_of
from interventions.models import ItemLink, PlanItem, Policy, Responsibility, Theme


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
