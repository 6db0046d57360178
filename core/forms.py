"""What every app's forms share: showing a service's refusal where the reader looks."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """A form that shows a service's ValidationError next to the fields it names; an error
    that names no field, or one the form lacks, shows above the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)
