from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import ApiToken
from core.forms import ServiceErrorsMixin


class ApiTokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        label=_("Name"),
        help_text=_("What will use it, e.g. 'Punjab dashboard'."),
    )
    read_only = forms.BooleanField(
        required=False,
        label=_("Read-only"),
        help_text=_("It can read but never change anything."),
    )
