"""The API's filters of the plan's reference data: themes and crosswalk links."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from interventions.models import ItemLink, PlanItem, Policy, Theme


class ThemeFilter(django_filters.FilterSet):
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(), to_field_name="code", field_name="policy"
    )

    class Meta:
        model = Theme
        fields = ["policy"]


class CrosswalkFilter(django_filters.FilterSet):
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(), to_field_name="code", method="touching_policy"
    )
    ref = django_filters.CharFilter(method="touching_item", label="Item ref (with policy)")

    class Meta:
        model = ItemLink
        fields = ["policy", "ref"]

    @extend_schema_field(OpenApiTypes.STR)
    def touching_policy(self, queryset, name, policy):
        return queryset.filter(Q(from_item__policy=policy) | Q(to_item__policy=policy))

    def touching_item(self, queryset, name, ref):
        policy = self.form.cleaned_data.get("policy")
        item = PlanItem.objects.filter(policy=policy, ref=ref)
        return queryset.filter(Q(from_item__in=item) | Q(to_item__in=item))

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.form.cleaned_data.get("ref") and not self.form.cleaned_data.get("policy"):
            self.form.add_error("ref", "Give the policy too: refs are unique within a policy.")
            return False
        return valid
