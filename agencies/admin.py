from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import ActsFor, Agency, AgencyAlias, ApiToken, User


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    fields = ["alias", "normalized"]
    extra = 0


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "province", "parent"]
    list_filter = ["kind", "level", "province"]
    search_fields = ["code", "name", "aliases__alias"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["members"]
    inlines = [AgencyAliasInline]
    readonly_fields = ["source_file", "source_first_line", "source_last_line"]


class ActsForInline(admin.TabularInline):
    """The other agencies this person reports for; who granted each and when is filled in."""

    model = ActsFor
    fk_name = "user"
    fields = ["agency", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["agency"]
    extra = 0


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
        # The grant records who made it and when; its history says who changed it.
        for grant in formset.save(commit=False):
            if grant.pk is None:
                grant.granted_by = request.user
                grant.granted_at = timezone.now()
            grant._change_reason = grant.reason
            grant.save()
        for grant in formset.deleted_objects:
            grant.delete()
        formset.save_m2m()


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
