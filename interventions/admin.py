from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import BumpsDataVersion
from interventions.models import (
    BaselineRevision,
    ChangeRequest,
    Committee,
    CommitteeMember,
    ContextNote,
    Indicator,
    ItemLink,
    PlanItem,
    Policy,
    Priority,
    Responsibility,
    Theme,
)

SOURCE_FIELDS = ["source_file", "source_first_line", "source_last_line"]


@admin.register(Policy)
class PolicyAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["code", "title", "start_year", "end_year", "reporting_cadence"]
    search_fields = ["code", "title"]


@admin.register(Theme)
class ThemeAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["key", "name", "policy", "parent"]
    list_filter = ["policy"]
    search_fields = ["key", "name"]
    list_select_related = ["policy", "parent"]


@admin.register(Priority)
class PriorityAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["rank", "prong", "short_text", "policy"]
    list_filter = ["policy", "prong"]
    search_fields = ["text"]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:120]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fk_name = "item"
    fields = ["agency", "role", "as_written", "via_group", "position"]
    autocomplete_fields = ["agency", "via_group"]
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["description", "unit", "baseline", "target", "target_date", "position"]
    # The source's values as loaded; the committee changes a baseline through a change request
    # (interventions.services), never by overwriting it here.
    readonly_fields = ["unit", "baseline", "target", "target_date"]
    extra = 0


class ContextNoteInline(admin.TabularInline):
    model = ContextNote
    fields = ["date", "text", *SOURCE_FIELDS]
    extra = 0


class PlanItemForm(forms.ModelForm):
    """Admin's base form (the admin supplies model and fields): new records need an authority."""

    def clean(self):
        cleaned = super().clean()
        is_new = self.instance.pk is None
        if is_new and not cleaned.get("authority", "").strip():
            self.add_error("authority", "Say on what authority this record is added.")
        return cleaned


@admin.register(PlanItem)
class PlanItemAdmin(BumpsDataVersion, SimpleHistoryAdmin):
    form = PlanItemForm
    list_display = ["ref", "policy", "short_text", "theme", "term", "budget_kind"]
    list_filter = ["policy", "kind", "term", "budget_kind", "evidence", "sensitivity", "theme"]
    search_fields = ["ref", "text", "responsibilities__agency__code"]
    list_select_related = ["policy", "theme"]
    autocomplete_fields = ["parent", "theme", "priorities", "budget_determined_by"]
    # due_date is the source's; a committee due date is a revision, through a change request.
    # Who may read it changes only through the secretary's page (a reason on record, the
    # figures' data version bumped): services.item_sensitivity_set.
    readonly_fields = ["updated_at", "entered_by", "due_date", "sensitivity"]
    inlines = [ResponsibilityInline, IndicatorInline, ContextNoteInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:120]


@admin.register(ItemLink)
class ItemLinkAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["from_item", "relation", "to_item"]
    list_filter = ["relation", "from_item__policy", "to_item__policy"]
    search_fields = ["from_item__ref", "to_item__ref", "rationale"]
    autocomplete_fields = ["from_item", "to_item"]
    list_select_related = ["from_item__policy", "to_item__policy"]


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    fields = ["as_written", "agency", "note", "position"]
    autocomplete_fields = ["agency"]
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(BumpsDataVersion, admin.ModelAdmin):
    list_display = ["code", "name", "policy", "cadence"]
    inlines = [CommitteeMemberInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by interventions.services: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["item", "indicator", "changes", "state", "proposed_by", "proposed_at"]
    list_filter = ["state", "is_sample"]
    list_select_related = ["item__policy", "indicator", "proposed_by"]


@admin.register(BaselineRevision)
class BaselineRevisionAdmin(ReadOnlyAdmin):
    list_display = ["item", "indicator", "number", "in_force_from", "authority", "approved_by"]
    list_filter = ["is_sample"]
    list_select_related = ["item__policy", "indicator", "approved_by"]
