"""One FilterSet for plan items with their progress, shared by the web list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from interventions.filters import PlanItemFilter
from reporting import status
from reporting.models import ProgressUpdate

STATUS_CHOICES = [("none", "No approved update"), *ProgressUpdate.Status.choices]


class ItemFilter(PlanItemFilter):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="with_status", label="Status"
    )
    overdue = django_filters.BooleanFilter(method="is_overdue", label="Overdue")
    no_update = django_filters.BooleanFilter(method="without_update", label="No update this period")
    ordering = django_filters.OrderingFilter(
        fields=(("position", "position"), ("ref", "ref"), ("current_status", "status"),
                ("last_approved_at", "updated"), ("policy__code", "policy")),
    )  # fmt: skip

    class Meta(PlanItemFilter.Meta):
        fields = [*PlanItemFilter.Meta.fields, "status"]

    def with_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(current_status__isnull=True)
        return queryset.filter(current_status=value)

    def is_overdue(self, queryset, name, value):
        condition = status.overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def without_update(self, queryset, name, value):
        today = timezone.localdate()
        has_update = status.reported_in_period(Q(period__start__lte=today, period__end__gte=today))
        return queryset.filter(~has_update) if value else queryset.filter(has_update)
