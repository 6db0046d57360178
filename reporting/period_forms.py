"""The secretary's period actions: parse the form, leave every rule to reporting.periods."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.forms import ServiceErrorsMixin, SourceNamesSelect
from reporting.models import ReportingPeriod


class PeriodActionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # The state the secretary saw: a period someone else changed meanwhile is a conflict.
    expected_state = forms.ChoiceField(
        choices=ReportingPeriod.State.choices, required=False, widget=forms.HiddenInput
    )


class ExtensionForm(ServiceErrorsMixin, forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label=_("Agency"), widget=SourceNamesSelect
    )
    until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("New last day")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}), required=False, label=_("Reason")
    )

    def __init__(self, *args, period: ReportingPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.bodies()
            .filter(responsibilities__item__policy_id=period.policy_id)
            .distinct()
            .order_by("code")
        )
