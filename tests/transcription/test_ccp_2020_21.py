"""Transcription tests for fixtures/ccp-2020-21.yaml: Commissioning, Communities and Policy Service Plan
2017-2021, 2020/21 Update (source document 004_32cbf65b4b2ba88d.txt, lines 55-712).

Counts are taken from the source text independently of the fixture (regex / line rules over the plan's
lines); where no mechanical rule works the count is a literal with a comment saying how it was counted."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings

SLUG = "ccp-2020-21"


@pytest.fixture
def doc(plan):
    """Every line of the document, 1-based: doc[n] is line n as `sed -n` counts it."""
    path = settings.SOURCE_DOCUMENTS_DIR / plan.document
    return [None] + path.read_text(encoding="utf-8").splitlines()


def span(doc, a: int, b: int):
    return [(n, doc[n]) for n in range(a, b + 1)]


def cells(text: str) -> list[str]:
    return text.split("\t")


def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("•", " ").replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


# Section boundaries, located by their printed headings (and checked to be where the fixture says).
def heading(doc, text: str, after: int = 55) -> int:
    return next(n for n in range(after, 713) if doc[n].strip() == text)


# --------------------------------------------------------------------------------------------------
# 1. Counts, from the document
# --------------------------------------------------------------------------------------------------


def test_plan_header(plan, doc):
    assert (plan.src_start, plan.src_end) == (55, 712)
    assert doc[55] == "Commissioning, Communities and Policy"
    assert doc[57] == "Service Plan 2017-2021 2020/21 Update"
    assert plan.title == "Service Plan 2017-2021 2020/21 Update"
    assert plan.kind == "update"
    assert plan.period == "2017-2021"
    assert plan.financial_year == 2020
    assert plan.executive_director == "Emma Alexander"
    assert plan.date == dt.date(2020, 2, 25)
    assert plan.date_printed == doc[62] == "Update: 25 February 2020"
    assert plan.department.slug == "commissioning-communities-policy"


def test_statement_counts(plan, doc):
    kinds = Counter(plan.statements.values_list("kind", flat=True))

    def dashes(a, b, pattern=r"^ ?- "):
        return sum(1 for _, t in span(doc, a, b) if re.match(pattern, t))

    assert heading(doc, "Council Values") == 79 and heading(doc, "Council Outcomes") == 88
    assert kinds["ambition"] == 1  # one sentence under "We will strive to be:" (line 77)
    assert kinds["value"] == dashes(79, 87) == 4
    assert kinds["outcome"] == dashes(88, 97) == 5
    assert kinds["council_priority"] == dashes(98, 107) == 5
    assert (
        kinds["overview"] == 4
    )  # paragraphs at 110, 118, 120, 122 (between "Departmental Overview" and "Achievements")
    ach = heading(doc, "Achievements")
    pri = heading(doc, "Priorities", ach)
    wf = heading(doc, "Workforce priorities", pri)
    bud = heading(doc, "Budget", wf)
    assert kinds["achievement"] == dashes(ach, pri) == 23
    assert kinds["departmental_priority"] == dashes(pri, wf) == 21
    # workforce priorities: 9 top-level "- " items and 3 nested " - " items
    assert kinds["workforce_priority"] == dashes(wf, bud) == 12
    nested = [t.strip()[2:] for _, t in span(doc, wf, bud) if t.startswith(" - ")]
    assert (
        list(plan.statements.filter(kind="workforce_priority").exclude(group="").values_list("text", flat=True))
        == nested
    )
    # notes: lead-ins at 126, 155, 183, 241 and the KPI key at 411 (counted by hand)
    assert kinds["note"] == 5
    assert sum(kinds.values()) == 80


def test_divisions_and_workforce(plan, doc):
    listed = [t[2:].rstrip(".") for _, t in span(doc, 111, 117) if t.startswith("- ")]
    assert list(plan.divisions.values_list("name", flat=True)) == listed
    assert len(listed) == 5 and "five Divisions" in doc[110]
    (wf,) = plan.workforce.all()
    assert wf.division == "" and wf.fte_printed == "1,954" and wf.fte == Decimal("1954")
    assert "1,954 FTE staff" in doc[110]


def test_deliverable_counts(plan, doc):
    body = span(
        doc, heading(doc, "Section One – Council Priorities Delivery Plan"), heading(doc, "Key Performance Measures")
    )
    numbered = [int(m.group(1)) for _, t in body if (m := re.match(r"^(\d+)\. ", t))]
    assert numbered == list(range(1, 48))  # the 47 numbered actions, consecutive
    subs = [t for _, t in body if t.startswith("- ")]
    assert len(subs) == 4
    sec2 = span(
        doc, heading(doc, "Section Two – Departmental Priorities"), heading(doc, "Key Performance Measures", 413)
    )
    sec2_rows = [t for _, t in sec2 if "\t" in t and not t.startswith("Actions\t")]
    assert len(sec2_rows) == 2

    top = plan.deliverables.filter(parent__isnull=True)
    assert top.filter(section="council").count() == 47
    assert list(top.filter(section="council").values_list("number", flat=True)) == [str(n) for n in range(1, 48)]
    assert plan.deliverables.filter(parent__isnull=False).count() == len(subs)
    assert top.filter(section="departmental").count() == len(sec2_rows)
    assert plan.deliverables.count() == 47 + 4 + 2


def test_deliverable_cells_match_print(plan, doc):
    """Every action with a lead: lead, start, complete, tick and priority are the printed cells, and its
    success measures joined with spaces are exactly the printed measure text (continuations included)."""
    for d in plan.deliverables.filter(section="council").exclude(lead=""):
        c = cells(doc[d.src_start])
        assert (d.lead, d.start_printed, d.end_printed, d.council_priority) == (c[1], c[2], c[3], c[6]), d.number
        assert d.in_council_plan == {"✓": True, "✗": False}[c[5]]
        printed = " ".join(
            clean(cells(doc[n])[4])
            for n in range(d.src_start, d.src_end + 1)
            if n == d.src_start or doc[n].startswith("\t") or (len(cells(doc[n])) == 7 and cells(doc[n])[1] == "")
        )
        assert " ".join(d.success_measures) == printed, d.title


def test_kpi_counts(plan, doc):
    kpi_lines = [
        n
        for n, t in span(doc, 359, 426)
        if "\t" in t and not t.startswith(("Description\t", "\t", "Actions\t")) and not (413 <= n <= 418)
    ]  # 415-417 are the Section Two action table
    assert len(kpi_lines) == 39
    assert plan.kpis.count() == len(kpi_lines)
    assert list(plan.kpis.values_list("src_start", flat=True)) == kpi_lines
    assert plan.kpis.filter(section="council").count() == 38
    assert plan.kpis.filter(section="departmental").count() == 1
    printed_cells = sum(len(cells(doc[n])[1:5]) for n in kpi_lines)
    from kpis.models import KpiValue

    assert KpiValue.objects.filter(kpi__plan=plan).count() == printed_cells == 156


def test_procurement_counts(plan, doc):
    body = [(n, cells(t)) for n, t in span(doc, 447, 709) if t and not t.startswith("Contract Title\t")]
    headings = [c[0] for _, c in body if c[1:] == ["", ""]]
    rows = [n for n, c in body if len(c) == 3 and c[1:] != ["", ""]]
    assert len(headings) == 13 and len(rows) == 224
    assert plan.procurement_entries.count() == len(rows)
    assert list(plan.procurement_entries.values_list("src_start", flat=True)) == rows
    groups = list(dict.fromkeys(plan.procurement_entries.values_list("group", flat=True)))
    assert groups == [
        "CCP Joint Corporate Projects",
        "Pensions",
        "Finance",
        "ICT",
        "Legal Services",
        "Organisation, Development & Policy",
        "Community Services",
        "Miscellaneous",
        "Property Services (Above OJEU)",
        "Property Services (£50K - < OJEU)",
    ]
    subgroups = list(dict.fromkeys(plan.procurement_entries.exclude(subgroup="").values_list("subgroup", flat=True)))
    assert subgroups == ["(a) Policy", "(b) Communication Services", "(c) Human Resources"]
    assert set(groups) | set(subgroups) == set(headings)
    # rows per heading in the document (a heading line starts a group or a sub-group)
    in_doc, current = Counter(), None
    for _, c in body:
        if c[1:] == ["", ""]:
            current = c[0]
        else:
            in_doc[current] += 1
    in_db = Counter(plan.procurement_entries.exclude(subgroup="").values_list("subgroup", flat=True))
    in_db.update(plan.procurement_entries.filter(subgroup="").values_list("group", flat=True))
    assert in_db == in_doc
    assert in_doc["Property Services (Above OJEU)"] == 60
    assert in_doc["Property Services (£50K - < OJEU)"] == 77
    assert in_doc["(c) Human Resources"] == 13


def test_savings_risks_budget_counts(plan, doc):
    savings = [t for _, t in span(doc, 200, 238) if re.match(r"^- \*\*.+ – £[\d,]+\*\*$", t)]
    assert plan.savings.count() == len(savings) == 13
    # risk rows: tab rows of the risks table (245-251) plus the paragraph at 253 printed after the table
    # breaks (counted by hand as the 7th risk)
    table_rows = [t for _, t in span(doc, 245, 251) if "\t" in t]
    assert plan.risks.count() == len(table_rows) + 1 == 7
    assert plan.risks.filter(description="None").count() == sum(1 for t in table_rows if cells(t)[1] == "None") == 2
    budget_rows = [t for _, t in span(doc, 433, 441) if "\t" in t]
    (table,) = plan.budget_tables.all()
    assert table.rows.count() == len(budget_rows) == 9
    assert table.columns.count() == len(cells(doc[431])) - 1 == 12
    from budgets.models import BudgetCell

    assert BudgetCell.objects.filter(row__table=table).count() == 9 * 12
    assert plan.budget_headlines.count() == 3
    assert plan.discrepancies.count() == 6  # 5 £1 budget roundings kept as printed + 31/09/2020


# --------------------------------------------------------------------------------------------------
# 2. Exact values
# --------------------------------------------------------------------------------------------------


def kpi(plan, key):
    return plan.kpis.get(key=key)


def val(plan, key, year, kind):
    return kpi(plan, key).values.get(year=year, kind=kind)


def test_kpi_values(plan):
    v = val(plan, "capital-receipts-disposals", 2019, "latest")
    assert v.printed == "£6.046m (Feb 2020)" and v.value == Decimal("6046000")
    assert v.as_at == dt.date(2020, 2, 1)
    assert val(plan, "capital-receipts-disposals", 2017, "actual").value == Decimal("1784000")
    t = val(plan, "capital-receipts-disposals", 2020, "target")
    assert (t.printed, t.target_kind, t.target_value) == ("£33m", "number", Decimal("33000000"))
    assert val(plan, "property-maintenance-backlog", 2018, "actual").value == Decimal("72561000")
    assert val(plan, "land-buildings-surplus-pct", 2017, "actual").status == "not_available"
    assert val(plan, "land-buildings-surplus-pct", 2018, "actual").value == Decimal("1.36")
    v = val(plan, "sickness-days-council", 2019, "latest")
    assert (v.printed, v.value, v.as_at) == ("10.28 (Dec 2019)", Decimal("10.28"), dt.date(2019, 12, 1))
    v = val(plan, "agency-spend-ccp", 2019, "latest")
    assert v.printed == "£1.5m (End year projection at Jan 2020)"
    assert v.value == Decimal("1500000") and v.as_at == dt.date(2020, 1, 1)
    assert val(plan, "agency-spend-ccp", 2017, "actual").value == Decimal("386502")
    assert val(plan, "agency-spend-council", 2018, "actual").value == Decimal("6002000")
    assert val(plan, "apprenticeship-starts-council", 2020, "target").target_value == Decimal("117")
    assert val(plan, "apprenticeships-pct-appointments-ccp", 2019, "latest").value == Decimal("2.0")
    assert val(plan, "libraries-transferred-community", 2017, "actual").status == "none"
    assert val(plan, "libraries-transferred-community", 2019, "latest").value == Decimal("0")
    assert val(plan, "residents-trust-council", 2020, "target").target_reason == "tbc"
    t = val(plan, "tc-services-co-designed", 2020, "target")
    assert t.printed == "Establish baseline in 20/21" and t.target_kind == "none"
    assert val(plan, "residents-unpaid-help-county", 2019, "latest").printed == "54% (Dec 2019)"
    assert val(plan, "call-derbyshire-incoming-calls", 2019, "latest").value == Decimal("275996")
    assert val(plan, "call-derbyshire-incoming-calls", 2019, "latest").as_at == dt.date(2020, 1, 1)
    assert val(plan, "complaints-council", 2018, "actual").value == Decimal("1001")
    assert val(plan, "complaints-council", 2019, "latest").status == "awaiting_data"
    assert val(plan, "complaints-ccp", 2020, "target").target_reason == "monitor"
    t = val(plan, "lgo-complaints-upheld", 2020, "target")
    assert (t.target_kind, t.benchmark, t.comparator) == ("benchmark", "national_average", "lt")
    v = val(plan, "budget-savings-achieved-pct-ccp", 2019, "latest")
    assert v.value == Decimal("96.2") and v.as_at == dt.date(2019, 10, 1)
    assert val(plan, "grey-fleet-co2e-council", 2020, "target").target_value == Decimal("2706")
    assert kpi(plan, "sickness-days-ccp").responsible == "Emma Crapper"
    assert kpi(plan, "residents-informed-decisions").responsible == "Simon Hobbs"
    ct = kpi(plan, "counter-terrorism-training")
    assert ct.section == "departmental" and ct.responsible == ""
    assert ct.footnotes == [
        "This figure is approximate. Due to the changes in the Learning and Development System some data was lost."
    ]
    v = ct.values.get(year=2018, kind="actual")
    assert (v.printed, v.value, v.footnote) == ("890 delegates*", Decimal("890"), True)
    assert ct.values.get(year=2017, kind="actual").value == Decimal("1118")


def test_deliverable_values(plan):
    d = plan.deliverables
    one = d.get(number="1", parent__isnull=True)
    assert one.title == "Achieve budget savings of £6.235m for 2020/21" and one.lead == "Emma Alexander"
    assert one.in_council_plan is True
    five = d.get(number="5")
    assert five.end_printed == "June 2020 (Phase 2)" and five.in_council_plan is False
    assert five.council_priority == "Value for money/High-performing council services"
    six = d.get(number="6")
    assert six.lead == "" and [s.title for s in six.sub_actions.order_by("order")] == [
        "Corporate Property 2020 programme",
        "Library Services – implementation of the Libraries for Derbyshire Public Library Service Strategy",
        "Procurement – implementation of the Procurement Strategy 2018-21",
    ]
    cp = six.sub_actions.get(title="Corporate Property 2020 programme")
    assert (cp.lead, cp.start_printed, cp.end_printed) == ("Dave Massingham", "February 2019", "December 2020")
    assert cp.start == dt.date(2019, 2, 1) and cp.end == dt.date(2020, 12, 1)
    assert cp.success_measures == [
        "Partnership with PSP completed by February 2020",
        "New operating model in place and Phase1 externalisation by April 2020",
    ]
    lib = six.sub_actions.get(lead="Don Gibbs")
    assert lib.end_printed == "March 2024" and lib.start_printed == "January 2019"
    assert d.get(number="21").sub_actions.get().lead == "Emma Crapper"
    ten = d.get(number="10")
    assert ten.start_printed == "Start and completion dates are dependent upon national negotiations"
    assert ten.end_printed == "" and ten.start is None
    fifteen = d.get(number="15")
    assert fifteen.title.endswith("reduce the number of assets which are surplus to requirements")
    assert len(fifteen.success_measures) == 4 and (fifteen.src_start, fifteen.src_end) == (289, 292)
    assert d.get(number="17").title.endswith("working towards net zero carbon emissions in Derbyshire by 2050")
    assert d.get(number="28").lead == "Sarah Eaton / Julie Vollar (ASC&H)"
    assert d.get(number="46").lead == "Peter Handford/ Sarah Eaton"
    assert d.get(number="8").end_printed == "Ongoing"
    assert d.filter(parent__isnull=True, section="council", in_council_plan=True).count() == 18
    sec2 = d.filter(section="departmental")
    assert set(sec2.values_list("council_priority", flat=True)) == {"Protecting local people"}
    assert set(sec2.values_list("lead", flat=True)) == {"Don Gibbs"}


def test_procurement_values(plan):
    e = plan.procurement_entries
    gas = e.get(title="Supply of Gas")
    assert gas.value == Decimal("12250000.00") and gas.procurement_start == dt.date(2020, 2, 1)
    assert gas.group == "CCP Joint Corporate Projects"
    tox = e.get(title="Provision of Toxicology Services")
    assert tox.procurement_start_printed == "31/09/2020" and tox.procurement_start is None
    assert "September 2020 has 30 days" in tox.procurement_start_problem
    assert tox.group == "Legal Services" and tox.value == Decimal("360000")
    cabling = e.get(title__startswith="Replace ICT network cabinets")
    assert cabling.value_printed == "£84,000" and cabling.value == Decimal("84000")
    assert e.get(title="Thriving Communities").subgroup == "(a) Policy"
    apprent = e.get(title="Apprenticeship Providers (Dynamic Purchasing System) – 5-year contract")
    assert apprent.subgroup == "(c) Human Resources" and apprent.value == Decimal("7500000")
    framework = e.get(title__startswith="Construction and Alterations Framework / DPS")
    assert framework.value_printed == "TBA" and framework.value is None and framework.value_status == "tba"
    assert framework.procurement_start_printed == "TBA" and framework.procurement_start is None
    assert e.get(title="Asbestos Analytical and Bulk Sampling Services").value_status == "tbc"
    assert e.get(title="Ripley Junior School -Security Work").value == Decimal("50516.40")
    assert e.get(title="Banking Services").procurement_start == dt.date(2024, 1, 1)
    assert e.filter(procurement_start_printed="TBC").count() == 79
    total = sum((x.value or Decimal(0) for x in e.all()), Decimal(0))
    assert total == Decimal("187706152.40")
    (table,) = plan.procurement_tables.all()
    assert table.title == "Forward Plan of Procurement Projects – up to 31 March 2021" and len(table.notes) == 3


def test_savings_risks_values(plan):
    s = plan.savings.order_by("order")
    assert [(x.title, x.amount) for x in s[:2]] == [
        ("Administration and employee savings", Decimal("2081000")),
        ("Insurance reductions", Decimal("350000")),
    ]
    assert sum(x.amount for x in s) == Decimal("6235000")  # the printed total £6.235 million
    assert s.get(title="Derbyshire Record Office").description == "Opening hours and staffing levels will be reviewed."
    assert all(x.year == 2020 for x in s)
    r = plan.risks.order_by("order")
    assert [x.council_priority for x in r] == [
        "Value for money",
        "Prosperous and green Derbyshire",
        "Empowered and self-sufficient communities",
        "A focus on prevention and early intervention",
    ] + ["High performing and council services"] * 3
    assert r[1].description == "None" and r[1].mitigations == []
    assert r[6].description.startswith("Information governance, GDPR, cyber and social media")
    assert r[6].mitigations == [
        "Key mitigations include maintaining ISO 27001 accreditation, an ongoing programme "
        "of training and communication, and independent health checks and testing."
    ]
    h = {x.label: x for x in plan.budget_headlines.all()}
    # line 110 "an annual budget exceeding £59 million": a lower bound, no exact value (issue 14)
    assert (h["Annual budget 2020/21 (overview)"].printed, h["Annual budget 2020/21 (overview)"].value) == (
        "exceeding £59 million",
        None,
    )
    assert h["Department's budget for 2020/21"].value == Decimal("59625879")
    assert h["Total proposed budget savings 2020/21"].value == Decimal("6235000")


# --------------------------------------------------------------------------------------------------
# 3. Budget reconciliation
# --------------------------------------------------------------------------------------------------


def test_budget_cells_and_reconciliation(plan, doc):
    (table,) = plan.budget_tables.all()
    assert table.title == "Approved Controllable Budget 2020/21" and table.multiplier == 1
    columns = list(table.columns.order_by("order"))
    assert [c.label for c in columns] == cells(doc[431])[1:]
    rows = list(table.rows.order_by("order"))
    grid = {r.division: {c.column.label: c for c in r.cells.all()} for r in rows}
    # every printed cell equals the document's cell
    for r in rows:
        printed = cells(doc[r.src_start])
        assert printed[0] == r.division
        assert [grid[r.division][c.label].printed for c in columns] == printed[1:]
    assert grid["Property"]["Unallocated budget"].value == Decimal("-1041132")
    assert grid["Property"]["Controllable Recharges"].value == Decimal("8086303")
    assert grid["Strategic Management"]["Net Budget"].value == Decimal("-65199")
    assert grid["Legal and Democratic Services"]["Grants"].value == Decimal("-35550")
    # issue 14: no printed cell is altered to absorb rounding (this cell and the TOTAL cells once were)
    supplies = grid["Corporate Finance and ICT"]["Supplies and Services"]
    assert (supplies.printed_value, supplies.value, supplies.note) == (Decimal("9087456"), Decimal("9087456"), "")
    assert all(c.value == c.printed_value and not c.note for r in rows for c in r.cells.all())
    assert table.rounding == 1
    # each £1 is kept, with what the parts sum to beside the printed figure
    beside = {
        (r.division, c.column.label): (c.reconciling_check, c.value - c.reconciling)
        for r in rows
        for c in r.cells.all()
        if c.reconciling is not None
    }
    assert beside == {
        ("Corporate Finance and ICT", "Gross Budget"): ("categories", Decimal(1)),
        ("TOTAL", "Supplies and Services"): ("rows", Decimal(1)),
        ("TOTAL", "Unallocated budget"): ("rows", Decimal(1)),
        ("TOTAL", "Gross Budget"): ("rows", Decimal(1)),
        ("TOTAL", "Net Budget"): ("rows", Decimal(1)),
    }
    assert grid["TOTAL"]["Net Budget"].reconciling == Decimal("59625879")

    cats = [c.label for c in columns if c.role == "category"]
    plain = [r for r in rows if r.kind == "row"]
    (total,) = [r for r in rows if r.kind == "total"]
    for r in rows:
        g = grid[r.division]
        assert abs(sum(g[c].value for c in cats) - g["Gross Budget"].value) <= 1, r.division
        assert g["Gross Budget"].value + g["Income"].value + g["Grants"].value == g["Net Budget"].value, r.division
    for c in columns:
        assert abs(sum(grid[r.division][c.label].value for r in plain) - grid[total.division][c.label].value) <= 1
    # the rows' net sums to the figure the budget text prints, £1 less than the table's printed total
    printed_net = sum(grid[r.division]["Net Budget"].printed_value for r in plain)
    assert printed_net == Decimal("59625879") == grid["TOTAL"]["Net Budget"].printed_value - 1
