from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from kpis.models import ApprovalEvent, Benchmark, DoubtDecision, Kpi, KpiValue, PrintedValue
from kpis.services import kpi_value_doubt_set
from plans.admin import ReadOnlyAdmin
from plans.models import user_is_admin


class AdministratorsEdit(admin.ModelAdmin):
    """Seen and changed by the product's administrators only (plans.models.user_is_admin, the people who close
    years and give roles), not by Django's per-model permissions; nothing is added or deleted here."""

    def has_module_permission(self, request):
        return user_is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KpiValue)
class EnteredValueAdmin(ReadOnlyAdmin):
    """Entered values, read-only: they are the audit trail (who, when, old, new, why)."""

    list_display = [
        "kpi",
        "year",
        "period",
        "kind",
        "printed",
        "previous_printed",
        "entered_by",
        "entered_at",
        "approval",
        "decided_by",
    ]
    list_filter = ["kpi__plan__department", "kind", "approval"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source="entry").select_related("kpi", "entered_by", "decided_by")


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(ReadOnlyAdmin):
    """The sign-off audit, read-only: every entry, approval, return and entry after a return (kpis.approvals)."""

    list_display = ["at", "step", "by", "value__kpi", "value__year", "old", "new", "reason"]
    list_filter = ["step", "value__kpi__plan__department"]
    search_fields = ["value__kpi__description", "by__username", "reason"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "value__kpi")


class DoubtForm(forms.ModelForm):
    """Mark the printed value doubtful, or clear the mark: either way with the reason."""

    is_doubtful = forms.BooleanField(
        required=False,
        label="Mark as doubtful",
        help_text="Tick: probably a printing or extraction error. Untick: clear the mark.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why you mark or clear it. Shown beside the figure when it is marked.",
    )

    class Meta:
        model = PrintedValue
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["is_doubtful"].initial = bool(self.instance.doubtful)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for marking or clearing the doubt")
        return reason


@admin.register(PrintedValue)
class PrintedValueAdmin(AdministratorsEdit):
    """The documents' values. Administrators only mark or clear a doubt here (kpis.services.kpi_value_doubt_set:
    recorded in 'Doubt decisions', kept through fixture reloads); the figures themselves are the documents'."""

    form = DoubtForm
    list_display = ["kpi", "year_label", "kind", "printed", "doubt_shown"]
    list_filter = ["kpi__plan"]
    search_fields = ["kpi__description", "kpi__key", "printed"]
    readonly_fields = ["kpi", "year_label", "kind", "printed", "column", "note", "doubt_shown"]
    fields = ["kpi", "year_label", "kind", "printed", "column", "note", "doubt_shown", "is_doubtful", "reason"]

    @admin.display(description="Doubt shown now")
    def doubt_shown(self, obj) -> str:
        return obj.doubtful or "Not doubted"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source="document").select_related("kpi__plan")

    def save_model(self, request, obj, form, change):
        if not user_is_admin(request.user):
            raise PermissionDenied
        kpi_value_doubt_set(
            value=obj, doubtful=form.cleaned_data["is_doubtful"], reason=form.cleaned_data["reason"], by=request.user
        )

    def log_change(self, request, obj, message):
        super().log_change(request, obj, message)
        messages.info(request, "The decision is recorded under Doubt decisions and kept when the plans are reloaded.")


@admin.register(DoubtDecision)
class DoubtDecisionAdmin(ReadOnlyAdmin):
    """Who marked or cleared a doubt on a printed value, when, what it was and why."""

    list_display = [
        "decided_at",
        "decided_by",
        "plan_slug",
        "kpi_key",
        "year_label",
        "kind",
        "printed",
        "doubtful",
        "was",
        "reason",
    ]
    list_filter = ["plan_slug", "doubtful"]

    def has_module_permission(self, request):
        return user_is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_admin(request.user)


admin.site.register(Benchmark, list_display=["kpi", "year", "kind", "value", "entered_by", "entered_at"])


@admin.register(Kpi)
class KpiReportingAdmin(AdministratorsEdit):
    """How often each KPI is reported and when its figures fall due (kpis/periods.py). Only these two are
    edited here: everything else about a KPI is the documents' (the fixtures)."""

    list_display = ["description", "plan", "frequency", "due_working_days"]
    list_editable = ["frequency", "due_working_days"]
    list_filter = ["plan__department", "frequency"]
    search_fields = ["description", "key"]
    fields = ["description", "plan", "frequency", "due_working_days"]
    readonly_fields = ["description", "plan"]
    list_select_related = ["plan__department"]
