"""Forms for changes to the plan (owners the source does not name, baseline changes): they
parse; interventions.services validates and decides."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, User
from core.forms import ServiceErrorsMixin, SourceNamesSelect
from interventions.models import (
    INDICATOR_PLAN_FIELDS,
    ITEM_PLAN_FIELDS,
    Direction,
    Indicator,
    PlanItem,
    Policy,
    Responsibility,
    Sensitivity,
)

ITEM_SCOPE = "item"


class ChangeRequestForm(ServiceErrorsMixin, forms.Form):
    """Propose new values for the item (due date, allocation) or one of its indicators. Only
    the fields filled in are proposed; the others stay as in force."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Change to"), widget=SourceNamesSelect(own_words={ITEM_SCOPE})
    )
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Due date"),
    )
    allocation = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, label=gettext_lazy("Allocation (PKR)")
    )
    unit = forms.CharField(required=False, max_length=64, label=gettext_lazy("Unit"))
    baseline = forms.DecimalField(required=False, decimal_places=2, label=gettext_lazy("Baseline"))
    baseline_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Baseline date"),
    )
    target = forms.DecimalField(required=False, decimal_places=2, label=gettext_lazy("Target"))
    target_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Target date"),
    )
    direction = forms.ChoiceField(
        choices=[("", "—"), *Direction.choices], required=False, label=gettext_lazy("Direction")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}), label=gettext_lazy("Reason")
    )
    authority = forms.CharField(
        required=False,
        max_length=255,
        label=gettext_lazy("Authority"),
        help_text=gettext_lazy(
            "The decision it rests on, if already taken (the secretary adds it otherwise)."
        ),
    )

    def __init__(self, *args, item: PlanItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.indicators = {str(i.pk): i for i in item.indicators.all()}
        self.fields["scope"].choices = [
            (ITEM_SCOPE, _("The item: due date or allocation")),
            # Each indicator as the source words it (kept English by the widget).
            *(
                [(_("Indicators"), [(pk, i.description[:80]) for pk, i in self.indicators.items()])]
                if self.indicators
                else []
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        indicator = self.indicator()
        allowed = INDICATOR_PLAN_FIELDS if indicator else ITEM_PLAN_FIELDS
        other = ITEM_PLAN_FIELDS if indicator else INDICATOR_PLAN_FIELDS
        for name in other:
            if cleaned.get(name) not in (None, ""):
                self.add_error(name, _("This value belongs to the other choice of 'Change to'."))
        if not any(cleaned.get(name) not in (None, "") for name in allowed):
            raise ValidationError(_("Fill in at least one new value."))
        return cleaned

    def indicator(self) -> Indicator | None:
        return self.indicators.get(self.cleaned_data.get("scope", ITEM_SCOPE))

    def values(self) -> dict:
        allowed = INDICATOR_PLAN_FIELDS if self.indicator() else ITEM_PLAN_FIELDS
        return {
            name: self.cleaned_data[name]
            for name in allowed
            if self.cleaned_data.get(name) not in (None, "")
        }


class DecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))]
    )
    authority = forms.CharField(
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "e.g. Advisory Committee meeting 2027Q1, decision 4 (needed to approve)."
        ),
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed to reject."),
    )


class BulkDueDateForm(ServiceErrorsMixin, forms.Form):
    """One due date for many items of a policy, with one reason (e.g. every NISP 2018 item
    carried forward to a date)."""

    policy = forms.ModelChoiceField(
        queryset=Policy.objects.order_by("position", "code"),
        label=gettext_lazy("Policy"),
        widget=SourceNamesSelect,
    )
    refs = forms.CharField(
        required=False,
        label=gettext_lazy("Item references"),
        help_text=gettext_lazy(
            "Comma-separated, e.g. 1, 2, 5; leave empty for every item of the policy."
        ),
    )
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Due date")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}), label=gettext_lazy("Reason")
    )
    authority = forms.CharField(
        max_length=255,
        label=gettext_lazy("Authority"),
        help_text=gettext_lazy("e.g. Advisory Committee meeting 2027Q1, decision 4."),
    )

    def clean(self):
        cleaned = super().clean()
        policy = cleaned.get("policy")
        if policy is None:
            return cleaned
        items = PlanItem.objects.filter(policy=policy).order_by("position")
        refs = [ref.strip() for ref in cleaned.get("refs", "").split(",") if ref.strip()]
        if refs:
            items = items.filter(ref__in=refs)
            unknown = sorted(set(refs) - set(items.values_list("ref", flat=True)))
            if unknown:
                self.add_error(
                    "refs",
                    _("No such item in %(policy)s: %(refs)s.")
                    % {"policy": policy.code, "refs": ", ".join(unknown)},
                )
        cleaned["items"] = list(items)
        return cleaned


class OwnerAssignForm(ServiceErrorsMixin, forms.Form):
    """The secretary's record of an owner the source does not name."""

    agency = forms.ModelChoiceField(
        # A group stands for its members and benchmark bodies own no real item: neither is
        # offered (the service refuses both whatever is posted).
        queryset=Agency.objects.filter(is_synthetic=False)
        .exclude(kind=Agency.Kind.GROUP)
        .order_by("code"),
        to_field_name="code",
        empty_label=gettext_lazy("Choose a body"),
        label=gettext_lazy("Agency"),
        widget=SourceNamesSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose a body from the list.")},
    )
    role = forms.ChoiceField(
        choices=[
            (Responsibility.Role.LEAD, gettext_lazy("Lead")),
            (Responsibility.Role.SUPPORTING, gettext_lazy("Supporting")),
        ],
        initial=Responsibility.Role.LEAD,
        label=gettext_lazy("Role"),
    )
    authority = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        label=gettext_lazy("Authority"),
        help_text=gettext_lazy(
            "The decision it rests on: a meeting's minutes or a notification, with its date."
        ),
        error_messages={"required": gettext_lazy("Say what the assignment rests on.")},
    )


class SensitivityForm(ServiceErrorsMixin, forms.Form):
    """The secretary's choice of who reads an item (or every item of a policy), with why."""

    sensitivity = forms.ChoiceField(
        label=gettext_lazy("Who may read it"), choices=Sensitivity.choices
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class GrantForm(ServiceErrorsMixin, forms.Form):
    """The secretary lets one named person read a restricted item."""

    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_username(self):
        user = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has that user name."))
        return user
