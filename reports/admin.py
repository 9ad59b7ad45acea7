from django.contrib import admin
from django.http import HttpRequest

from reports.models import ReportPack


@admin.register(ReportPack)
class ReportPackAdmin(admin.ModelAdmin):
    """Published packs are read-only here: they are published from /reports/publish/ and never changed."""

    list_display = ["title", "council", "meeting_date", "published_by", "published_at"]
    readonly_fields = [f.name for f in ReportPack._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
