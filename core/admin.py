"""What every app's admin shares."""

from __future__ import annotations

from core.data_version import data_version_bump


class BumpsDataVersion:
    """For the admin of anything a committee figure or a cached page reads (the plan, the
    bodies, the periods): a save or a deletion here gives the data a new version, in the
    admin's own transaction, as the services' writes do; otherwise the cached figures would
    keep showing the data as it was before the edit."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data_version_bump()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data_version_bump()  # the inlines: an item's responsibilities, indicators

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        data_version_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        data_version_bump()
