import django_filters
from django import forms

from kpis.assessment import STATUS_LABELS
from kpis.models import Kpi
from plans.models import Department, Plan


class KpiFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        field_name="plan__department", queryset=Department.objects.all(), to_field_name="slug",
        empty_label="All departments")
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.select_related("department").order_by("-financial_year", "slug"),
                                            to_field_name="slug", empty_label="All plans")
    q = django_filters.CharFilter(field_name="description", lookup_expr="icontains", label="Description contains",
                                  max_length=200)
    # The stored assessment (Kpi.status), so the filter and the paging are SQL.
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()), empty_label="Any status")

    class Meta:
        model = Kpi
        fields = ["department", "plan", "q", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs.setdefault("class", css)
