"""The plan's own filters of items (text, policy, theme, agency, level, province, priority,
term); the web list
and the API use them through reporting.filters.ItemFilter, which adds the progress filters."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agencies import geography
from agencies.models import Agency, Province
from core.forms import SourceNamesSelect
from interventions.models import PlanItem, Policy, Responsibility, Theme, owner_not_stated


class PlanItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(),
        to_field_name="code",
        field_name="policy",
        label=_("Policy"),
        widget=SourceNamesSelect,
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.select_related("policy"),
        method="in_theme",
        label=_("Theme"),
        widget=SourceNamesSelect,
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="code",
        method="for_agency",
        label=_("Agency"),
        widget=SourceNamesSelect,
    )
    # Choices, not records: no lookup to validate them, and the filter itself is one EXISTS.
    level = django_filters.ChoiceFilter(
        choices=geography.Level.choices, method="at_place", label=_("Level")
    )
    province = django_filters.ChoiceFilter(
        choices=Province.choices, method="at_place", label=_("Province")
    )
    priority = django_filters.NumberFilter(
        field_name="priorities__rank", distinct=True, label=_("NISP priority (rank)")
    )
    term = django_filters.ChoiceFilter(choices=PlanItem.Term.choices, label=_("Term"))
    no_owner = django_filters.BooleanFilter(method="without_owner", label=_("Owner not stated"))
    ordering = django_filters.OrderingFilter(
        fields=(("position", "position"), ("ref", "ref"), ("policy__code", "policy")),
        label=_("Ordering"),
    )

    class Meta:
        model = PlanItem
        fields = [
            "q", "policy", "theme", "agency", "level", "province", "priority", "term", "no_owner",
        ]  # fmt: skip

    @property
    def qs(self):
        # A unique last sort key, so that pages (web and API) never overlap or skip an item.
        queryset = super().qs
        return queryset.order_by(*queryset.query.order_by, "pk")

    def search(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(ref__iexact=value))

    def in_theme(self, queryset, name, theme):
        # A pillar selects its sub-themes' items too (the tree is at most three levels deep).
        return queryset.filter(
            Q(theme=theme) | Q(theme__parent=theme) | Q(theme__parent__parent=theme)
        )

    def without_owner(self, queryset, name, value):
        gap = owner_not_stated()
        return queryset.filter(gap) if value else queryset.exclude(gap)

    @extend_schema_field(OpenApiTypes.STR)
    def for_agency(self, queryset, name, agency):
        # A group code (ALL-HD) selects the items its members answer for through that wording.
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over the annotated list.
        named = Q(via_group=agency) if agency.kind == Agency.Kind.GROUP else Q(agency=agency)
        return queryset.filter(Exists(Responsibility.objects.filter(named, item=OuterRef("pk"))))

    def at_place(self, queryset, name: str, value: str):
        # Items with a responsible body that counts for the level and the province asked
        # (agencies.geography, the committee figures' rule): one body answering both when
        # both are given, so both apply together, at the first of the two.
        level = self.form.cleaned_data.get("level") or ""
        province = self.form.cleaned_data.get("province") or ""
        if name != ("level" if level else "province"):
            return queryset
        return queryset.at_place(level=level, province=province)
