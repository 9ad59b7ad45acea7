"""Transcription tests for fixtures/ete-2020-21.yaml: Economy, Transport and Environment Service Plan
2017-2021, 2020/21 Update (source document 004_32cbf65b4b2ba88d.txt, lines 714-1318).

Counts are taken from the source text independently of the fixture (regex / line rules over the plan's
lines); where no mechanical rule works the count is a literal with a comment saying how it was counted."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings

SLUG = "ete-2020-21"
VFM = "Value for money"
PG = "A Prosperous and green Derbyshire"
DP = "Maintaining a safe and sustainable environment"


@pytest.fixture
def doc(plan):
    """The whole document as a list; doc[n] is line n (1-based), as `sed -n` counts."""
    path = settings.SOURCE_DOCUMENTS_DIR / plan.document
    return [""] + path.read_text(encoding="utf-8").splitlines()


def line_of(doc, text: str, after: int = 714) -> int:
    """The first line (from `after`, within the plan) whose text is exactly `text`."""
    for n in range(after, 1319):
        if doc[n].strip() == text:
            return n
    raise AssertionError(f"{text!r} not found")


def block(doc, start_text: str, end_text: str, after: int = 714) -> list[tuple[int, str]]:
    start = line_of(doc, start_text, after)
    end = line_of(doc, end_text, start + 1)
    return [(n, doc[n]) for n in range(start + 1, end)]


def cells(text: str) -> list[str]:
    return text.split("\t")


def money(text: str) -> Decimal:
    text = text.strip().replace(",", "")
    if not text:
        return Decimal(0)
    if text.startswith("("):
        return -Decimal(text[1:-1])
    return Decimal(text)


# --------------------------------------------------------------------------------------------------
# 1. Counts, from the document
# --------------------------------------------------------------------------------------------------


def test_plan_header(plan, doc):
    assert (plan.src_start, plan.src_end) == (714, 1318)
    assert doc[714] == "Economy, Transport and Environment"
    assert doc[716] == "Service Plan 2017-2021 2020/21 Update"
    assert plan.title == "Service Plan 2017-2021 2020/21 Update"
    assert plan.kind == "update"
    assert plan.period == "2017-2021"
    assert plan.financial_year == 2020
    assert plan.executive_director == "Mike Ashworth"
    assert plan.executive_director_title == "Executive Director – Economy, Transport and Environment"
    assert plan.date is None and plan.date_printed == ""
    # "DRAFT" printed on three of the plan's pages
    assert [n for n in range(714, 1319) if doc[n].strip() == "DRAFT"] == [799, 853, 1318]
    assert plan.status == "draft"
    assert doc[720] == "V1.0**"
    assert any("V1.0" in note for note in plan.notes)
    assert plan.department.slug == "economy-transport-environment"


def test_statement_counts(plan, doc):
    def count(kind):
        return plan.statements.filter(kind=kind).count()

    def dashes(start, end):
        return sum(1 for _, t in block(doc, start, end) if t.startswith("- "))

    # one sentence under "We will strive to be:" (line 738)
    assert count("ambition") == 1 and doc[738].startswith("An enterprising")
    assert count("value") == dashes("Council Values", "Council Outcomes") == 4
    assert count("outcome") == dashes("Council Outcomes", "Council Priorities for 2020-21") == 5
    assert count("council_priority") == dashes("Council Priorities for 2020-21", "Departmental Overview") == 5
    assert count("achievement") == dashes("Achievements during 2019-20", "Section One: Council Priorities") == 14
    # Overview: non-blank lines from the overview heading (769) to the first DRAFT marker, less the
    # sub-heading and less lines that continue a paragraph across a page break (lower-case start, 791).
    overview = [
        t
        for _, t in block(doc, "Departmental Overview", "DRAFT", after=768)
        if t.strip() and t.strip() != "Strategic Leadership and Management" and not t[0].islower()
    ]
    assert count("overview") == len(overview) == 12
    # Services: the bullets of the four division columns on line 809.
    assert count("service") == doc[809].count("\u2022") == 24
    assert count("departmental_priority") == 1  # the single Section Two heading (line 984)
    assert count("note") == 4  # lead-in sentences 835, 857, 982 and the procurement introduction 1055
    assert count("workforce_priority") == 0  # no workforce-priority list is printed


def test_divisions_and_workforce(plan, doc):
    assert plan.divisions.count() == len(re.findall(r"Director", doc[808])) == 4
    assert list(plan.divisions.values_list("name", flat=True)) == [
        "Economy and Regeneration",
        "Highways",
        "Environment",
        "Resources & Improvement",
    ]
    assert (
        plan.divisions.get(name="Environment").director == "Assistant Director (Interim) Environment CLAIRE BRAILSFORD"
    )
    (wf,) = plan.workforce.all()
    assert wf.division == "" and wf.headcount_printed == "over 730" and wf.headcount == Decimal(730)
    assert "over 730 staff" in doc[771]


def _section_one(doc):
    return block(doc, "Section One: Council Priorities", "Section Two: Departmental Priorities", after=854)


def test_deliverable_counts(plan, doc):
    # Section One action rows: six tab cells, a first cell that starts an action (not the header, not a
    # "- " sub-action, not blank or lower-case as a page-break continuation is).
    one = [
        (n, t)
        for n, t in _section_one(doc)
        if len(cells(t)) == 6
        and cells(t)[0].strip()
        and cells(t)[0] != "Actions"
        and not t.startswith("- ")
        and not t[0].islower()
    ]
    subs = [(n, t) for n, t in _section_one(doc) if t.startswith("- ") and "\t" in t]
    two_block = block(doc, "Section Two: Departmental Priorities", "Approved Controllable Budget", after=979)
    two = [(n, t) for n, t in two_block if t.startswith("<ul") and len(cells(t)) == 5]
    top = plan.deliverables.filter(parent__isnull=True)
    assert top.filter(section="council").count() == len(one) == 33
    assert top.filter(section="departmental").count() == len(two) == 15
    assert plan.deliverables.filter(parent__isnull=False).count() == len(subs) == 3
    assert plan.deliverables.count() == 51
    # the deliverables are stored in the printed order of their first lines
    assert [d.src_start for d in top.filter(section="council").order_by("order")] == [n for n, _ in one]
    assert [d.src_start for d in top.filter(section="departmental").order_by("order")] == [n for n, _ in two]
    # every council-priority heading of Section One with its action count
    by_priority = {
        p: top.filter(council_priority=p).count()
        for p in (VFM, PG, "Empowered and self-sufficient communities", "High performing council services", DP)
    }
    assert by_priority == {
        VFM: 6,
        PG: 25,
        "Empowered and self-sufficient communities": 1,
        "High performing council services": 1,
        DP: 15,
    }
    # ticks: the ✓ cells of Section One (main rows and sub-actions) are the true flags
    ticks = sum(1 for _, t in _section_one(doc) if len(cells(t)) == 6 and cells(t)[5].strip() == "\u2713")
    assert plan.deliverables.filter(in_council_plan=True).count() == ticks == 20


def _kpi_rows(doc):
    rows, inside = [], False
    for n in range(714, 1319):
        t = doc[n]
        if t.startswith("Description\tActual"):
            inside = True
            continue
        if inside and t.startswith("\t2017-18"):
            continue
        if inside and not t.strip():
            inside = False
            continue
        if inside:
            rows.append((n, t))
    return rows


def test_kpi_counts(plan, doc):
    rows = _kpi_rows(doc)
    assert all(len(cells(t)) == 5 for _, t in rows)
    assert plan.kpis.count() == len(rows) == 36
    assert [k.src_start for k in plan.kpis.order_by("order")] == [n for n, _ in rows]
    from kpis.models import KpiValue

    assert KpiValue.objects.filter(kpi__plan=plan).count() == 4 * len(rows) == 144
    assert plan.kpis.filter(section="departmental").count() == 5
    assert KpiValue.objects.filter(kpi__plan=plan, kind="target").count() == 37  # 36 + the "50% target" cell


def test_procurement_counts(plan, doc):
    heads = [n for n in range(1053, 1273) if doc[n].startswith("Forward Plan of Procurements (")]
    assert heads == [1057, 1107, 1165]
    bounds = heads + [1273]
    counts = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        counts.append(
            sum(1 for n in range(a + 1, b) if len(cells(doc[n])) == 3 and not doc[n].startswith("Contract Title"))
        )
    tables = list(plan.procurement_tables.order_by("order"))
    assert [t.entries.count() for t in tables] == counts == [42, 50, 97]
    assert plan.procurement_entries.count() == 189
    assert [t.band for t in tables] == [doc[n][len("Forward Plan of Procurements ") :] for n in heads]


def test_savings_risks_budget_counts(plan, doc):
    savings = [t for _, t in block(doc, "Budget savings", "Key Departmental Risks") if len(cells(t)) == 3]
    assert plan.savings.count() == len(savings) == 6
    risk_rows = [
        t
        for _, t in block(doc, "Key Departmental Risks", "Achievements during 2019-20")
        if len(cells(t)) == 3 and not t.startswith("Priority\t")
    ]
    # a row with <p> paragraphs holds one risk per paragraph
    assert plan.risks.count() == sum(max(1, cells(t)[1].count("<p>")) for t in risk_rows) == 7
    tables = list(plan.budget_tables.order_by("order"))
    assert [t.title for t in tables] == [
        "Approved Controllable Budget",
        "Vehicle Replacement Programme 2020-2021",
        "Waste Management Service Capital Programme 2020-2021",
        "Derelict Land Reclamation and Regeneration Capital Programme 2020-2021",
        "Derelict Land Reclamation and Regeneration Capital Programme 2020-2021 (funding lines)",
    ]
    controllable = [
        t
        for _, t in block(
            doc,
            "Approved Controllable Budget",
            "Forward Plan of Procurement Projects – up to 31 March 2022",
            after=1017,
        )
        if len(cells(t)) == 11 and cells(t)[1].strip() and not t.startswith("Service Area")
    ]
    assert tables[0].rows.count() == len(controllable) == 25
    vehicles = [n for n in range(1276, 1296) if len(cells(doc[n])) == 9 and not doc[n].startswith("User\t")]
    assert tables[1].rows.count() == len(vehicles) == 17
    assert tables[2].rows.count() == 1
    # Appendix E: lines with a figure in the five figure columns (1307 only continues 1306's row)
    derelict = [n for n in range(1305, 1317) if any(re.search(r"\d", c) for c in (cells(doc[n]) + [""] * 8)[2:7])]
    assert len(derelict) == 9
    assert tables[3].rows.count() + tables[4].rows.count() == len(derelict)
    assert (tables[3].rows.count(), tables[4].rows.count()) == (6, 3)
    assert plan.budget_headlines.count() == 2
    # 30/02/2023 (procurement) + £76.4m vs Appendix A net + two Appendix E funding-text discrepancies
    assert plan.discrepancies.count() == 4


# --------------------------------------------------------------------------------------------------
# 2. Exact values
# --------------------------------------------------------------------------------------------------


def kv(plan, key, year, kind=None):
    kpi = plan.kpis.get(key=key)
    qs = kpi.values.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    (value,) = qs
    return value


def test_kpi_values(plan):
    v = kv(plan, "budget-savings-achieved", 2017)
    assert (v.printed, v.value, v.kind) == ("£4.457m", Decimal("4457000"), "actual")
    v = kv(plan, "budget-savings-achieved", 2019)
    assert (v.printed, v.value, v.kind) == ("£737,000", Decimal("737000"), "latest")
    v = kv(plan, "budget-savings-achieved", 2020)
    assert (v.printed, v.target_kind, v.target_value) == ("£1.576m", "number", Decimal("1576000"))
    v = kv(plan, "sickness-absence-days", 2018)
    assert (v.printed, v.value, v.unit) == ("11.02 days", Decimal("11.02"), "days")
    assert kv(plan, "sickness-absence-days", 2020).target_kind == "none"
    assert kv(plan, "sickness-absence-days", 2020).target_reason == "monitor"
    v = kv(plan, "external-funding-secured", 2017)
    assert (v.printed, v.value) == ("£80m", Decimal("80000000"))
    v = kv(plan, "external-funding-secured", 2019)
    assert (v.printed, v.value) == ("£9,601,992", Decimal("9601992"))
    v = kv(plan, "businesses-supported-to-export", 2017)
    assert (v.printed, v.status, v.value) == ("n/a", "not_applicable", None)
    v = kv(plan, "dvm-visitors", 2019)
    assert (v.printed, v.value, v.as_at) == ("514,574 as at Sep 2019", Decimal("514574"), dt.date(2019, 9, 1))
    v = kv(plan, "strategy-growth-projects-on-track", 2017)
    assert (v.printed, v.value, v.as_at) == ("71.4% as at Dec 17", Decimal("71.4"), dt.date(2017, 12, 1))
    v = kv(plan, "markham-vale-land-occupied", 2020)
    assert (v.printed, v.target_kind, v.target_value) == ("82.0%", "number", Decimal("82.0"))
    v = kv(plan, "markham-vale-jobs-created", 2018)
    assert (v.printed, v.value) == ("2,236", Decimal("2236"))
    v = kv(plan, "fibre-enabled-premises", 2020)
    assert (v.printed, v.target_kind, v.target_reason) == ("tbc", "none", "tbc")
    v = kv(plan, "fibre-take-up-percent", 2020)
    assert (v.printed, v.target_kind, v.target_reason) == ("", "none", "not_set")
    v = kv(plan, "principal-roads-maintenance", 2019)
    assert (v.printed, v.value, v.footnote) == ("13%*", Decimal("13"), True)
    assert plan.kpis.get(key="principal-roads-maintenance").footnotes == ["*revised methodology introduced 2019-20"]
    v = kv(plan, "killed-seriously-injured", 2019)
    assert (v.printed, v.value, v.as_at) == ("172 as at June 2019", Decimal("172"), dt.date(2019, 6, 1))
    v = kv(plan, "council-ghg-reduction", 2019)
    assert (v.kind, v.printed, v.column, v.target_kind, v.target_value) == (
        "target",
        "50% target",
        "Latest 2019-20",
        "number",
        Decimal("50"),
    )
    v = kv(plan, "household-waste-reuse-recycling", 2017)
    assert (v.printed, v.value) == ("48.2%", Decimal("48.2"))
    v = kv(plan, "flood-planning-responses-21-days", 2019)
    assert (v.printed, v.value) == ("42%", Decimal("42"))
    v = kv(plan, "dvm-external-funding", 2020)
    assert (v.printed, v.target_value) == ("55,000", Decimal("55000"))
    assert plan.kpis.get(key="complaints").description == "Monitored customer complaints"
    assert plan.kpis.get(key="municipal-waste-landfilled").higher_is_better is False


def test_deliverable_values(plan):
    top = plan.deliverables.filter(parent__isnull=True)
    d = top.get(src_start=862)
    assert (d.title, d.lead, d.start_printed, d.end_printed, d.in_council_plan) == (
        "Achieved budget savings of £46.8m",
        "Angela Glithero",
        "March 2019",
        "March 2022",
        True,
    )
    assert d.start == dt.date(2019, 3, 1) and d.start_precision == "month"
    assert d.success_measures == ["Deliver £1.576m savings target by March 2021"]
    parent = top.get(src_start=864)
    assert parent.in_council_plan is None
    assert [(s.title, s.lead, s.end_printed, s.in_council_plan) for s in parent.sub_actions.order_by("order")] == [
        ("Highways review", "Geoff Pickford", "March 2021", True),
        ("Countryside services review", "Claire Brailsford", "July 2020", True),
        ("County Transport", "Angela Glithero", "March 2021", False),
    ]
    d = top.get(src_start=898)
    assert d.src_end == 901
    assert d.success_measures == ["Festival programme implemented attracting more national and international visitors"]
    d = top.get(src_start=908)
    assert d.title.endswith(
        "developing improvement plans for priority service areas and identifying commercialisation opportunities"
    )
    d = top.get(src_start=916)
    assert d.end_printed == "March 2021 and ongoing to deliverable deadline of 2032"
    assert (
        len(d.success_measures) == 3
        and d.success_measures[2] == "Key projects to reduce emissions are being progressed"
    )
    d = top.get(src_start=895)
    assert (d.start_printed, d.end_printed, d.start) == ("Markham 2006 Coalite 2017", "2023 2030", None)
    d = top.get(src_start=888)
    assert (d.end_printed, d.end, d.end_precision) == ("2037", dt.date(2037, 1, 1), "year")
    d = top.get(src_start=961)
    assert (d.lead, d.start_printed, d.council_priority) == (
        "Andy Marsh",
        "To be confirmed",
        "Empowered and self-sufficient communities",
    )
    d = top.get(src_start=966)
    assert d.success_measures[-1] == "Pioneered new methods of obtaining customer feedback"
    d = top.get(src_start=992)
    assert d.title.endswith("culverted/piped watercourse/land drainage network across Derbyshire")
    assert (d.section, d.council_priority, d.in_council_plan) == ("departmental", DP, None)
    d = top.get(src_start=997)
    assert (d.lead, d.start_printed, d.end_printed) == ("Geoff Pickford/Joe Battye", "", "Ongoing")
    d = top.get(src_start=1006)
    assert (d.lead, d.start_printed, d.end_printed) == ("Angela Glithero", "December 2018", "December 2020")


def test_deliverable_cells_match_print(plan, doc):
    """Single-line rows: title, lead, dates and the success measures (joined) equal the printed cells with
    bullets and tags removed."""

    def clean(cell):
        cell = re.sub(r"<ul[^>]*>", " ", cell).replace("\u2022", " ")
        return re.sub(r"\s+", " ", cell).strip()

    checked = 0
    for d in plan.deliverables.all():
        if d.src_end != d.src_start:
            continue
        c = cells(doc[d.src_start])
        title = clean(c[0])
        title = title[2:] if title.startswith("- ") else title
        assert (d.title, d.lead, d.start_printed, d.end_printed) == (title, clean(c[1]), clean(c[2]), clean(c[3]))
        assert " ".join(d.success_measures) == clean(c[4]), d.src_start
        checked += 1
    assert checked == 51 - 6  # six records join lines across page breaks (864-867 parent, 898, 908, 916, 966, 992)


def test_procurement_values(plan, doc):
    e = plan.procurement_entries.get(src_start=1060)
    assert (e.title, e.value_printed, e.value, e.contract_start) == (
        "Dam Brook, Breadsall Flood Alleviation Scheme (Design and Construction)",
        "£30,000",
        Decimal("30000"),
        dt.date(2020, 8, 1),
    )
    e = plan.procurement_entries.get(src_start=1172)
    assert (e.value, e.contract_start) == (Decimal("28000000"), dt.date(2021, 1, 1))
    e = plan.procurement_entries.get(src_start=1240)
    assert (e.value, e.contract_start_printed) == (Decimal("100000000"), "01/04/2021")
    e = plan.procurement_entries.get(src_start=1256)
    assert (e.contract_start_printed, e.contract_start) == ("30/02/2023", None)
    assert "not a real date" in e.contract_start_problem
    e = plan.procurement_entries.get(src_start=1188)
    assert (e.value, e.contract_start_printed, e.contract_start) == (
        Decimal("17000000"),
        "2019 - 2022",
        dt.date(2019, 1, 1),
    )
    e = plan.procurement_entries.get(src_start=1115)
    assert (e.value, e.contract_start_printed, e.contract_start) == (Decimal("100000"), "unknown", None)
    e = plan.procurement_entries.get(src_start=1270)
    assert (e.title, e.value_printed, e.value, e.value_status) == ("DHART Project – Traffic Signals", "", None, "blank")
    e = plan.procurement_entries.get(src_start=1147)
    assert (e.value_printed, e.value) == ("£59,982", Decimal("59982"))
    e = plan.procurement_entries.get(src_start=1216)
    assert (e.value, e.contract_start) == (Decimal("1329774"), dt.date(2021, 1, 1))
    # every row's printed value and date equal the document's cells
    for e in plan.procurement_entries.all():
        c = cells(doc[e.src_start])
        assert (e.title, e.value_printed, e.contract_start_printed) == (c[0].strip(), c[1].strip(), c[2].strip())


def test_savings_risks_values(plan):
    savings = list(plan.savings.order_by("order"))
    assert [(s.title, s.amount) for s in savings] == [
        ("Waste", Decimal("230000")),
        ("Public Transport", Decimal("450000")),
        ("Countryside Service", Decimal("400000")),
        ("Staffing", Decimal("258000")),
        ("b_line", Decimal("88000")),
        ("Digital Derbyshire", Decimal("150000")),
    ]
    assert all(s.year == 2020 for s in savings)
    headline = plan.budget_headlines.get(label="Savings total 2020-21")
    assert headline.value == Decimal("1576000") == sum(s.amount for s in savings)
    # line 771 "an annual revenue budget exceeding £76.4 million": a lower bound, no exact value (issue 14)
    bound = plan.budget_headlines.get(label="Annual revenue budget (overview)")
    assert (bound.printed, bound.value) == ("exceeding £76.4 million", None)
    risks = list(plan.risks.order_by("order"))
    assert [r.council_priority for r in risks] == [
        "Value for money",
        "Prosperous and green Derbyshire",
        "Prosperous and green Derbyshire",
        "Prosperous and green Derbyshire",
        "Empowered and self-sufficient communities",
        "A focus on prevention and early intervention",
        "High performing and council services",
    ]
    assert risks[0].description == "None identified" and risks[0].mitigations == []
    assert risks[3].description.startswith("Ash dieback - Serious injury")
    assert risks[3].mitigations[0].startswith("The Countryside Service is initiating a programme")


# --------------------------------------------------------------------------------------------------
# 3. Budget tables: cells and reconciliation
# --------------------------------------------------------------------------------------------------


def grid(table):
    """{division/src: [values...]} and the column roles, from the database."""
    cols = list(table.columns.order_by("order"))
    rows = []
    for row in table.rows.order_by("order"):
        by_col = {c.column_id: c for c in row.cells.all()}
        rows.append((row, [by_col[c.id] for c in cols]))
    return cols, rows


def test_controllable_budget(plan, doc):
    table = plan.budget_tables.get(kind="controllable")
    assert (table.unit, table.multiplier) == ("£'000", 1000)
    cols, rows = grid(table)
    assert [c.role for c in cols] == ["category"] * 7 + ["gross", "income", "net"]
    # cells equal the printed figures x 1000
    for row, cs in rows:
        printed = cells(doc[row.src_start])
        assert printed[0].strip() == row.division
        assert [c.printed for c in cs] == [p.strip() for p in printed[1:]]
        assert [c.value for c in cs] == [money(p) * 1000 for p in printed[1:]]
    body = [(r, cs) for r, cs in rows if r.kind == "row"]
    (total,) = [(r, cs) for r, cs in rows if r.kind == "total"]
    for row, cs in rows:
        v = [c.value for c in cs]
        assert sum(v[:7]) == v[7], row.division  # categories = gross
        assert v[7] + v[8] == v[9], row.division  # gross + income = net
    for k in range(len(cols)):
        assert sum(cs[k].value for _, cs in body) == total[1][k].value
    assert total[1][9].value == Decimal("76285000")
    assert total[1][7].value == Decimal("93579000")
    fleet = table.rows.get(division="Fleet Services")
    assert (fleet.group, [c.value for c in fleet.cells.order_by("column__order")][6]) == (
        "Resources and Improvement",
        Decimal("-3616000"),
    )
    groups = {}
    for r, _ in body:
        groups[r.group] = groups.get(r.group, 0) + 1
    assert groups == {
        "": 1,
        "Economy and Regeneration": 8,
        "Environment": 3,
        "Highways": 6,
        "Resources and Improvement": 6,
    }
    assert not table.rows.filter(kind="subtotal").exists()  # none printed


def test_vehicle_replacement(plan, doc):
    table = plan.budget_tables.get(title="Vehicle Replacement Programme 2020-2021")
    cols, rows = grid(table)
    body = [(r, [c.value for c in cs]) for r, cs in rows if r.kind == "row"]
    (total,) = [[c.value for c in cs] for r, cs in rows if r.kind == "total"]
    for row, v in body:
        qty, cost, capital, charge, annual = v[0], v[3], v[4], v[5], v[6]
        assert qty * cost == capital and qty * charge == annual, row.src_label
        printed = cells(doc[row.src_start])
        assert (row.group, row.division) == (printed[0], printed[3])
    assert total[0] == sum(v[0] for _, v in body) == Decimal(58)
    assert total[4] == sum(v[4] for _, v in body) == Decimal(2512000)
    assert total[6] == sum(v[6] for _, v in body) == Decimal(535500)
    gritter = table.rows.get(division="HGV 18t Gritter and Snow Plough")
    assert [c.value for c in gritter.cells.order_by("column__order")] == [
        Decimal(7),
        Decimal(10),
        Decimal(10),
        Decimal(110000),
        Decimal(770000),
        Decimal(23500),
        Decimal(164500),
    ]


def test_capital_programmes(plan):
    waste = plan.budget_tables.get(title="Waste Management Service Capital Programme 2020-2021")
    (row,) = waste.rows.all()
    (cell,) = row.cells.all()
    assert (row.division, cell.printed, cell.value) == (
        "Closed Landfill Flare Replacement Programme",
        "£60,000",
        Decimal(60000),
    )
    derelict = plan.budget_tables.get(title="Derelict Land Reclamation and Regeneration Capital Programme 2020-2021")
    cols, rows = grid(derelict)
    body = [(r, [c.value for c in cs]) for r, cs in rows if r.kind == "row"]
    (sub,) = [[c.value for c in cs] for r, cs in rows if r.kind == "total"]
    for row, v in body:
        works, design, total = (x or Decimal(0) for x in v[1:4])
        assert works + design == total, row.division
    for k in (1, 2, 3, 4):
        assert sum((v[k] or Decimal(0)) for _, v in body) == sub[k]
    assert sub[1:] == [Decimal(125549), Decimal(11000), Decimal(136549), Decimal(135000)]
    assert derelict.rows.get(division="Markham Vale").cells.get(column__label="Total Scheme Cost (£)").value == Decimal(
        41350000
    )
    funding = plan.budget_tables.get(title__endswith="(funding lines)")
    values = {r.division: r.cells.get(column__label="Total").value for r in funding.rows.all()}
    assert values == {
        "Others / Private": Decimal(116549),
        "DCC Capital Receipt": Decimal(2385000),
        "TOTAL NET": Decimal(2501549),
    }
    assert values["Others / Private"] + values["DCC Capital Receipt"] == values["TOTAL NET"]
