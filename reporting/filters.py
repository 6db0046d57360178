"""One FilterSet for plan items with their progress, shared by the web list and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.forms import SourceNamesSelect
from interventions.filters import PlanItemFilter
from interventions.sorting import natural_ref
from reporting import status
from reporting.models import ProgressUpdate, ReportingPeriod

STATUS_CHOICES = [("none", _("No approved update")), *ProgressUpdate.Status.choices]


def status_in(values) -> Q:
    """Items whose current status is one of `values` ("none": no approved update yet)."""
    matches = Q(current_status__in=[value for value in values if value != "none"])
    return matches | Q(current_status__isnull=True) if "none" in values else matches


class ItemOrderingFilter(django_filters.OrderingFilter):
    """Refs in natural order (2 before 10), statuses by severity (the worst first; items with
    no approved update last either way)."""

    expressions = {"ref": natural_ref, "current_status": status.status_severity}
    # Worded by our catalogue (django-filter ships no Urdu), when the list is shown.
    descending_fmt = _("%s (descending)")

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            descending = lazy(lambda label: str(self.descending_fmt) % label, str)(label)
            choices += [(param, label), (f"-{param}", labels.get(f"-{param}", descending))]
        return choices

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        if name not in self.expressions:
            return super().get_ordering_value(param)
        expression = self.expressions[name]()
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


class ItemFilter(PlanItemFilter):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="with_status", label=_("Status")
    )
    overdue = django_filters.BooleanFilter(method="is_overdue", label=_("Overdue"))
    no_update = django_filters.BooleanFilter(
        method="without_update", label=_("No update this period")
    )
    ordering = ItemOrderingFilter(
        fields=(("position", "position"), ("ref", "ref"), ("current_status", "status"),
                ("last_approved_at", "updated"), ("policy__code", "policy")),
        field_labels={"position": _("Position"), "ref": _("Ref"), "current_status": _("Status"),
                      "last_approved_at": _("Updated"), "policy__code": _("Policy")},
        label=_("Ordering"),
    )  # fmt: skip

    class Meta(PlanItemFilter.Meta):
        fields = [*PlanItemFilter.Meta.fields, "status"]

    def with_status(self, queryset, name, value):
        return queryset.filter(status_in([value]))

    def is_overdue(self, queryset, name, value):
        condition = status.overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def without_update(self, queryset, name, value):
        today = timezone.localdate()
        has_update = status.reported_in_period(Q(period__start__lte=today, period__end__gte=today))
        return queryset.filter(~has_update) if value else queryset.filter(has_update)


class ReviewFilter(django_filters.FilterSet):
    """The review queue's filters; `late` is the annotation from selectors.review_queue (the
    rule itself is reporting.status.is_late)."""

    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.filter(updates__state=ProgressUpdate.State.SUBMITTED).distinct(),
        empty_label=_("Any agency"),
        label=_("Agency"),
        widget=SourceNamesSelect,
    )
    period = django_filters.ModelChoiceFilter(
        queryset=ReportingPeriod.objects.filter(updates__state=ProgressUpdate.State.SUBMITTED)
        .distinct()
        .select_related("policy"),
        empty_label=_("Any period"),
        label=_("Period"),
    )
    status = django_filters.ChoiceFilter(
        choices=ProgressUpdate.Status.choices, empty_label=_("Any status"), label=_("Status")
    )
    confidence = django_filters.ChoiceFilter(
        choices=ProgressUpdate.Confidence.choices, label=_("Rating"), empty_label=_("Any rating")
    )
    late = django_filters.BooleanFilter(
        label=_("Late"),
        widget=forms.Select(
            choices=[("", _("Late or on time")), ("true", _("Late")), ("false", _("On time"))]
        ),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["agency", "period", "status", "confidence", "late"]
