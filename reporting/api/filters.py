import django_filters

from agencies.models import Agency
from core.api.filters import UtcIsoDateTimeFilter
from interventions.models import PlanItem, Policy
from reporting.models import ProgressUpdate, ReportingPeriod


def readable_items(request):
    return PlanItem.objects.visible_to(getattr(request, "user", None))


class PeriodFilter(django_filters.FilterSet):
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(), to_field_name="code", field_name="policy"
    )

    class Meta:
        model = ReportingPeriod
        fields = ["policy", "state"]


class UpdateFilter(django_filters.FilterSet):
    """The updates list: a reviewer's queue (`?agency=MOI&state=submitted`) or a mirror's
    incremental sync (`?updated_since=`)."""

    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="code",
        field_name="agency",
        label="Agency code",
    )
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(),
        to_field_name="code",
        field_name="period__policy",
        label="Policy code",
    )
    period = django_filters.ModelChoiceFilter(
        queryset=ReportingPeriod.objects.all(), label="Reporting period id"
    )
    # Only items the caller reads: another's restricted id is as unknown as a missing one.
    item = django_filters.ModelChoiceFilter(queryset=readable_items, label="Plan item id")
    state = django_filters.MultipleChoiceFilter(choices=ProgressUpdate.State.choices)
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Changed at or after this time (ISO 8601): edited, submitted or reviewed.",
    )

    class Meta:
        model = ProgressUpdate
        fields = ["agency", "policy", "period", "item", "state", "updated_since"]
