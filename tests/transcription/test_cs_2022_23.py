"""Transcription checks for fixtures/cs-2022-23.yaml (Children's Services Service Plan 2021-25,
2022-23 Refresh; source 000_1696c8c63c149500.txt, lines 1-449).

Counts are taken from the source text itself (regex / line rules over the plan's lines), never from the
fixture, so a dropped or duplicated record fails here."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings

from budgets.models import BudgetCell, BudgetHeadline, BudgetTable, Saving, ServicePressure
from kpis.models import Kpi, KpiValue
from plans.models import Deliverable, Discrepancy, Division, Risk, Workforce
from procurement.models import ProcurementEntry, ProcurementTable

SLUG = "cs-2022-23"
REF_RE = re.compile(r"^(?:C[PS]-\d\d)(?: C[PS]-\d\d)*\t")
KPI_HEADER = "Key Performance Measure\tActual 2019-2020"
YEAR_RE = re.compile(r"\d{4}/\d{2}|autumn term \d{4}")


def lines(plan) -> list[str]:
    """The document's lines, 1-based (index 0 is a placeholder)."""
    text = (settings.SOURCE_DOCUMENTS_DIR / plan.document).read_text(encoding="utf-8")
    return [""] + text.splitlines()


def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("\u2022", " ").replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def bullets(doc: list[str], start: int, end: int) -> int:
    return sum(1 for i in range(start, end + 1) if doc[i].startswith("- "))


def kpi_lines(doc: list[str]) -> list[int]:
    """Rows of the KPI tables: 7 tab-separated cells, after a KPI header, before the next non-KPI header."""
    rows, in_kpi = [], False
    for i in range(1, len(doc)):
        line = doc[i]
        if line.startswith(KPI_HEADER):
            in_kpi = True
            continue
        if line.startswith("Ref\t") or line.startswith("Division\t") or line.startswith("Contract Title\t"):
            in_kpi = False
        if in_kpi and line.count("\t") == 6 and not line.startswith("\t"):
            rows.append(i)
    return rows


def values_in_cell(cell: str) -> int:
    """How many year-values one printed KPI cell holds: one per year named in it, plus a leading figure
    whose own year is the column's ('83.6% (90.5% 2018/19)')."""
    cell = clean(cell)
    years = len(YEAR_RE.findall(cell))
    n = years if years > 1 else 1
    if re.match(r"^[\d.]+%\s*\([\d.]+%", cell):
        n += 1
    return n


# ------------------------------------------------------------------------------------------------ counts


@pytest.mark.django_db
def test_plan_header(plan):
    doc = lines(plan)
    assert plan.title == doc[5] == "Service Plan 2021-25 (2022-23 Refresh)"
    assert plan.executive_director == doc[9] == "Carol Cammiss"
    assert plan.executive_director_title == "Executive Director"
    assert plan.kind == "refresh" and plan.period == "2021-25" and plan.financial_year == 2022
    assert plan.department.slug == "childrens-services"
    # "Working Draft" / "Working" page markers -> draft
    assert doc[253] == "Working Draft" and doc[354] == doc[450] == "Working" and plan.status == "draft"
    # the file has 450 lines (the last, "Working", has no line break); the plan is briefed as 1-449
    assert (plan.src_start, plan.src_end) == (1, 449) and len(doc) - 1 == 450


@pytest.mark.django_db
def test_statement_counts(plan):
    doc = lines(plan)
    counts = Counter(plan.statements.values_list("kind", flat=True))
    assert counts["ambition"] == 1
    assert counts["value"] == bullets(doc, 28, 37) == 5
    assert counts["outcome"] == bullets(doc, 38, 48) == 5
    assert counts["council_priority"] == bullets(doc, 49, 57) == 4
    assert counts["vision"] == 1
    # overview: paragraphs of the Departmental Overview (lines 59-92) start with a capital letter; line 62
    # (the vision, in quotes) and line 72 (a paragraph continued after a page break) do not. Plus the
    # intro paragraphs of Achievements (99) and Workforce Priorities (139, 146), counted by hand.
    overview = sum(1 for i in range(59, 93) if doc[i].strip() and doc[i].strip()[0].isupper())
    assert counts["overview"] == overview + 3 == 17
    # achievements: bullets 99-126 (two are continued after page breaks on lines 108 and 120 without "- ")
    assert counts["achievement"] == bullets(doc, 97, 126) == 19
    assert counts["departmental_priority"] == bullets(doc, 127, 136) == 5
    assert counts["workforce_priority"] == bullets(doc, 146, 179) == 16
    # notes on tables content: "Label: text" lines 279-290; plus, by hand, the section lead-ins (207, 358),
    # the two table keys (352, 380), the procurement intro (397) and the risks intro (438).
    notes_content = sum(1 for i in range(279, 291) if re.match(r"^[A-Z][A-Za-z ]+: ", doc[i]))
    assert plan.statements.filter(kind="note", group="Notes on tables content").count() == notes_content == 6
    assert counts["note"] == notes_content + 6
    assert plan.statements.count() == 85


@pytest.mark.django_db
def test_workforce_priorities_grouped(plan):
    doc = lines(plan)
    headings = [doc[i].rstrip(":") for i in (148, 154, 160, 169, 174)]
    groups = list(dict.fromkeys(plan.statements.filter(kind="workforce_priority").values_list("group", flat=True)))
    assert groups == headings
    per_group = Counter(plan.statements.filter(kind="workforce_priority").values_list("group", flat=True))
    assert [per_group[h] for h in headings] == [3, 3, 5, 2, 3]


@pytest.mark.django_db
def test_divisions_and_workforce(plan):
    doc = lines(plan)
    rows = [m for i in range(139, 146) if (m := re.match(r"^- (.+) - (\d+)$", doc[i]))]
    assert Division.objects.filter(plan=plan).count() == len(rows) == 4
    assert Workforce.objects.filter(plan=plan).count() == len(rows) + 1
    for m in rows:
        w = Workforce.objects.get(plan=plan, division=m.group(1))
        assert w.headcount_printed == m.group(2) and w.headcount == Decimal(m.group(2))
    total = Workforce.objects.get(plan=plan, division="")
    assert total.headcount_printed == "approximately 4,400" and total.headcount == Decimal("4400")
    assert Workforce.objects.get(plan=plan, division="Schools and Learning").headcount == Decimal("2366")


@pytest.mark.django_db
def test_deliverable_counts(plan):
    doc = lines(plan)
    council = [i for i in range(205, 356) if REF_RE.match(doc[i])]
    departmental = [i for i in range(356, 450) if REF_RE.match(doc[i])]
    assert Deliverable.objects.filter(plan=plan, section="council").count() == len(council) == 24
    assert Deliverable.objects.filter(plan=plan, section="departmental").count() == len(departmental) == 3
    printed_refs = [r for i in council + departmental for r in doc[i].split("\t")[0].split()]
    stored_refs = [r for d in Deliverable.objects.filter(plan=plan).order_by("order") for r in d.refs]
    assert stored_refs == printed_refs
    # each deliverable starts on the line of its ref
    for d in Deliverable.objects.filter(plan=plan):
        assert doc[d.src_start].split("\t")[0].split() == d.refs


@pytest.mark.django_db
def test_deliverables_by_council_priority(plan):
    doc = lines(plan)
    headings = {209: doc[209], 218: doc[218], 255: doc[255], 268: doc[268]}
    bounds = sorted(headings) + [356]
    for start, end in zip(bounds, bounds[1:], strict=False):
        n = sum(1 for i in range(start, end) if REF_RE.match(doc[i]))
        assert Deliverable.objects.filter(plan=plan, council_priority=headings[start]).count() == n
    assert [Deliverable.objects.filter(plan=plan, council_priority=h).count() for h in headings.values()] == [
        3,
        13,
        5,
        3,
    ]


@pytest.mark.django_db
def test_kpi_counts(plan):
    doc = lines(plan)
    rows = kpi_lines(doc)
    assert Kpi.objects.filter(plan=plan).count() == len(rows) == 55
    assert Kpi.objects.filter(plan=plan, section="council").count() == sum(1 for i in rows if i < 356) == 46
    assert Kpi.objects.filter(plan=plan, section="departmental").count() == sum(1 for i in rows if i > 356) == 9
    expected_values = sum(values_in_cell(cell) for i in rows for cell in doc[i].split("\t")[1:])
    assert KpiValue.objects.filter(kpi__plan=plan).count() == expected_values == 355
    for kpi in Kpi.objects.filter(plan=plan):
        cells = doc[kpi.src_start].split("\t")
        assert kpi.description == clean(cells[0])
        assert kpi.values.count() == sum(values_in_cell(c) for c in cells[1:])
        # single-value cells are stored exactly as printed (HTML removed)
        single = [(j, clean(c)) for j, c in enumerate(cells[1:]) if values_in_cell(c) == 1]
        stored = list(kpi.values.filter(column="").order_by("order").values_list("printed", flat=True))
        assert stored == [c for _, c in single]


@pytest.mark.django_db
def test_budget_counts(plan):
    doc = lines(plan)
    pressure_lines = [i for i in range(184, 201) if doc[i].startswith("- ")]
    assert ServicePressure.objects.filter(plan=plan).values("title").distinct().count() == len(pressure_lines) == 14
    assert ServicePressure.objects.filter(plan=plan).count() == sum(doc[i].count("£") for i in pressure_lines) == 18
    assert Saving.objects.filter(plan=plan).count() == bullets(doc, 201, 204) == 1
    # headlines, counted by hand: budget total (182), four service-pressure totals (184), savings total (201)
    assert BudgetHeadline.objects.filter(plan=plan).count() == 6
    table = BudgetTable.objects.get(plan=plan)
    body = [i for i in range(386, 395) if "\t£" in doc[i]]
    assert table.rows.count() == len(body) == 7
    assert table.columns.count() == doc[386].count("\t") == 12
    assert BudgetCell.objects.filter(row__table=table).count() == 7 * 12
    # the budget table's seven rounding differences (3 rows, 4 columns), recorded by the loader; no cell
    # is repaired in this plan
    assert Discrepancy.objects.filter(plan=plan).count() == 7
    assert Discrepancy.objects.filter(plan=plan, note__contains="rounding in the printed figures").count() == 7


@pytest.mark.django_db
def test_procurement_and_risk_counts(plan):
    doc = lines(plan)
    entry = re.compile(r"^[^\t]+\t£[\d,.]+\t\d{2}/\d{2}/\d{4}\t\d{2}/\d{2}/\d{4}$")
    one = [i for i in range(399, 409) if entry.match(doc[i])]
    two = [i for i in range(409, 434) if entry.match(doc[i])]
    tables = list(ProcurementTable.objects.filter(plan=plan).order_by("order"))
    assert [t.entries.count() for t in tables] == [len(one), len(two)] == [4, 18]
    assert [e.src_start for e in ProcurementEntry.objects.filter(plan=plan).order_by("order")] == one + two
    risk_rows = [i for i in range(436, 450) if doc[i].count("\t") == 4 and not doc[i].startswith("Risk\t")]
    assert Risk.objects.filter(plan=plan).count() == len(risk_rows) == 4
    for risk in Risk.objects.filter(plan=plan):
        assert len(risk.mitigations) == doc[risk.src_start].count("\u2022")


# ------------------------------------------------------------------------------------------------ values


def value(plan, key: str, year: int, kind: str, column: str = "") -> KpiValue:
    return KpiValue.objects.get(kpi__plan=plan, kpi__key=key, year=year, kind=kind, column=column)


@pytest.mark.django_db
def test_deliverable_values(plan):
    d = Deliverable.objects.get(plan=plan, key="CP-25 CP-29 CP-32")
    assert d.refs == ["CP-25", "CP-29", "CP-32"] and d.lead == "Executive Director"
    assert (d.start_printed, d.start, d.end_printed, d.end) == (
        "Apr 2021",
        dt.date(2021, 4, 1),
        "Mar 2025",
        dt.date(2025, 3, 1),
    )
    assert d.success_measures[-1] == (
        "Further opportunities to transform, modernise, innovate and collaborate "
        "identified for Phase 3 of the Enterprising Council programme"
    )
    assert len(d.success_measures) == 6 and (d.src_start, d.src_end) == (238, 241)

    d = Deliverable.objects.get(plan=plan, key="CP-38")
    assert d.title == "Improved the quality of support to children and families with domestic abuse needs"
    assert d.lead == "Director of Early Help and Safeguarding"
    assert d.success_measures[0] == (
        "Decrease in percentage of specialist domestic abuse interventions that cease through lack of engagement"
    )
    assert d.outcome == (
        "Reduced risks to children from domestic abuse, so that fewer children supported by "
        "social workers need to be taken into care"
    )

    assert Deliverable.objects.get(plan=plan, key="CP-15").lead == "Director for Early Help and Safeguarding"
    d = Deliverable.objects.get(plan=plan, key="CS-01")
    assert (d.lead, d.end_printed, d.end) == ("Head of Commissioning", "Sep 2024", dt.date(2024, 9, 1))
    d = Deliverable.objects.get(plan=plan, key="CP-21")
    assert len(d.success_measures) == 4 and d.success_measures[3].startswith("Fewer children will go missing")
    d = Deliverable.objects.get(plan=plan, key="CP-19 CP-20")
    assert d.lead == "Director of Performance, Quality and Partnerships"
    assert d.resources == ["Existing budget & resources", "Channel Shift programme"]
    assert d.interdependencies[-1] == (
        "Effective and timely implementation of customer relationship management system (Granicus)"
    )
    d = Deliverable.objects.get(plan=plan, key="CP-34")
    assert d.resources == ["W4E Recovery Grant"] and d.interdependencies == []
    d = Deliverable.objects.get(plan=plan, key="CS-07")
    assert d.section == "departmental" and len(d.interdependencies) == 4
    assert d.outcome == "School placements that meet the changing needs of Derbyshire's residents"


@pytest.mark.django_db
def test_kpi_values(plan):
    v = value(plan, "assessments-within-45-days", 2021, "latest")
    assert (v.printed, v.value, v.as_at) == ("89.6% (Dec 21)", Decimal("89.6"), dt.date(2021, 12, 1))
    v = value(plan, "social-worker-caseload", 2022, "target")
    assert (v.printed, v.target_kind, v.target_low, v.target_high) == ("15-20", "range", 15, 20)
    assert value(plan, "social-worker-caseload", 2021, "target").printed == "15-21"
    v = value(plan, "social-worker-vacancies-front-facing", 2022, "target")
    assert (v.target_kind, v.comparator, v.target_value) == ("comparator", "lt", Decimal("17"))
    v = value(plan, "reflective-case-reviews-good", 2023, "target")
    assert (v.printed, v.comparator, v.target_value, v.maintain) == ("Maintain >70%", "gt", 70, True)
    v = value(plan, "children-missing", 2021, "target")
    assert (v.printed, v.comparator, v.target_value) == ("Less than 380", "lt", Decimal("380"))
    v = value(plan, "children-missing", 2022, "target")
    assert (v.target_kind, v.direction) == ("trend", "decrease")
    assert value(plan, "missing-episodes", 2021, "latest").value == Decimal("1211")
    assert value(plan, "foster-carer-children", 2021, "latest").value == Decimal("319")
    assert value(plan, "foster-carer-children", 2019, "actual").value == Decimal("388")
    v = value(plan, "social-workers-agency", 2021, "latest")
    assert (v.printed, v.value, v.provisional) == ("7.1 (P)", Decimal("7.1"), True)
    v = value(plan, "social-worker-vacancies", 2019, "actual")
    assert (v.value, v.as_at) == (Decimal("14.9"), dt.date(2020, 9, 30))
    v = value(plan, "primary-good-schools-improvement", 2019, "actual")
    assert (v.value, v.unit, v.as_at) == (Decimal("1.6"), "pp", dt.date(2020, 8, 1))
    assert value(plan, "secondary-good-schools-improvement", 2019, "actual").value == Decimal("-3.0")
    assert value(plan, "ld-adults-own-home", 2021, "latest").status == "awaiting_data"
    assert value(plan, "pause-no-further-proceedings", 2021, "latest").status == "not_available"
    v = value(plan, "neet-not-known-16-17", 2022, "target")
    assert (v.target_kind, v.benchmark, v.maintain) == ("benchmark", "top_quartile", True)
    assert value(plan, "gcse-gap-cic", 2021, "target").target_value == Decimal("42")
    assert value(plan, "grey-fleet-carbon", 2019, "actual").value == Decimal("1124")
    assert value(plan, "budget-savings-achieved", 2020, "actual").value == Decimal("38.2")


@pytest.mark.django_db
def test_multi_year_cells_split(plan):
    col = "Actual 2019-2020"
    phonics = {
        v.year: v for v in KpiValue.objects.filter(kpi__plan=plan, kpi__key="phonics-expected-level", column=col)
    }
    assert sorted(phonics) == [2017, 2018, 2019]
    assert phonics[2019].printed == "75.1% (2019/20 – not comparable)" and phonics[2019].value == Decimal("75.1")
    assert phonics[2018].value == Decimal("80.0") and phonics[2017].value == Decimal("81.0")
    ks5 = {v.year: v for v in KpiValue.objects.filter(kpi__plan=plan, kpi__key="ks5-sen-destinations", column=col)}
    assert ks5[2019].value == Decimal("83.6") and ks5[2018].value == Decimal("90.5")
    attendance = {v.year: v for v in KpiValue.objects.filter(kpi__plan=plan, kpi__key="primary-attendance", column=col)}
    assert attendance[2019].status == "not_applicable" and attendance[2018].value == Decimal("96.2")
    ehcp = {v.year: v for v in KpiValue.objects.filter(kpi__plan=plan, kpi__key="ehcp-absence", column=col)}
    assert ehcp[2020].value == Decimal("10.5") and ehcp[2019].value == Decimal("10.2")
    excl = {
        v.year: v for v in KpiValue.objects.filter(kpi__plan=plan, kpi__key="permanent-exclusions-rate", column=col)
    }
    assert [excl[y].printed for y in (2019, 2018, 2017)] == [
        "0.11 (2019/20 – not comparable)",
        "0.14 (2018/19)",
        "0.17% (2017/18)",
    ]


@pytest.mark.django_db
def test_budget_values(plan):
    head = {h.label: h for h in BudgetHeadline.objects.filter(plan=plan)}
    assert head["Department budget 2022-23"].value == Decimal("141780000")
    assert head["Service pressures 2022-23 ongoing"].value == Decimal("11520000")
    assert head["Savings total 2022-23"].value == Decimal("46000")
    p = ServicePressure.objects.get(plan=plan, title="Children in Care Placements", kind="one_off_contingency")
    assert (p.printed, p.amount) == ("£2,000,000", Decimal("2000000"))
    assert ServicePressure.objects.get(plan=plan, title="Performance, Quality and Participation").amount == 291000
    assert Saving.objects.get(plan=plan).amount == Decimal("46000")
    # the rounding is kept as printed: these four cells were once adjusted by £1 and must not be
    for division, label, printed in [
        ("Early Help and Safeguarding", "Employees", "£41,588,278"),
        ("Early Help and Safeguarding", "Premises", "£480,897"),
        ("Schools & Learning", "Transport", "£19,366,747"),
        ("Total controllable budget", "Controllable Recharges", "£-25,974,013"),
    ]:
        cell = BudgetCell.objects.get(row__table__plan=plan, row__division=division, column__label=label)
        value = Decimal(printed.replace("£", "").replace(",", ""))
        assert (cell.printed, cell.printed_value, cell.value, cell.note) == (printed, value, value, ""), label
    cell = BudgetCell.objects.get(
        row__table__plan=plan, row__division="Strategic Services", column__label="Controllable Recharges"
    )
    assert (cell.printed, cell.value) == ("£-3,028,016", Decimal("-3028016"))
    net = BudgetCell.objects.get(row__table__plan=plan, row__kind="total", column__label="Net Budget")
    assert net.value == Decimal("141779398")


@pytest.mark.django_db
def test_budget_pressure_totals(plan):
    """The service-pressure items sum to the totals printed on line 184."""
    sums = {
        k: sum(p.amount for p in ServicePressure.objects.filter(plan=plan, kind=k))
        for k in ("ongoing", "ongoing_contingency", "one_off", "one_off_contingency")
    }
    assert sums == {
        "ongoing": Decimal("11520000"),
        "ongoing_contingency": Decimal("3702000"),
        "one_off": Decimal("3541000"),
        "one_off_contingency": Decimal("2946000"),
    }


ROUNDING_ROWS = {  # division: printed gross - sum of printed categories (lines 388, 389, 393)
    "Early Help and Safeguarding": Decimal(2),
    "Schools & Learning": Decimal(1),
    "Total controllable budget": Decimal(-1),
}
ROUNDING_COLUMNS = {  # column: printed total (line 393) - sum of the printed rows
    "Employees": Decimal(1),
    "Premises": Decimal(1),
    "Transport": Decimal(1),
    "Controllable Recharges": Decimal(1),
}


@pytest.mark.django_db
def test_budget_table_reconciles(plan):
    """Stored values reconcile within the declared rounding (£2); gross + income + grants = net exactly."""
    table = BudgetTable.objects.get(plan=plan)
    assert table.rounding == 2
    allowed = Decimal(table.rounding * table.multiplier)
    columns = list(table.columns.order_by("order"))
    grid = {row: {c.column_id: c.value for c in row.cells.all()} for row in table.rows.order_by("order")}
    row_diffs = {}
    for row, cells in grid.items():
        cats = sum(cells[c.id] for c in columns if c.role == "category")
        gross, income, grants, net = (
            sum(cells[c.id] for c in columns if c.role == r) for r in ("gross", "income", "grants", "net")
        )
        assert abs(gross - cats) <= allowed, row.division
        if gross != cats:
            row_diffs[row.division] = gross - cats
        assert gross + income + grants == net, row.division
    rows = [r for r in grid if r.kind == "row"]
    (total,) = [r for r in grid if r.kind == "total"]
    col_diffs = {}
    for c in columns:
        diff = grid[total][c.id] - sum(grid[r][c.id] for r in rows)
        assert abs(diff) <= allowed, c.label
        if diff:
            col_diffs[c.label] = diff
    assert row_diffs == ROUNDING_ROWS
    assert col_diffs == ROUNDING_COLUMNS
    # every figure is stored as printed: no cell carries a note or a value of its own
    assert not BudgetCell.objects.filter(row__table=table).exclude(note="").exists()
    for cell in BudgetCell.objects.filter(row__table=table):
        assert cell.value == cell.printed_value


@pytest.mark.django_db
def test_budget_rounding_discrepancies(plan):
    """Each rounding difference is a Discrepancy on the row it shows in (field 'gross' for a row's
    categories, the column label for a column against the total row)."""
    table = BudgetTable.objects.get(plan=plan)
    found = {
        (d.record, d.field)
        for d in Discrepancy.objects.filter(plan=plan, note__contains="rounding in the printed figures")
    }
    expected = {(f"{table.title}: {division}", "gross") for division in ROUNDING_ROWS}
    expected |= {(f"{table.title}: Total controllable budget", label) for label in ROUNDING_COLUMNS}
    assert found == expected


@pytest.mark.django_db
def test_procurement_values(plan):
    e = ProcurementEntry.objects.get(plan=plan, title="Supply and Delivery of Frozen Food")
    assert (e.value_printed, e.value, e.contract_start) == ("£16,000,000.00", Decimal("16000000"), dt.date(2022, 9, 1))
    e = ProcurementEntry.objects.get(plan=plan, title="TS12032 - Placement Management System")
    assert (e.value, e.procurement_start, e.contract_start) == (
        Decimal("130800"),
        dt.date(2022, 4, 1),
        dt.date(2023, 4, 1),
    )
    e = ProcurementEntry.objects.get(plan=plan, title="Supply and Delivery of Groceries and Provisions")
    assert e.contract_start == dt.date(2024, 2, 29) and e.value == Decimal("10000000")
    e = ProcurementEntry.objects.get(plan=plan, title="SEN Specialist Seating/Equipment Framework")
    assert (e.procurement_start, e.contract_start) == (dt.date(2022, 4, 1), dt.date(2021, 10, 1)) and e.notes
    assert ProcurementEntry.objects.get(plan=plan, title="Household Support Voucher Provider").value == 28000000
    two = ProcurementTable.objects.get(plan=plan, title="Table Two: Forward Plan of Procurements")
    assert two.entries.filter(src_start__gt=428).count() == 4  # rows after the repeated header


@pytest.mark.django_db
def test_risk_values(plan):
    risks = list(Risk.objects.filter(plan=plan).order_by("order"))
    assert risks[0].mitigation_intro == "To achieve a balanced budget via:"
    assert risks[0].mitigations[0] == "Financial recovery plan for high needs element of dedicated schools grant"
    assert [r.type for r in risks] == ["Resource", "Resource", "Strategic", "Resource"]
    assert {r.owner for r in risks} == {"Executive Director"} and all(r.refs == [] for r in risks)
    assert risks[2].description == (
        "Risk of death or serious injury to a looked after child or a child receiving help and protection"
    )
