"""One FilterSet for plan items, shared by the web list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agencies.models import Agency
from interventions.models import PlanItem, Policy, Responsibility, Theme
from reporting.models import ProgressUpdate

STATUS_CHOICES = [("none", "No approved update"), *ProgressUpdate.Status.choices]


def overdue_condition(today) -> Q:
    """Past its due date (or its timeline's last year) and not completed or discontinued."""
    past = Q(due_date__lt=today) | Q(due_date__isnull=True, end_year__lt=today.year)
    # Spelled out: NOT IN on the annotation would also drop items with no status (NULL).
    unfinished = Q(current_status__isnull=True) | ~Q(
        current_status__in=["completed", "discontinued"]
    )
    return past & unfinished


class PlanItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(), to_field_name="code", field_name="policy"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.select_related("policy"), method="in_theme", label="Theme"
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), to_field_name="code", method="for_agency", label="Agency"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="with_status", label="Status"
    )
    priority = django_filters.NumberFilter(
        field_name="priorities__rank", distinct=True, label="NISP priority (rank)"
    )
    term = django_filters.ChoiceFilter(choices=PlanItem.Term.choices)
    overdue = django_filters.BooleanFilter(method="is_overdue", label="Overdue")
    no_update = django_filters.BooleanFilter(method="without_update", label="No update this period")
    ordering = django_filters.OrderingFilter(
        fields=(("position", "position"), ("ref", "ref"), ("current_status", "status"),
                ("last_approved_at", "updated"), ("policy__code", "policy")),
    )  # fmt: skip

    class Meta:
        model = PlanItem
        fields = ["q", "policy", "theme", "agency", "status", "priority", "term"]

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

    @extend_schema_field(OpenApiTypes.STR)
    def for_agency(self, queryset, name, agency):
        # A group code (ALL-HD) selects the items its members answer for through that wording.
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over the annotated list.
        named = Q(via_group=agency) if agency.kind == Agency.Kind.GROUP else Q(agency=agency)
        return queryset.filter(Exists(Responsibility.objects.filter(named, item=OuterRef("pk"))))

    def with_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(current_status__isnull=True)
        return queryset.filter(current_status=value)

    def is_overdue(self, queryset, name, value):
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def without_update(self, queryset, name, value):
        today = timezone.localdate()
        has_update = Exists(
            ProgressUpdate.objects.filter(
                item=OuterRef("pk"), period__start__lte=today, period__end__gte=today
            ).exclude(state=ProgressUpdate.State.DRAFT)
        )
        return queryset.filter(~has_update) if value else queryset.filter(has_update)
