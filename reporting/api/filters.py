import django_filters

from interventions.models import Policy
from reporting.models import ReportingPeriod


class PeriodFilter(django_filters.FilterSet):
    policy = django_filters.ModelChoiceFilter(
        queryset=Policy.objects.all(), to_field_name="code", field_name="policy"
    )

    class Meta:
        model = ReportingPeriod
        fields = ["policy", "state"]
