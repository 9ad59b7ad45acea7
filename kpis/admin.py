from django.contrib import admin

from kpis.models import Benchmark, KpiValue


@admin.register(KpiValue)
class EnteredValueAdmin(admin.ModelAdmin):
    """Entered values, read-only: they are the audit trail (who, when, old, new, why)."""

    list_display = ["kpi", "year", "printed", "previous_printed", "entered_by", "entered_at"]
    list_filter = ["kpi__plan__department"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source="entry").select_related("kpi", "entered_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Benchmark, list_display=["kpi", "year", "kind", "value", "entered_by", "entered_at"])
