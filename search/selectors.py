"""Reads for search and provenance: full-text search across what the plans say, the source documents and
the discrepancies the transcription recorded. Each function's docstring states its query count."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, Func, QuerySet, TextField, Value, Window
from django.db.models.expressions import Combinable
from django.db.models.functions import NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kpis.models import Kpi
from plans.models import (
    Council,
    Deliverable,
    Department,
    Discrepancy,
    Plan,
    Risk,
    Sourced,
    Statement,
    _document_lines,
)
from procurement.models import ProcurementEntry

# ts_headline marks matches with these private-use characters; the text is HTML-escaped first and only then
# are they turned into <mark>, so nothing from the database or the query can inject markup.
START, STOP = "\ue000", "\ue001"
RESULTS_PER_KIND = 50
RESULTS_OF_ONE_KIND = 500


def highlighted(text: str | None) -> SafeString:
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))


def joined(name: str, separator: str = "; ") -> Func:
    """A text[] column joined for reading (not indexed, so the STABLE array_to_string is fine)."""
    return Func(F(name), Value(separator), function="array_to_string", output_field=TextField())


def joined_text(*parts: object, separator: str = " — ") -> Func:
    """Texts joined by `separator`, leaving out empty ones."""
    return Func(
        Value(separator), *(NullIf(p, Value("")) for p in parts), function="concat_ws", output_field=TextField()
    )


def _url(name: str, args: list | None = None) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def plan_list_url(name: str, plan: Plan, anchor: str) -> str:
    """A list page filtered to the plan when that page exists, else the plan page's section."""
    url = _url(name)
    return f"{url}?plan={plan.slug}" if url else f"{plan.get_absolute_url()}#{anchor}"


def plan_procurement_url(plan: Plan) -> str:
    return _url("plan_procurement", [plan.slug]) or plan_list_url("procurement_pipeline", plan, "procurement")


def plan_budget_url(plan: Plan) -> str:
    return _url("plan_budget", [plan.slug]) or f"{plan.get_absolute_url()}#budget"


# -- search -----------------------------------------------------------------------------------------------


@dataclass
class Hit:
    title: SafeString
    url: str
    plan: Plan
    snippet: SafeString = mark_safe("")
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Group:
    key: str
    label: str
    total: int
    hits: list[Hit]

    @property
    def shown_all(self) -> bool:
        return len(self.hits) >= self.total


# The highlighted texts of a result: "title" and "snippet" (blank for a kind without one).
Marks = dict[str, SafeString]
# A model searched: a transcribed record with a stored `search_document` (plans.models.stored_document).
Searched = TypeVar("Searched", bound=Sourced)


@dataclass(frozen=True)
class Kind(Generic[Searched]):
    key: str
    label: str
    model: type[Searched]
    title: Callable[[], Combinable]  # text highlighted in full: the result's heading
    snippet: Callable[[], Combinable] | None  # longer text shown as the best-matching fragments
    hit: Callable[[Searched, Marks], Hit]

    def group(self, *, q: str, department: str, limit: int, council: Council | None) -> Group:
        """This kind's best `limit` matches for `q`, with their total. 1 query."""
        rows = list(search_kind(kind=self, q=q, department=department, limit=limit, council=council))
        hits = [
            self.hit(row, {name: highlighted(getattr(row, f"mark_{name}", "")) for name in ("title", "snippet")})
            for row in rows
        ]
        total = getattr(rows[0], "total", 0) if rows else 0  # the window count search_kind annotates
        return Group(self.key, self.label, total, hits)


class SearchKind(Protocol):
    """What search_run needs of a Kind, whatever its model (KINDS holds one Kind per model)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    def group(self, *, q: str, department: str, limit: int, council: Council | None) -> Group: ...


def _kpi_hit(k: Kpi, marks: Marks) -> Hit:
    details = [("Group", k.group)] if k.group else []
    return Hit(marks["title"], k.get_absolute_url(), k.plan, details=details)


def _deliverable_hit(d: Deliverable, marks: Marks) -> Hit:
    details = [("Ref", d.label)] if d.label else []
    details += [("Lead", d.lead)] if d.lead else []
    return Hit(marks["title"], d.get_absolute_url(), d.plan, marks["snippet"], details)


def _procurement_hit(e: ProcurementEntry, marks: Marks) -> Hit:
    details = [
        (label, value)
        for label, value in (
            ("Service group", " – ".join(filter(None, [e.group, e.subgroup]))),
            ("Estimated value", e.value_printed),
            ("Procurement start", e.procurement_start_printed),
            ("Contract start", e.contract_start_printed),
        )
        if value
    ]
    return Hit(marks["title"], plan_procurement_url(e.plan), e.plan, details=details)


def _risk_hit(r: Risk, marks: Marks) -> Hit:
    details = [("Owner", r.owner)] if r.owner else []
    return Hit(marks["title"], plan_list_url("risk_list", r.plan, "risks"), r.plan, marks["snippet"], details)


def _statement_hit(s: Statement, marks: Marks) -> Hit:
    title = s.get_kind_display() + (f": {s.group}" if s.group else "")
    return Hit(highlighted(title), f"{s.plan.get_absolute_url()}#statements", s.plan, marks["snippet"])


KINDS: list[SearchKind] = [
    Kind("kpi", "Key performance measures", Kpi, lambda: F("description"), None, _kpi_hit),
    Kind(
        "deliverable",
        "Deliverables and actions",
        Deliverable,
        lambda: F("title"),
        lambda: joined_text(joined("success_measures"), F("outcome")),
        _deliverable_hit,
    ),
    Kind("procurement", "Procurement pipeline", ProcurementEntry, lambda: F("title"), None, _procurement_hit),
    Kind(
        "risk",
        "Risks",
        Risk,
        lambda: F("description"),
        lambda: joined_text(F("mitigation_intro"), joined("mitigations")),
        _risk_hit,
    ),
    Kind(
        "statement",
        "Ambitions, priorities and overviews",
        Statement,
        lambda: F("text"),
        lambda: F("text"),
        _statement_hit,
    ),
]
KIND_CHOICES = [(k.key, k.label) for k in KINDS]


def search_query(q: str) -> SearchQuery:
    """Web-search syntax ("quoted phrase", -exclude, OR), English stemming: never a syntax error."""
    return SearchQuery(q, search_type="websearch", config="english")


def search_kind(
    *, kind: Kind[Searched], q: str, department: str = "", limit: int = RESULTS_PER_KIND, council: Council | None = None
) -> QuerySet[Searched]:
    """The best `limit` matches of one kind, each with its rank, highlighted title and snippet, and the
    total number of matches (a window count). 1 query when evaluated."""
    query = search_query(q)
    marks = {
        "title": SearchHeadline(
            kind.title(), query, config="english", start_sel=START, stop_sel=STOP, highlight_all=True
        )
    }
    if kind.snippet:
        marks["snippet"] = SearchHeadline(
            kind.snippet(),
            query,
            config="english",
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    queryset = kind.model._default_manager.select_related("plan__department")  # `objects`, the only manager
    if council is not None:
        queryset = queryset.filter(plan__department__council=council)
    if department:
        queryset = queryset.filter(plan__department__slug=department)
    # django-stubs' plugin types annotate() on a model type variable as on its bound (Sourced), losing which
    # model this is: the rows are still `kind.model`'s.
    return (
        queryset.filter(search_document=query)  # type: ignore[return-value]
        .annotate(
            rank=SearchRank(F("search_document"), query),
            total=Window(Count("pk")),
            **{f"mark_{name}": expr for name, expr in marks.items()},
        )
        .order_by("-rank", "-plan__financial_year", "plan__slug", "order")[:limit]
    )


def search_run(*, q: str, department: str = "", kind: str = "", council: Council | None = None) -> list[Group]:
    """Every kind's matches for `q` (optionally of one department, or one kind), best first. One query per
    kind searched: 5 for all kinds, 1 for one kind, whatever the number of matches."""
    groups = []
    for k in KINDS:
        if kind and k.key != kind:
            continue
        limit = RESULTS_OF_ONE_KIND if kind else RESULTS_PER_KIND
        groups.append(k.group(q=q, department=department, limit=limit, council=council))
    return groups


def department_choices(*, council: Council | None) -> list[tuple[str, str]]:
    """(slug, name) of every department of the council. 1 query."""
    return list(Department.objects.filter(council=council).order_by("name").values_list("slug", "name"))


# -- sources and corrections ------------------------------------------------------------------------------


def source_document_names() -> list[str]:
    """The documents the fixtures were transcribed from: the only files a source page may show. No query."""
    directory = settings.SOURCE_DOCUMENTS_DIR
    return sorted(p.name for p in directory.iterdir() if p.is_file() and p.suffix == ".txt")


def document_lines(name: str) -> tuple[str, ...]:
    """The document's lines (read once per process). Only call with a name from source_document_names()."""
    return _document_lines(name)


@dataclass
class SourceDocument:
    name: str
    line_count: int
    plans: list[Plan]


def plans_by_document(*, council: Council | None) -> list[Plan]:
    """Every plan of the council with its department, in document order. 1 query."""
    return list(
        Plan.objects.filter(department__council=council)
        .select_related("department")
        .order_by("document", "src_start", "slug")
    )


def source_documents(*, plans: list[Plan]) -> list[SourceDocument]:
    """Each source document with the plans it holds (from `plans`, no query) and its length."""
    held: OrderedDict[str, list[Plan]] = OrderedDict((name, []) for name in source_document_names())
    for plan in plans:
        if plan.document in held:
            held[plan.document].append(plan)
    return [SourceDocument(name, len(document_lines(name)), items) for name, items in held.items()]


def source_url(document: str, start: int | None, end: int | None) -> str:
    """The source page at a line range, highlighted."""
    url = reverse("source_document", args=[document])
    if not start:
        return url
    return f"{url}?from={start}&to={end or start}#L{start}"


BUDGET_MODELS = {"budgetrow", "budgettable", "budgetcell", "budgetheadline", "servicepressure", "saving"}
PROCUREMENT_MODELS = {"procurementtable", "procuremententry"}


def discrepancy_link(d: Discrepancy) -> str:
    """The page showing the record a discrepancy is about: its generic `target` where the loader knew it,
    else the part of the plan its record names; at worst the plan page's list of discrepancies. Needs the
    plan and content type loaded (no query)."""
    model = d.content_type.model if d.content_type is not None else ""  # no query when there is none
    plan = d.plan
    record = d.record.lower()
    if model == "deliverable" and d.object_id:
        return reverse("deliverable", args=[plan.slug, d.object_id])
    if (
        model in BUDGET_MODELS
        or record.startswith(("service pressure", "saving", "budget"))
        or "capital programme" in record
        or "controllable budget" in record
    ):
        return plan_budget_url(plan)
    if model in PROCUREMENT_MODELS or record.startswith("procurement"):
        return plan_procurement_url(plan)
    if record.startswith("workforce"):
        return f"{plan.get_absolute_url()}#structure"
    if record.startswith("departmental overview"):
        return f"{plan.get_absolute_url()}#statements"
    return f"{plan.get_absolute_url()}#discrepancies"


def discrepancies_list(*, queryset: QuerySet[Discrepancy] | None = None) -> list[Discrepancy]:
    """Discrepancies with plan, department and content type, grouped by plan (department, then year).
    1 query."""
    queryset = Discrepancy.objects.all() if queryset is None else queryset
    return list(
        queryset.select_related("plan__department", "content_type").order_by(
            "plan__department__name", "-plan__financial_year", "src_start", "pk"
        )
    )


@dataclass
class PlanDiscrepancies:
    plan: Plan
    counts: dict[str, int]  # by Discrepancy.Kind, in its order
    total: int = 0

    @property
    def by_kind(self) -> list[tuple[Discrepancy.Kind, int]]:
        return [(Discrepancy.Kind(kind), n) for kind, n in self.counts.items()]


def discrepancy_summary(rows: list[Discrepancy]) -> list[PlanDiscrepancies]:
    """Counts per plan and kind of the rows given (no query)."""
    summary: OrderedDict[int, PlanDiscrepancies] = OrderedDict()
    for d in rows:
        entry = summary.setdefault(d.plan_id, PlanDiscrepancies(d.plan, dict.fromkeys(Discrepancy.Kind.values, 0)))
        entry.counts[d.kind()] += 1
        entry.total += 1
    return list(summary.values())
