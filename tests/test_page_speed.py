"""What keeps the pages fast without the page cache (issue 15 item 3), pinned so that it stays: a page
compiles no template once the process has drawn it, and the cells drawn in Python (dashboard/cells.py) draw
exactly what their templates drew."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import base
from django.urls import reverse

from dashboard.cells import kpi_values


@pytest.fixture
def compiled(monkeypatch):
    """The template code compiled from here on (Template objects made), one entry per template."""
    made: list[str] = []
    init = base.Template.__init__

    def counting(self, template_string, *args, **kwargs):
        made.append(str(template_string)[:80])
        init(self, template_string, *args, **kwargs)

    monkeypatch.setattr(base.Template, "__init__", counting)
    return made


@pytest.mark.parametrize("page", ["plan", "plan_summary"])
def test_a_page_drawn_again_compiles_no_template(client, load_plan, compiled, page):
    # The page's table cells are template code in columns built afresh per request; compiling it again on
    # every request was about a tenth of a large plan page's time.
    plan = load_plan("cs-2022-23")
    url = reverse(page, args=[plan.slug])
    assert client.get(url).status_code == 200
    compiled.clear()
    assert client.get(url).status_code == 200
    assert compiled == []


def value(printed="12%", provisional=False, read_as="", doubtful=""):
    return SimpleNamespace(printed=printed, provisional=provisional, read_as=read_as, doubtful=doubtful)


def test_kpi_values_draw_what_the_template_drew():
    assert kpi_values([]) == '<span class="app-muted">–</span>\n'
    assert kpi_values([value(printed="")]) == '<span class="app-value">–</span>\n'
    assert kpi_values([value(printed="<17%", provisional=True, read_as="2019-20 target"), value("15-20")]) == (
        '<span class="app-value">&lt;17%</span> <abbr title="provisional">(prov.)</abbr> '
        '<span class="app-muted">(read as the 2019-20 target)</span><br><span class="app-value">15-20</span>\n'
    )
    assert kpi_values([value(doubtful="Sums to 101%")]) == (
        '<span class="app-value">12%</span> <strong class="govuk-tag govuk-tag--yellow app-doubtful">Doubtful '
        'figure</strong> <span class="app-muted"><bdi>Sums to 101%</bdi></span>\n\n'
    )
