from django import forms

from agencies.models import ApiToken
from core.forms import ServiceErrorsMixin


class ApiTokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What will use it, e.g. 'Punjab dashboard'.",
    )
    read_only = forms.BooleanField(
        required=False, label="Read-only", help_text="It can read but never change anything."
    )
