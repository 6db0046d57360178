from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import Comment, EvidenceFile, IndicatorValue, ProgressUpdate, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["label", "policy", "start", "end", "deadline", "state"]
    list_filter = ["policy", "state"]
    search_fields = ["label"]


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
    readonly_fields = ["version", "submitted_at", "reviewed_at", "created_at", "updated_at"]
    inlines = [IndicatorValueInline, EvidenceInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["item", "author", "created_at"]
    raw_id_fields = ["item", "update", "author"]
    search_fields = ["text"]
