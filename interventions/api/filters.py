"""The API's filters: the web list's PlanItemFilter plus what sync clients need."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from interventions.filters import PlanItemFilter
from interventions.models import Indicator, ItemLink, PlanItem, Policy, Responsibility, Theme
from reporting.models import ProgressUpdate


class ItemApiFilter(PlanItemFilter):
    updated_since = django_filters.IsoDateTimeFilter(
        method="changed_since",
        label="Changed since (ISO 8601): the item, its indicators or responsibilities were "
        "edited, or one of its updates was submitted or reviewed, at or after this time.",
    )

    def changed_since(self, queryset, name, value):
        # Drafts do not count: nobody outside the agency sees them change.
        updated = ProgressUpdate.objects.filter(item=OuterRef("pk"), updated_at__gte=value).exclude(
            state=ProgressUpdate.State.DRAFT
        )
        indicators = Indicator.history.filter(item_id=OuterRef("pk"), history_date__gte=value)
        responsibilities = Responsibility.history.filter(
            item_id=OuterRef("pk"), history_date__gte=value
        )
        return queryset.filter(
            Q(updated_at__gte=value)
            | Exists(updated)
            | Exists(indicators)
            | Exists(responsibilities)
        )


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
