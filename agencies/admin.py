from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from agencies import services
from agencies.models import ActsFor, Agency, AgencyAlias, ApiToken, User
from core.admin import BumpsDataVersion


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    fields = ["alias", "normalized"]
    extra = 0


@admin.register(Agency)
class AgencyAdmin(BumpsDataVersion, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "province", "parent"]
    list_filter = ["kind", "level", "province"]
    search_fields = ["code", "name", "aliases__alias"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["members"]
    inlines = [AgencyAliasInline]
    readonly_fields = ["source_file", "source_first_line", "source_last_line"]


class ActsForForm(forms.ModelForm):
    # Why a grant ends goes on its history, as the service asks (agencies.services).
    end_reason = forms.CharField(
        required=False, label="Reason for removing", help_text="Required to remove the grant."
    )

    class Meta:
        model = ActsFor
        fields = ["agency", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A grant stays as granted (its agency and reason are on record): remove it instead.
            for name in ("agency", "reason"):
                self.fields[name].disabled = True


class ActsForFormSet(BaseInlineFormSet):
    """New grants pass the service's rules before anything is saved; a removal needs its
    reason. The admin saves through agencies.services, as every other writer does."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            if form.cleaned_data.get("DELETE"):
                # A form marked for deletion keeps no errors of its own: the formset's, then.
                if form.instance.pk and not form.cleaned_data.get("end_reason", "").strip():
                    raise ValidationError(
                        f"Say why this person stops reporting for {form.instance.agency.code} "
                        "(Reason for removing)."
                    )
            elif form.instance.pk is None and form.cleaned_data.get("agency"):
                try:
                    services.acts_for_check(by=self.request_user, user=self.instance,
                                            agency=form.cleaned_data["agency"],
                                            reason=form.cleaned_data.get("reason", ""))  # fmt: skip
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                except ValidationError as error:
                    form.add_error(None, error.messages)


class ActsForInline(admin.TabularInline):
    """The other agencies this person reports for; who granted each and when is filled in.
    A grant is added or removed here, never edited: a different agency is a new grant."""

    model = ActsFor
    form = ActsForForm
    formset = ActsForFormSet
    fk_name = "user"
    fields = ["agency", "reason", "granted_by", "granted_at", "end_reason"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["agency"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency__level", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__code"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Tracker role", {"fields": ["role", "agency"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("Tracker role", {"fields": ["role", "agency"]}),
    ]
    inlines = [ActsForInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActsFor:
            return super().save_formset(request, form, formset, change)
        # Through the services: who, when and why on every grant and every removal.
        for grant_form in formset.forms:
            data = getattr(grant_form, "cleaned_data", {})
            if not data or not grant_form.has_changed():
                continue
            grant = grant_form.instance
            if data.get("DELETE") and grant.pk:
                services.acts_for_revoke(by=request.user, user=form.instance, agency=grant.agency,
                                         reason=data["end_reason"])  # fmt: skip
            elif grant.pk is None and data.get("agency"):
                services.acts_for_grant(by=request.user, user=form.instance,
                                        agency=data["agency"], reason=data["reason"])  # fmt: skip
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see and revoke tokens; keys are never stored, so never shown."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "read_only", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # created by their owners at /account/tokens/ or create_api_token
