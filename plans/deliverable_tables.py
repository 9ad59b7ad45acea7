"""Tables of deliverables, risks and 2025-29 actions across plans. Each column exports the text the page
shows (printed dates as printed, lists one item a line), so a download holds the same rows and columns."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils.html import format_html_join

from plans.html import format_html
from plans.models import Deliverable, Plan


def _bullets(items: list[str]):
    if not items:
        return ""
    return format_html(
        '<ul class="govuk-list govuk-list--bullet app-list-tight">{}</ul>',
        format_html_join("", "<li>{}</li>", ((item,) for item in items)),
    )


def plan_label(plan: Plan) -> str:
    return f"{plan.title} ({plan.year_label})"


class CaptionedTable(tables.Table):
    class Meta:
        default = ""  # a cell the document leaves blank is blank on the page and in the download alike

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption


def _dates_nulls_last(field: str):
    """Order by the date read from the printed text; dates printed as words sort last either way."""

    def order(self, queryset: QuerySet, is_descending: bool):
        expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
        return queryset.order_by(expression, "plan__slug", "order"), True

    return order


class DeliverableTable(CaptionedTable):
    class Meta(CaptionedTable.Meta):
        pass

    label = tables.Column(
        verbose_name="Ref",
        accessor="pk",
        empty_values=(),
        order_by=("plan__department__name", "-plan__financial_year", "order"),
    )
    title = tables.Column(verbose_name="Deliverable", linkify=True, attrs={"a": {"class": "govuk-link"}})
    department = tables.Column(accessor="plan__department__name", verbose_name="Department")
    plan = tables.Column(accessor="plan", verbose_name="Plan", order_by=("plan__financial_year", "plan__slug"))
    council_priority = tables.Column(verbose_name="Council priority or outcome")
    lead = tables.Column(verbose_name="Lead")
    start = tables.Column(accessor="start_printed", verbose_name="Start", empty_values=())
    end = tables.Column(accessor="end_printed", verbose_name="End", empty_values=())
    in_council_plan = tables.Column(verbose_name="Listed in the Council Plan", empty_values=())

    order_start = _dates_nulls_last("start")
    order_end = _dates_nulls_last("end")

    def render_label(self, record: Deliverable) -> str:
        if record.parent is not None:  # no query when there is none: parent_id is None
            parent = record.parent.label
            return f"{parent} sub-action" if parent else "Sub-action"
        return record.label

    def value_label(self, record: Deliverable) -> str:
        return self.render_label(record)

    def render_plan(self, value: Plan):
        return format_html('<a class="govuk-link" href="{}">{}</a>', value.get_absolute_url(), plan_label(value))

    def value_plan(self, value: Plan) -> str:
        return plan_label(value)

    def render_start(self, value: str) -> str:
        return value or "Not printed"

    def value_start(self, value: str) -> str:
        return value or "Not printed"

    def render_end(self, value: str) -> str:
        return value or "Not printed"

    def value_end(self, value: str) -> str:
        return value or "Not printed"

    def render_in_council_plan(self, value: bool | None) -> str:
        answers: dict[bool | None, str] = {True: "Yes", False: "No"}
        return answers.get(value, "Not stated")

    def value_in_council_plan(self, value: bool | None) -> str:
        return self.render_in_council_plan(value)


class RiskTable(CaptionedTable):
    class Meta(CaptionedTable.Meta):
        pass

    description = tables.Column(verbose_name="Risk")
    department = tables.Column(accessor="plan__department__name", verbose_name="Department")
    plan = tables.Column(accessor="plan", verbose_name="Plan", order_by=("plan__financial_year", "plan__slug"))
    grouped_under = tables.Column(
        accessor="council_priority",
        verbose_name="Council priority or part",
        empty_values=(),
        order_by=("section", "council_priority"),
    )
    refs = tables.Column(verbose_name="Deliverable refs", empty_values=(), orderable=False)
    type = tables.Column(verbose_name="Type")
    mitigations = tables.Column(verbose_name="Mitigations", empty_values=(), orderable=False)
    owner = tables.Column(verbose_name="Owner")

    def render_plan(self, value: Plan):
        return format_html('<a class="govuk-link" href="{}">{}</a>', value.get_absolute_url(), plan_label(value))

    def value_plan(self, value: Plan) -> str:
        return plan_label(value)

    def value_grouped_under(self, record) -> str:
        return " – ".join(part for part in (record.section, record.council_priority) if part)

    def render_grouped_under(self, record) -> str:
        return self.value_grouped_under(record)

    def render_refs(self, value: list[str]) -> str:
        return ", ".join(value)

    def value_refs(self, value: list[str]) -> str:
        return ", ".join(value)

    def render_mitigations(self, record):
        if record.mitigation_intro:
            return format_html(
                '<p class="govuk-body-s govuk-!-margin-bottom-1">{}</p>{}',
                record.mitigation_intro,
                _bullets(record.mitigations),
            )
        return _bullets(record.mitigations)

    def value_mitigations(self, record) -> str:
        return "\n".join(([record.mitigation_intro] if record.mitigation_intro else []) + list(record.mitigations))


class ObjectiveActionTable(CaptionedTable):
    """The 2025-29 actions with every column the implementation plan prints; the objective tree page
    shows the same fields as summary cards and downloads them through this table."""

    outcome = tables.Column(accessor="objective__outcome__number", verbose_name="Outcome")
    objective = tables.Column(accessor="objective__number", verbose_name="Strategic objective")
    number = tables.Column(verbose_name="Action")
    title = tables.Column(verbose_name="Action title")
    lead = tables.Column(verbose_name="Lead officer")
    end = tables.Column(accessor="end_printed", verbose_name="End date")
    supporting_departments = tables.Column(verbose_name="Supporting departments")
    support_required = tables.Column(verbose_name="Details of support required")
    timescale = tables.Column(verbose_name="Timescale for support required")
    success_measures = tables.Column(verbose_name="Success measures")
    key_risks = tables.Column(verbose_name="Key risks")

    class Meta(CaptionedTable.Meta):
        orderable = False

    def value_supporting_departments(self, value: list[str]) -> str:
        return "\n".join(value)

    def value_support_required(self, value: list[str]) -> str:
        return "\n".join(value)

    def value_success_measures(self, value: list[str]) -> str:
        return "\n".join(value)

    def value_key_risks(self, value: list[str]) -> str:
        return "\n".join(value)
