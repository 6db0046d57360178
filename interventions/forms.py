"""Forms only parse input into service arguments; the rules live in interventions.services."""

from __future__ import annotations

from django import forms

from agencies.models import Agency
from interventions.models import Responsibility


class OwnerAssignForm(forms.Form):
    """The secretary's record of an owner the source does not name."""

    agency = forms.ModelChoiceField(
        # A group stands for its members and benchmark bodies own no real item: neither is
        # offered (the service refuses both whatever is posted).
        queryset=Agency.objects.filter(is_synthetic=False)
        .exclude(kind=Agency.Kind.GROUP)
        .order_by("code"),
        to_field_name="code",
        empty_label="Choose a body",
        error_messages={"invalid_choice": "Choose a body from the list."},
    )
    role = forms.ChoiceField(
        choices=[
            (Responsibility.Role.LEAD, "Lead"),
            (Responsibility.Role.SUPPORTING, "Supporting"),
        ],
        initial=Responsibility.Role.LEAD,
    )
    authority = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Authority",
        help_text="The decision it rests on: a meeting's minutes or a notification, with its date.",
        error_messages={"required": "Say what the assignment rests on."},
    )

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError under the field it names, else above the form."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
