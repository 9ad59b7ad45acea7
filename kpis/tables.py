import django_tables2 as tables
from django.utils.html import format_html



def kpi_rows(kpis: list, *, status: str = "") -> list[dict]:
    """One row per KPI with its assessment (computed from prefetched values: no queries)."""
    rows = []
    for kpi in kpis:
        result = kpi.assessment()
        if status and result.status != status:
            continue
        latest = result.value
        rows.append({
            "kpi": kpi, "description": kpi.description, "department": kpi.plan.department.name,
            "plan": f"{kpi.plan.title} ({kpi.plan.year_label})", "status": result.label,
            "status_code": result.status, "status_order": result.sort_key, "travel": result.travel_label,
            "latest": f"{latest.printed.strip()} ({latest.year_label})" if latest else "",
            "target": result.target.printed.strip() if result.target else "", "reason": result.reason,
        })
    return rows


class KpiTable(tables.Table):
    description = tables.Column(verbose_name="Measure")
    department = tables.Column()
    plan = tables.Column()
    latest = tables.Column(verbose_name="Latest figure", orderable=False)
    target = tables.Column(verbose_name="Target", orderable=False)
    status = tables.Column(verbose_name="Status", order_by=("status_order",))
    travel = tables.Column(verbose_name="Direction of travel")

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_description(self, value, record):
        return format_html('<a class="govuk-link" href="{}">{}</a>', record["kpi"].get_absolute_url(), value)

    def value_description(self, value, record):
        return value

    def render_status(self, value, record):
        return format_html('<strong class="govuk-tag app-tag-{}">{}</strong>', record["status_code"].replace("_", ""),
                           value)

    def value_status(self, value, record):
        return value


