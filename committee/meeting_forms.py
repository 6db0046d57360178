"""The meeting pages' forms: they parse; committee.services decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from committee.models import ActionItem, Meeting


def _committee_people():
    return (
        User.objects.filter(is_active=True)
        .exclude(role="")
        .select_related("agency")
        .order_by("username")
    )


class PeopleField(forms.ModelMultipleChoiceField):
    """People by name, role and agency, as the minutes name them (not by username)."""

    widget = forms.SelectMultiple(attrs={"size": 8})

    def label_from_instance(self, user: User) -> str:
        parts = [user.get_full_name() or user.username, str(user.get_role_display())]
        if user.agency_id:
            parts.append(user.agency.code)
        return " · ".join(parts)


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    kind = forms.ChoiceField(
        choices=Meeting.Kind.choices, initial=Meeting.Kind.QUARTERLY, label=_("Kind")
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Date"))
    quarter = forms.CharField(
        max_length=6,
        required=False,
        label=_("Quarter under review"),
        help_text=_("Under review, e.g. 2026Q3; blank: the last one."),
    )
    attendees = PeopleField(queryset=User.objects.none(), required=False, label=_("Attendees"))
    guests = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Guests")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _committee_people()


class MinutesForm(forms.Form):
    attendees = PeopleField(queryset=User.objects.none(), required=False, label=_("Attendees"))
    guests = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Guests")
    )
    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, label=_("Minutes")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _committee_people()


class AgendaPointForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("New agenda point"))
    reason = forms.CharField(max_length=1000, required=False, label=_("Why"))


class DecisionForm(forms.Form):
    """A decision, with (optionally) one action item for an agency."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Decision"))
    action = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Action to take")
    )
    owner = forms.ModelChoiceField(
        queryset=Agency.objects.bodies().filter(is_synthetic=False),
        required=False,
        label=_("Owner agency"),
        to_field_name="code",
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Due")
    )

    def clean(self):
        data = super().clean()
        if data.get("action") and not (data.get("owner") and data.get("due_date")):
            raise forms.ValidationError(_("An action needs an owner agency and a due date."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ActionItem.Status.OPEN, _("Open")),
            (ActionItem.Status.IN_PROGRESS, _("In progress")),
            (ActionItem.Status.DONE, _("Done")),
        ],
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note")
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Evidence"),
        help_text=_("Required when done: what shows it was done (a document, a link)."),
    )


class ActionDropForm(forms.Form):
    drop_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class ActionFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Agency.objects.bodies().filter(action_items__isnull=False).distinct(),
        required=False,
        to_field_name="code",
        label=_("Owner"),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any")), *ActionItem.Status.choices], required=False, label=_("Status")
    )
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))
