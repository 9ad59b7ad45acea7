import django_filters

from kpis.assessment import STATUS_LABELS
from kpis.models import Kpi
from plans.filters import PlanScopedFilterSet


class KpiFilter(PlanScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="description", lookup_expr="icontains", label="Description contains", max_length=200
    )
    # The stored assessment (Kpi.status), so the filter and the paging are SQL.
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()), empty_label="Any status")
    plan_order = ("-financial_year", "slug")

    class Meta:
        model = Kpi
        fields = ["council", "department", "plan", "q", "status"]
