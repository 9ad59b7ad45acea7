"""A django-tables2 table's cells, row by row, with the work that is the same for every cell of a column done
once per table instead of once per cell.

django-tables2 draws a cell through BoundRow._get_and_render_with: it parses the column's accessor, walks it to
the record twice, asks the model whether the field has choices, and builds the render method's arguments, for
every cell. A 100-row list has over a thousand cells, and that bookkeeping was a quarter of the procurement
list's time and a fifth of the plan page's (profiled, PAGE_CACHE=false). Here each column's accessor, its
render (or export) method and the arguments that method takes are worked out once, and a cell only resolves its
value and calls the method: the same steps in the same order, so the same output (tests/test_table_cells.py
compares every table of the pages with django-tables2's own cells).

Columns outside the plain case keep django-tables2's own path, cell by cell: linked cells (`linkify`), link and
many-to-many columns, a model field with choices (drawn by its get_FOO_display), and render methods that ask
for the BoundRow."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_tables2 import utils as tables_utils
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.base import BoundColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.tables import Table
from django_tables2.utils import Accessor

_ARGUMENTS = {"value", "record", "column", "bound_column", "table"}
_INDEXABLE: dict[type, bool] = {}  # whether objects of a type can be indexed (obj[key]): asked once per type


def _walk(accessor: Accessor, bits: tuple[str, ...], context: Any, *, quiet: bool) -> Any:
    """accessor.resolve(context): the same answer, with attribute look-ups made directly along the way. Accessor
    tries obj[bit] before getattr on every step, and on a model instance that is a TypeError raised and caught,
    for every cell of a table. Any step off the plain path (an object that can be indexed, a missing attribute,
    something callable) hands the whole walk to accessor.resolve, so what it does there is unchanged."""
    current = context
    for bit in bits:
        kind = type(current)
        indexable = _INDEXABLE.get(kind)
        if indexable is None:
            indexable = _INDEXABLE[kind] = hasattr(kind, "__getitem__")
        if indexable:
            return accessor.resolve(context, quiet=quiet)
        try:
            current = getattr(current, bit)
        except (TypeError, AttributeError):
            return accessor.resolve(context, quiet=quiet)
        if callable(current):
            return accessor.resolve(context, quiet=quiet)
        if current is None:
            break
    return current


class _Column:
    """One column's cell recipe: what BoundRow.get_cell (or get_cell_value, for a download) does per cell."""

    def __init__(self, bound: BoundColumn, table: Table, *, download: bool):
        self.bound, self.table, self.download = bound, table, download
        column = bound.column
        self.column, self.name = column, bound.name
        self.method = bound.value if download else bound.render
        self.default = None if download else bound.default
        self.empty = column.empty_values
        accessor = Accessor(bound.accessor)
        # As BoundRow: the object holding the field (the record, or what the accessor's path up to its last
        # part leads to) decides whether a choices field is shown by its get_FOO_display.
        path, _, self.field_name = accessor.rpartition(accessor.SEPARATOR)
        self.path, self.last = (Accessor(path) if path else None), Accessor(self.field_name)
        self.path_bits, self.last_bits = (tuple(self.path.bits) if self.path else ()), tuple(self.last.bits)
        # Looked up on the module at each use: plans.apps replaces it with one that remembers its answers, after
        # this module may have been imported.
        names, catch_all = tables_utils.signature(self.method)
        self.wanted = None if catch_all else names  # None: the method takes **kwargs, so it gets every argument
        self.plain = not (
            (bound.link and not download)
            or isinstance(column, (BaseLinkColumn, ManyToManyColumn))
            or accessor.SEPARATOR != Accessor.SEPARATOR  # the deprecated "." paths
            or accessor.callable_args
            or accessor.callable_kwargs
            or (self.wanted is not None and not set(self.wanted) <= _ARGUMENTS)
        )
        self._choices: dict[type, bool] = {}

    def _has_choices(self, holder: Any) -> bool:
        """Whether the holder is a model whose field of this name has choices (django-tables2 then shows
        get_FOO_display()): asked once per model class."""
        kind = type(holder)
        known = self._choices.get(kind)
        if known is None:
            known = False
            if isinstance(holder, models.Model):
                try:
                    field = holder._meta.get_field(self.field_name)
                    known = bool(getattr(field, "choices", ())) and hasattr(holder, f"get_{self.field_name}_display")
                except FieldDoesNotExist:
                    pass
            self._choices[kind] = known
        return known

    def holder(self, record: Any) -> Any:
        return record if self.path is None else _walk(self.path, self.path_bits, record, quiet=True)

    def cell(self, record: Any, row: Callable[[], BoundRow]) -> Any:
        # A dict record may hold the whole path as one key (a values() row): BoundRow looks that up first.
        plain = self.plain and not (self.path is not None and isinstance(record, dict))
        holder = self.holder(record) if plain else None
        if not plain or self._has_choices(holder):
            bound_row = row()
            return bound_row.get_cell_value(self.name) if self.download else bound_row.get_cell(self.name)
        try:
            value = _walk(self.last, self.last_bits, holder, quiet=False)  # the rest of BoundRow's walk
        except Exception:  # as django-tables2: a column with no attribute of its name draws its default
            value = None
        if value in self.empty:
            return self.default
        given = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound,
            "table": self.table,
        }
        if self.wanted is None:
            return self.method(**given, bound_row=row())
        return self.method(**{name: given[name] for name in self.wanted})


def table_cells(
    table: Table, rows: Iterable[Any], *, columns: list[BoundColumn] | None = None, download: bool = False
) -> Iterator[list[Any]]:
    """Each row's cells (as drawn, or as downloaded with `download`), for `rows` of the table: BoundRows (a page
    of the table) or records. Each column's `current_record` and `current_value` are set as BoundRow.items()
    sets them, for cell classes computed from the row."""
    recipes = [_Column(bound, table, download=download) for bound in (columns or list(table.columns))]
    for item in rows:
        record = item.record if isinstance(item, BoundRow) else item
        made: list[BoundRow] = []

        def row(item: Any = item, record: Any = record, made: list[BoundRow] = made) -> BoundRow:
            if not made:
                made.append(item if isinstance(item, BoundRow) else BoundRow(record, table=table))
            return made[0]

        cells = []
        for recipe in recipes:
            cell = recipe.cell(record, row)
            if not download:
                recipe.bound.current_value, recipe.bound.current_record = cell, record
            cells.append(cell)
        yield cells
