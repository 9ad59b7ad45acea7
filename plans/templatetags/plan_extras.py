"""Formatting for figures: money, KPI values, financial years."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import template
from django.utils.html import format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe

from plans.html import conditional_escape, format_html
from plans.parsing import fy_label
from plans.table_cells import table_cells

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """£1,234,567 ; negatives as -£1,234 ; pence shown only when there are any."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    text = f"{amount:,.2f}" if amount != amount.to_integral() else f"{amount:,.0f}"
    return f"{sign}£{text}"


@register.filter
def headline_money(value: Decimal | None) -> str:
    """A sum for a headline tile: £1.99bn, £175.77m, or whole pounds under a million. The exact figure goes
    in the page's table or beside the tile (a headline of £1,999,891,567.40 could not be read at a glance)."""
    if value is None:
        return ""
    sign, amount = ("-" if value < 0 else ""), abs(value)
    if amount >= 1_000_000_000:
        return f"{sign}£{amount / Decimal(1_000_000_000):,.2f}bn"
    if amount >= 1_000_000:
        return f"{sign}£{amount / Decimal(1_000_000):,.2f}m"
    return f"{sign}£{amount:,.0f}"


# The cabinet summary's tiles name it `millions`: the same headline rule (£46,000 of savings read "£0.05m").
register.filter("millions", headline_money)


@register.filter
def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        return f"{normal:,.0f}"
    return f"{normal:,f}"


@register.filter
def fy(year: int | None) -> str:
    return "" if year is None else fy_label(year)


@register.simple_tag
def govuk_widget(field) -> str:
    """Render a form field's widget naming its hint and its error in aria-describedby, with the GOV.UK
    error class when it has errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.id_for_label}-hint")
    if field.errors:
        ids.append(f"{field.id_for_label}-error")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        css = field.field.widget.attrs.get("class", "")
        base = css.split()[0] if css else "govuk-input"
        attrs["class"] = f"{css} {base}--error".strip()
    return field.as_widget(attrs=attrs)


@register.simple_tag
def form_group(field, label: str = "", inline: bool = False) -> SafeString:
    """A GOV.UK form group: the label, hint, errors and widget (govuk_widget) of one field
    (templates/partials/form_field.html). Drawn in Python: the KPI entry form has five per measure and a
    hundred measures on a large plan, where the template language's per-field cost was most of the page."""
    name = field.id_for_label
    hint = (
        format_html('<div class="govuk-hint" id="{}-hint">{}</div>', name, field.help_text) if field.help_text else ""
    )
    errors = format_html_join(
        "",
        '<p class="govuk-error-message" id="{}-error"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        ((name, error) for error in field.errors),
    )
    return format_html(
        '<div class="govuk-form-group{}{}">\n  <label class="govuk-label" for="{}">{}</label>\n'
        "  {}\n  {}\n  {}\n</div>",
        " govuk-form-group--error" if field.errors else "",
        " app-inline-field" if inline else "",
        name,
        label or field.label,
        hint,
        errors,
        govuk_widget(field),
    )


@register.simple_tag(takes_context=True)
def export_query(context, export_format: str) -> str:
    """The current query string with `_export` set: the download keeps the filters and sort shown."""
    params = context["request"].GET.copy()
    params["_export"] = export_format
    return "?" + params.urlencode()


def _td_class(column) -> Callable[[], str | None]:
    """A bound column's cell class: worked out once when it is the same for every row, else per cell (a class
    computed from the row, such as a bold total)."""
    declared = {**column._table.attrs, **column.column.attrs}
    td = declared.get("td", declared.get("cell", {}))
    if any(callable(value) for value in td.values()):
        return lambda: column.attrs["td"]["class"]  # row.items() has set the column's current record
    fixed = column.attrs["td"]["class"]
    return lambda: fixed


@register.simple_tag
def page_table_head(table) -> SafeString:
    """A page table's header cells (templates/partials/page_table.html): each column's th class read once (a
    bound column works its attributes out afresh on every read, twice a header through the template)."""
    cells = []
    for column in table.columns:
        css = column.attrs["th"].get("class")
        extra = f" {conditional_escape(css)}" if css else ""
        cells.append(f'<th scope="col" class="govuk-table__header{extra}">{conditional_escape(column.header)}</th>')
    return mark_safe("".join(cells))


@register.simple_tag
def table_rows(table, rows, row_headers: bool = True, empty: str = "", labels: bool = False) -> str:
    """The body rows of a django-tables2 table in GOV.UK table markup (the first cell a row header unless
    `row_headers` is false; with no rows, one row saying `empty` when given; with `labels`, each data cell
    names its column in data-label, for stacked rows on a phone). Built here rather than by a template loop:
    a 100-row list has a thousand cells, and looking up each cell's class through the template language cost
    more than drawing the cell."""
    classes = [_td_class(column) for column in table.columns]
    names = [
        f' data-label="{conditional_escape(strip_tags(str(column.header)))}"' if labels else ""
        for column in table.columns
    ]
    out = []
    for row in table_cells(table, rows):
        cells = ['<tr class="govuk-table__row">']
        for n, (cell, css, label) in enumerate(zip(row, classes, names, strict=False)):
            extra = css()
            extra = f" {conditional_escape(extra)}" if extra else ""
            if n == 0 and row_headers:
                cells.append(f'<th scope="row" class="govuk-table__header{extra}">{conditional_escape(cell)}</th>')
            else:
                cells.append(f'<td class="govuk-table__cell{extra}"{label}>{conditional_escape(cell)}</td>')
        cells.append("</tr>")
        out.append("".join(cells))
    if not out and empty:
        out.append(
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(classes)}">'
            f"{conditional_escape(empty)}</td></tr>"
        )
    return mark_safe("\n".join(out))
