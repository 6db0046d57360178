from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import BumpsDataVersion
from reporting.models import (
    Comment,
    EvidenceFile,
    ImportRecord,
    IndicatorValue,
    Notification,
    PeriodEvent,
    ProgressUpdate,
    ReportingPeriod,
)


class PeriodEventInline(admin.TabularInline):
    model = PeriodEvent
    fields = ["at", "action", "from_state", "to_state", "by", "agency", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(BumpsDataVersion, SimpleHistoryAdmin):
    """State is read-only here: it changes on the secretary's Periods page (or the API), where
    the rules apply and every change is recorded with its reason."""

    list_display = ["label", "policy", "start", "end", "deadline", "state"]
    list_filter = ["policy", "state"]
    search_fields = ["label"]
    readonly_fields = ["state"]
    inlines = [PeriodEventInline]

    def revert_disabled(self, request, obj=None):
        # Reverting to an old version would reopen a locked period with no reason recorded.
        return True


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "kind", "subject", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["email", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "number", "text"]
    raw_id_fields = ["indicator"]
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = EvidenceFile
    fields = ["file", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    extra = 0


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    """Read-mostly: changes to updates go through the tracker's pages so the rules apply."""

    list_display = ["item", "period", "agency", "state", "status", "confidence", "is_sample"]
    list_filter = ["state", "status", "confidence", "period__policy", "is_sample"]
    search_fields = ["item__ref", "agency__code", "narrative"]
    list_select_related = ["item__policy", "period__policy", "agency"]
    raw_id_fields = ["item", "author", "reviewed_by"]
    # sensitivity: only through services.record_sensitivity_set (a reason on record).
    readonly_fields = [
        "version", "submitted_at", "reviewed_at", "created_at", "updated_at", "sensitivity",
    ]  # fmt: skip
    inlines = [IndicatorValueInline, EvidenceInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["item", "author", "created_at"]
    raw_id_fields = ["item", "update", "author"]
    search_fields = ["text"]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "agency", "period", "uploaded_by", "original_name", "state"]
    list_filter = ["state", "agency"]
    readonly_fields = ["preview", "result", "refusal"]
