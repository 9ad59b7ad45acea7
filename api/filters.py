"""Filters for the API's lists that no page has a FilterSet for: the same council, department and plan choices
(plans.filters.PlanScopedFilterSet), so `?council=` and the rest mean what they mean on the pages."""

from budgets.models import BudgetTable
from plans.filters import PlanScopedFilterSet
from plans.models import Discrepancy


class BudgetTableFilter(PlanScopedFilterSet):
    class Meta:
        model = BudgetTable
        fields = ["council", "department", "plan"]


class CorrectionFilter(PlanScopedFilterSet):
    class Meta:
        model = Discrepancy
        fields = ["council", "department", "plan"]
