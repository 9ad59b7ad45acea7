"""What every transcribed record shares: the document lines it came from (Sourced), its text[] columns, and the
full-text search documents stored in its row."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias, overload

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.expressions import CombinedExpression

if TYPE_CHECKING:  # annotations only: Plan is a Sourced record itself (plans/models/organisation.py)
    from plans.models.organisation import Plan


def text_list() -> ArrayField:
    return ArrayField(models.TextField(), default=list, blank=True)


class ArrayText(models.Func):
    """A text[] column as one space-separated string, for full-text search. It calls an IMMUTABLE SQL
    function (created by migration 0002_search_indexes) because PostgreSQL's own array-to-text conversions
    are only STABLE, and an index expression must be IMMUTABLE."""

    function = "plans_array_text"
    output_field = models.TextField()


# A record's full-text document: one weighted SearchVector, or several joined by `+` (at run time Django's
# CombinedSearchVector, which the type information knows only as the CombinedExpression that `+` returns).
SearchDocument: TypeAlias = SearchVector | CombinedExpression
Weighted: TypeAlias = tuple[str | models.Expression, str]


@overload
def search_vector(weighted: Weighted, /) -> SearchVector: ...


@overload
def search_vector(*weighted: Weighted) -> SearchDocument: ...


def search_vector(*weighted: Weighted) -> SearchDocument:
    """A record's full-text document: each (field, weight) parsed with the English configuration. The same
    expression builds the model's GIN index and the search query (search/selectors.py), so the index serves it."""
    parts = [SearchVector(field, weight=weight, config="english") for field, weight in weighted]
    vector: SearchDocument = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def stored_document(document: SearchDocument) -> models.GeneratedField:
    """A record's full-text document stored in its row (PostgreSQL works it out whenever the row is written)
    and GIN-indexed as `<model>_search_idx`. Search reads it instead of parsing the text of every row it
    looks at: with a council chosen, PostgreSQL reads that council's rows and checks each one, and parsing
    each one's text again made a search of a council with ten years of plans take 400 ms."""
    return models.GeneratedField(expression=document, output_field=SearchVectorField(), db_persist=True)


def statement_document() -> SearchDocument:
    return search_vector(("text", "A"), ("group", "B"))


def deliverable_document() -> SearchDocument:
    return search_vector(("title", "A"), (ArrayText("success_measures"), "B"), ("outcome", "B"), ("lead", "C"))


def risk_document() -> SearchDocument:
    return search_vector(("description", "A"), (ArrayText("mitigations"), "B"))


@lru_cache(maxsize=8)
def _document_lines(name: str) -> tuple[str, ...]:
    path = settings.SOURCE_DOCUMENTS_DIR / name
    return tuple(path.read_text(encoding="utf-8").splitlines())


class Sourced(models.Model):
    """A record transcribed from a source document, remembering the lines it came from."""

    src_start = models.PositiveIntegerField(null=True, blank=True)
    src_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    if TYPE_CHECKING:  # the subclasses' own foreign key; those without one override source_plan
        plan: models.ForeignKey[Plan, Plan]

    @property
    def source_plan(self) -> Plan:
        return self.plan

    @property
    def src_label(self) -> str:
        if not self.src_start:
            return ""
        if self.src_end and self.src_end != self.src_start:
            return f"lines {self.src_start}-{self.src_end}"
        return f"line {self.src_start}"

    def source_text(self) -> str:
        """The document's lines this record was transcribed from, exactly as extracted (reads a file
        cached per process; no query beyond loading the plan)."""
        if not self.src_start:
            return ""
        lines = _document_lines(self.source_plan.document)
        return "\n".join(lines[self.src_start - 1 : (self.src_end or self.src_start)])
