"""Search, 'Sources and corrections', and the source documents line by line. The search form, the
corrections filter and table live here beside their only views."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.html import format_html

from plans.forms import choice_field
from plans.models import Council, Discrepancy, Plan
from plans.selectors import council_choices, council_get, council_pick, councils_in_order
from plans.tables import table_export
from search import selectors

MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the service plans",
        max_length=MAX_QUERY,
        required=False,
        help_text="Words from a measure, deliverable, contract or risk, for example foster carers. "
        'Put a phrase in quotes ("school transport"), a minus before a word to leave it out (-adult), '
        "or OR between alternatives.",
        error_messages={"max_length": f"Search for {MAX_QUERY} characters or fewer"},
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search", "spellcheck": "false"}),
    )
    council = forms.ChoiceField(label="Council", required=False, widget=forms.Select(attrs={"class": "govuk-select"}))
    department = forms.ChoiceField(
        label="Department", required=False, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everything")] + selectors.KIND_CHOICES,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, departments: list[tuple[str, str]], councils: list[Council], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "department").choices = [("", "All departments")] + departments
        if choices := council_choices(councils):  # the scope stays with the search: kept on resubmit
            choice_field(self, "council").choices = choices
        else:
            del self.fields["council"]


def search_page(request: HttpRequest) -> HttpResponse:
    """Queries: 1 the council (the scope, ?council=); 2 its departments (for the form), then one per kind
    searched (5, or 1 with `kind`)."""
    councils = councils_in_order()
    council = council_pick(councils, request.GET.get("council"))
    form = SearchForm(
        request.GET or None,
        departments=selectors.department_choices(council=council),
        councils=councils,
        initial={"council": council.slug if council else ""},
    )
    groups: list[selectors.Group] = []
    q = kind = ""
    if form.is_bound and form.is_valid():
        q, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        if q:
            groups = selectors.search_run(q=q, department=form.cleaned_data["department"], kind=kind, council=council)
    ctx = {"form": form, "q": q, "kind": kind, "groups": groups, "total": sum(g.total for g in groups)}
    return render(request, "search/search.html", ctx)


# -- sources and corrections ------------------------------------------------------------------------------


class DiscrepancyFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(
        field_name="plan__slug",
        label="Plan",
        empty_label="All plans",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    kind = django_filters.ChoiceFilter(
        choices=Discrepancy.Kind.choices,
        label="Kind",
        empty_label="All kinds",
        method="by_kind",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Discrepancy
        fields = ["plan", "kind"]

    def __init__(self, *args, plans: list[Plan], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].extra["choices"] = [
            (p.slug, f"{p.department.name} {p.year_label} ({p.slug})")
            for p in sorted(plans, key=lambda p: (p.department.name, -p.financial_year))
        ]

    def by_kind(self, queryset, name, value):
        # The kind is read from each note by Discrepancy.kind() in Python: rows() applies it.
        return queryset

    def rows(self) -> list[Discrepancy]:
        """The discrepancies matching the valid filters (invalid ones are shown as errors and ignored).
        1 query."""
        rows = selectors.discrepancies_list(queryset=self.qs)  # self.qs validates the form first
        kind = self.form.cleaned_data.get("kind") if self.is_bound else ""
        return [d for d in rows if d.kind() == kind] if kind else rows


class DiscrepancyTable(tables.Table):
    plan = tables.Column(verbose_name="Plan", accessor="plan_label", order_by=("plan_order",))
    record = tables.Column(verbose_name="Record")
    field = tables.Column(verbose_name="Field", default="")
    printed = tables.Column(verbose_name="Printed", default="")
    stored = tables.Column(verbose_name="Stored", default="")
    kind = tables.Column(verbose_name="Kind")
    note = tables.Column(verbose_name="Explanation", orderable=False)
    lines = tables.Column(verbose_name="Source lines", orderable=False, default="")

    class Meta:
        empty_text = "No discrepancy matches these filters."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = "Discrepancies"

    def render_record(self, value, record):
        return format_html('<a class="govuk-link" href="{}">{}</a>', record["record_url"], value)

    def value_record(self, value):
        return value

    def value_lines(self, value):
        return value

    def render_lines(self, value, record):
        if not value:
            return ""
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> of {}</span></a>',
            record["source_url"],
            value,
            record["document"],
        )


def discrepancy_rows(discrepancies: list[Discrepancy]) -> list[dict]:
    """One dict per discrepancy, in the given order, shaped for DiscrepancyTable (no query)."""
    return [
        {
            "plan_label": f"{d.plan.department.name} {d.plan.year_label}",
            "plan_order": i,
            "record": d.record,
            "record_url": selectors.discrepancy_link(d),
            "field": d.field,
            "printed": d.printed,
            "stored": d.stored,
            "kind": d.kind().label,
            "note": d.note,
            "src_start": d.src_start or 0,
            "lines": d.src_label.removeprefix("lines ").removeprefix("line "),
            "document": d.plan.document,
            "source_url": selectors.source_url(d.plan.document, d.src_start, d.src_end),
        }
        for i, d in enumerate(discrepancies)
    ]


def corrections(request: HttpRequest) -> HttpResponseBase:
    """Queries: 1 the council (the scope, ?council=); 2 its plans with departments (documents and the plan
    filter); 3 discrepancies with plan, department and content type."""
    council = council_get(slug=request.GET.get("council"))
    plans = selectors.plans_by_document(council=council)
    filterset = DiscrepancyFilter(
        request.GET or None, plans=plans, queryset=Discrepancy.objects.filter(plan__department__council=council)
    )
    rows = filterset.rows()
    table = DiscrepancyTable(discrepancy_rows(rows))
    if response := table_export(request, table, name="discrepancies"):
        return response
    ctx = {
        "documents": selectors.source_documents(plans=plans),
        "filterset": filterset,
        "table": table,
        "summary": selectors.discrepancy_summary(rows),
        "kinds": list(Discrepancy.Kind),
        "count": len(rows),
    }
    return render(request, "search/corrections.html", ctx)


def _line_number(raw: str | None) -> int | None:
    if raw is None or not raw.isdigit() or len(raw) > 7:
        return None
    return int(raw)


def source_document(request: HttpRequest, document: str) -> HttpResponse:
    """Queries: 1 the plans the document holds. Only files in settings.SOURCE_DOCUMENTS_DIR are shown,
    matched by exact name: anything else (a path, another file) is a 404."""
    if document not in selectors.source_document_names():
        raise Http404("No such source document")
    lines = selectors.document_lines(document)
    start, end = _line_number(request.GET.get("from")), _line_number(request.GET.get("to"))
    range_error = ""
    if "from" in request.GET or "to" in request.GET:
        end = end or start
        if start is None or end is None or not 1 <= start <= end <= len(lines):
            range_error = f"The lines asked for are not a range within this document's {len(lines)} lines."
            start = end = None
    ctx = {
        "document": document,
        "range_error": range_error,
        "start": start,
        "end": end,
        "plans": list(Plan.objects.filter(document=document).select_related("department").order_by("src_start")),
        "lines": [
            (n, text, start is not None and end is not None and start <= n <= end) for n, text in enumerate(lines, 1)
        ],
    }
    return render(request, "search/source_document.html", ctx)
