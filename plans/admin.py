from django.contrib import admin

from plans.models import ClosedPeriod, DeliverableUpdate, Department, Plan, Role


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit trail: listed, never added, edited or deleted here."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(admin.ModelAdmin):
    """Administrators close a financial year for a department; entries for it are then refused."""

    list_display = ["department", "year", "closed_by", "closed_at"]
    list_filter = ["department"]
    exclude = ["closed_by"]

    def save_model(self, request, obj, form, change):
        obj.closed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DeliverableUpdate)
class DeliverableUpdateAdmin(ReadOnlyAdmin):
    """Read-only: updates are the audit trail and are never edited."""

    list_display = ["deliverable", "status", "percent_complete", "as_of", "entered_by", "entered_at"]
    list_filter = ["status"]


admin.site.register(Department)
admin.site.register(Plan, list_display=["slug", "title", "department", "financial_year", "status"])
