from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import geography
from agencies.models import Province
from committee.models import QuarterlyReport
from committee.reports.services import scope_policy
from core.forms import ServiceErrorsMixin
from core.quarters import Quarter
from interventions.models import Policy


def _scope_choices() -> list[tuple[str, str]]:
    policies = [(code, f"{code} · {title}") for code, title in Policy.objects.values_list(
        "code", "title"
    )]  # fmt: skip
    return [*policies, (QuarterlyReport.ALL, _("All policies"))]


def _field_errors(field: str, parse, value):
    """A parser's {field: errors} as the plain errors a form's clean_<field> raises."""
    try:
        return parse(value)
    except ValidationError as error:
        raise ValidationError(error.message_dict.get(field, error.messages)) from error


class ReportRequestForm(ServiceErrorsMixin, forms.Form):
    """The secretary's request for a new report version: a quarter and a scope."""

    quarter = forms.CharField(max_length=16, help_text=_("Written like 2025Q3."))
    scope = forms.ChoiceField(choices=_scope_choices)
    # Blank: every level and province. Choices, checked again by the service (scope_place).
    level = forms.ChoiceField(
        choices=[("", _("All levels")), *geography.Level.choices], required=False, label=_("Level")
    )
    province = forms.ChoiceField(
        choices=[("", _("All provinces and areas")), *Province.choices],
        required=False,
        label=_("Province or area"),
    )
    edition = forms.ChoiceField(
        choices=QuarterlyReport.Edition.choices,
        initial=QuarterlyReport.Edition.COMMITTEE,
        required=False,  # the committee's unless chosen, as before editions existed
        label=_("Edition"),
        help_text=_(
            "The official edition leaves restricted items out everywhere and says how many."
        ),
    )
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,  # English unless chosen: callers of the form before it had a language
        label=_("Language"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].initial = Quarter.of(timezone.localdate()).previous().label

    def clean_quarter(self) -> Quarter:
        return _field_errors("quarter", Quarter.parse, self.cleaned_data["quarter"])

    def clean_edition(self) -> str:
        return self.cleaned_data["edition"] or QuarterlyReport.Edition.COMMITTEE

    def clean_scope(self) -> Policy | None:
        return _field_errors("scope", scope_policy, self.cleaned_data["scope"])
