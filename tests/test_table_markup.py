"""The rows every table draws (plans.templatetags.plan_extras.table_rows) and django-tables2's remembered
render signatures (plans.apps): the same markup and the same cells as the template loop they replaced."""

import django_tables2 as tables
from django.template import Context, Template

from plans.apps import remember_table_signatures


def _bold_when_total(record):
    return "app-num govuk-!-font-weight-bold" if record["total"] else "app-num"


class Sample(tables.Table):
    title = tables.Column()
    amount = tables.Column(attrs={"td": {"class": _bold_when_total}})
    note = tables.Column(attrs={"td": {"class": "app-muted"}})

    def render_note(self, value, record):
        return f"{value}!" if record["total"] else value


def draw(table, **options) -> str:
    code = "{% load plan_extras %}{% table_rows table table.rows" + "".join(f" {k}={k}" for k in options) + " %}"
    return Template(code).render(Context({"table": table, **options}))


def test_rows_are_drawn_in_govuk_markup_with_each_rows_own_classes():
    table = Sample(
        [
            {"title": "Gritting <b>", "amount": 10, "note": "a", "total": False},
            {"title": "Total", "amount": 10, "note": "b", "total": True},
        ]
    )
    assert draw(table).split("\n") == [
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Gritting &lt;b&gt;</th>'
        '<td class="govuk-table__cell app-num">10</td><td class="govuk-table__cell app-muted">a</td></tr>',
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Total</th>'
        '<td class="govuk-table__cell app-num govuk-!-font-weight-bold">10</td>'
        '<td class="govuk-table__cell app-muted">b!</td></tr>',
    ]


def test_without_row_headers_and_with_no_rows():
    table = Sample([{"title": "Roads", "amount": 1, "note": "c", "total": False}])
    assert draw(table, row_headers=False).startswith('<tr class="govuk-table__row"><td class="govuk-table__cell">Roads')
    assert draw(Sample([]), empty="Nothing matches <here>.") == (
        '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="3">Nothing matches &lt;here&gt;.</td></tr>'
    )
    assert draw(Sample([])) == ""


def test_remembered_signatures_answer_as_django_tables2_did():
    from django_tables2 import utils

    remember_table_signatures()  # already done by the app; a second call changes nothing
    assert utils.signature.remembers

    class Holder:
        def render(self, value, record, **extra):
            return value

    first, second = Holder(), Holder()
    assert utils.signature(first.render) == utils.signature(second.render) == (("value", "record"), "extra")
    assert utils.signature(_bold_when_total) == (("record",), None)
    assert utils.call_with_appropriate(lambda value: value * 2, {"value": 4, "record": None}) == 8
