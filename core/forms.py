"""What every app's forms share: showing a service's refusal where the reader looks."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """A form that shows a service's ValidationError next to the fields it names; an error
    that names no field, or one the form lacks, shows above the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)


class SourceNamesSelect(forms.Select):
    """A choice of records named by the sources (agencies, policies, themes): each option keeps
    its English name, marked `lang="en"` so an Urdu page reads it as English, left to right;
    the empty choice ("Any agency") and any value in `own_words` are the page's own words and
    are translated."""

    def __init__(self, attrs=None, choices=(), *, own_words=frozenset()):
        super().__init__(attrs, choices)
        # Values whose option is worded by the tracker (translated), not named by a source.
        self.own_words = frozenset(own_words)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in (None, "") and str(value) not in self.own_words:
            option["attrs"] = {**option["attrs"], "lang": "en", "dir": "ltr"}
        return option
