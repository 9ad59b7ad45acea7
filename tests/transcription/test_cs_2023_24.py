"""Transcription tests for fixtures/cs-2023-24.yaml: Children's Services Service Plan 2023-24
(source document 001_087549d08b0a9883.txt, the whole file).

Counts are taken from the source text independently of the fixture (regex / line rules over the section's
lines); where no mechanical rule works the count is a literal with a comment saying how it was counted."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings

SLUG = "cs-2023-24"


@pytest.fixture
def lines(plan):
    path = settings.SOURCE_DOCUMENTS_DIR / plan.document
    return path.read_text(encoding="utf-8").splitlines()


def section(lines: list[str], start_heading: str, end_heading: str) -> list[str]:
    """The lines strictly between the first line equal to start_heading and the next equal to end_heading."""
    start = next(i for i, t in enumerate(lines) if t.strip() == start_heading)
    end = next(i for i, t in enumerate(lines) if i > start and t.strip() == end_heading)
    return lines[start + 1 : end]


def bullets(block: list[str]) -> int:
    return sum(1 for t in block if t.startswith("- "))


# --------------------------------------------------------------------------------------------------
# 1. Counts, from the document
# --------------------------------------------------------------------------------------------------


def test_plan_header(plan, lines):
    assert plan.title == "Service Plan 2023-24"
    assert plan.kind == "service_plan"
    assert plan.period == "2023-24"
    assert plan.financial_year == 2023
    assert plan.year_label == "2023-24"
    assert plan.executive_director == "Carol Cammiss"
    assert plan.executive_director_title == (
        "Executive Director for Children's Services & Statutory Director of Children's Services"
    )
    assert plan.status == "final"
    assert plan.date is None
    assert plan.department.slug == "childrens-services"
    last = max(i for i, t in enumerate(lines, 1) if t.strip())
    assert (plan.src_start, plan.src_end) == (1, last) == (1, 331)
    assert "Children's Services Service Plan 2023-24" in lines[28]


def test_foreword_overview_count(plan, lines):
    # The foreword runs from the executive director's title block to "Our Services"; one statement per
    # non-empty paragraph after the name/title lines (25-27).
    block = section(lines, "Foreword", "Our Services")
    paragraphs = [
        t
        for t in block
        if t.strip() and not t.startswith(("Carol Cammiss", "Executive Director", "Statutory Director"))
    ]
    stored = plan.statements.filter(kind="overview", group="Foreword")
    assert stored.count() == len(paragraphs) == 5
    assert [s.src_start for s in stored] == [29, 31, 35, 37, 39]


def test_divisions_count(plan, lines):
    directors = [t for t in lines if re.search(r" - Director", t)]
    assert plan.divisions.count() == len(directors) == 3
    assert plan.statements.filter(kind="service").count() == len(directors)


def test_achievements_count(plan, lines):
    block = section(lines, "Our Achievements", "Children's Strategy")
    items = [t for t in block if t.strip() and not t.startswith("The Department has made")]
    assert plan.statements.filter(kind="achievement").count() == len(items) == 10


def test_strategy_count(plan, lines):
    block = section(lines, "Children's Strategy", "Delivering the Council Priorities")
    cells = [c for t in block for c in t.split("\t") if re.match(r"^\d\. ", c)]
    assert len(cells) == 25
    stored = plan.statements.filter(kind="strategy")
    assert stored.count() == len(cells)
    themes = [
        c.strip() for c in block[[i for i, t in enumerate(block) if t.startswith("Partnerships and")][0]].split("\t")
    ]
    assert len(themes) == 5
    for theme in themes:
        assert list(stored.filter(group=theme).values_list("number", flat=True)) == ["1", "2", "3", "4", "5"]


def test_council_deliverables_count(plan, lines):
    block = section(lines, "Delivering the Council Priorities", "Delivering Operational Priorities")
    # 12 lines start with "- "; line 168 ("Work with partners to promote positive mental wellbeing ...") lost
    # its bullet in extraction (it starts with a space, like the continuation line 147), counted by hand: +1.
    expected = bullets(block) + 1
    assert expected == 13
    assert plan.deliverables.filter(section="council").count() == expected
    # The four council-priority headings (140, 151, 162, 170), counted by hand: the lines in this section
    # that are neither bullets, "We will:", the intro sentence nor blank.
    headings = [t for t in block if t.strip() and not t.startswith(("-", " ", "We will:", "In support of"))]
    assert len(headings) == 4
    assert plan.statements.filter(kind="council_priority").count() == len(headings)


def test_departmental_deliverables_count(plan, lines):
    block = section(lines, "Delivering Operational Priorities", "Workforce Priorities")
    assert plan.deliverables.filter(section="departmental").count() == bullets(block) == 11


def test_workforce_priorities_count(plan, lines):
    block = section(lines, "Workforce Priorities", "Budget and Savings for 2023-24")
    assert plan.statements.filter(kind="workforce_priority").count() == bullets(block) == 17
    groups = [t.strip().rstrip(":") for t in block if t.strip().endswith(":") and not t.startswith("The ")]
    assert len(groups) == 5
    stored_groups = list(
        dict.fromkeys(plan.statements.filter(kind="workforce_priority").values_list("group", flat=True))
    )
    assert stored_groups == groups


def test_workforce_rows_count(plan, lines):
    division_line = next(t for t in lines if t.startswith("Performance, Quality & Partnerships /"))
    per_division = re.findall(r"– ([\d,]+) \(([\d,]+) FTE\)", division_line)
    assert len(per_division) == 3
    # Two department totals: "just over 4,400 appointments (over 2,460 FTEs)" (43) and "4,408 staff" (212).
    assert plan.workforce.filter(division="").count() == 2
    assert plan.workforce.exclude(division="").count() == len(per_division)


def test_kpi_count(plan, lines):
    block = lines[next(i for i, t in enumerate(lines) if t.strip() == "Key Performance Measures") + 1 :]
    assert plan.kpis.count() == bullets(block) == 51
    from kpis.models import KpiValue

    # No values, targets or responsible officers are printed for any measure.
    assert KpiValue.objects.filter(kpi__plan=plan).count() == 0
    assert not plan.kpis.exclude(responsible="").exists()


def test_budget_counts(plan, lines):
    block = section(lines, "Budget and Savings for 2023-24", "Monitoring the Plan")
    table_rows = [t for t in block if "\t" in t and "£" in t]
    assert len(table_rows) == 3
    assert plan.pressures.count() == len(table_rows)  # one one-off amount per row; Ongoing is "-" throughout
    # One saving, printed once in the sentence on line 266 (counted by hand).
    assert plan.savings.count() == 1
    # Headlines: £148 million (43), £148.851m and £1.884m (257), £3,903,263 (264), £0.500m (266).
    money_in_text = [m for t in lines if "\t" not in t for m in re.findall(r"£[\d.,]+", t)]
    assert plan.budget_headlines.count() == len(money_in_text) == 5
    assert plan.budget_tables.count() == 0  # the appendix with the controllable budget is not in this document


def test_statement_totals(plan):
    counts = {
        k: plan.statements.filter(kind=k).count()
        for k in ("overview", "service", "achievement", "note", "strategy", "council_priority", "workforce_priority")
    }
    # overview: 5 foreword paragraphs + intros of Our Services (43), Our Achievements (71), Council Priorities
    # (138), Operational Priorities (180), Workforce Priorities (216), Monitoring the Plan (270) = 11.
    # note: 4 Council Plan priorities + 3 "working" arrows from the strategy page's header band.
    assert counts == {
        "overview": 11,
        "service": 3,
        "achievement": 10,
        "note": 7,
        "strategy": 25,
        "council_priority": 4,
        "workforce_priority": 17,
    }
    assert plan.statements.count() == sum(counts.values()) == 77
    assert not plan.risks.exists()
    assert not plan.procurement_entries.exists()
    assert not plan.procurement_tables.exists()


# --------------------------------------------------------------------------------------------------
# 2. Exact values
# --------------------------------------------------------------------------------------------------


def test_exact_statements(plan):
    s = plan.statements
    assert s.get(kind="strategy", group="Partnerships and Systems Leadership", number="4").text == (
        "Play a leading role in developing effective strategic partnerships which drive systems change, deliver "
        "impact on outcomes, and provide a meaningful contribution to issues which we cannot tackle on our own"
    )
    assert s.get(kind="strategy", group="Strategy and Financial Sustainability", number="3").text == (
        "Develop a robust financial model underpinning our delivery – ensuring budgets are set appropriately, "
        "need and demand is managed and predicted as far as possible"
    )
    assert s.get(kind="strategy", group="Quality, Practice and Performance", number="1").text == (
        "Strengthening our use of data, intelligence and insight to drive effective decisionmaking at all levels"
    )
    assert s.get(kind="strategy", group="Workforce Development", number="5").src_start == 134
    achievements = list(s.filter(kind="achievement").values_list("text", flat=True))
    assert achievements[0] == "Received 787 compliments since March 2022"
    assert achievements[1] == "Provided 70,000 holiday activity and food places to vulnerable children"
    assert achievements[6] == (
        "All but two of our twelve children's homes are judged good or better with five homes judged as outstanding"
    )
    assert achievements[9].startswith("As part of the school readiness work 93 schools and settings")
    assert s.filter(
        kind="note", text="Enterprising Council: working within and across our organisation to succeed"
    ).exists()
    assert list(s.filter(kind="council_priority").values_list("text", flat=True)) == [
        "Resilient, healthy and safe communities",
        "High performing, value for money and resident focused services",
        "Effective early help for individuals and communities",
        "A prosperous and green Derbyshire",
    ]


def test_exact_divisions_and_workforce(plan):
    divisions = list(plan.divisions.values_list("name", "director"))
    assert divisions == [
        ("Performance, Quality and Partnerships; Commissioning and Transformation", "James Gracey - Director"),
        ("Early Help and Safeguarding", "Alison Noble - Director"),
        ("Schools and Learning", "Dan Careless - Director/Strategic Lead for Schools and Learning"),
    ]
    rows = list(plan.workforce.all())
    assert (rows[0].headcount_printed, rows[0].headcount, rows[0].fte_printed, rows[0].fte) == (
        "just over 4,400",
        Decimal("4400"),
        "over 2,460",
        Decimal("2460"),
    )
    assert (rows[1].headcount_printed, rows[1].headcount, rows[1].fte) == ("4,408", Decimal("4408"), Decimal("2462"))
    assert (rows[2].headcount, rows[2].fte) == (Decimal("734"), Decimal("529"))
    assert (rows[3].headcount_printed, rows[3].headcount, rows[3].fte) == ("1,265", Decimal("1265"), Decimal("909"))
    assert (rows[4].headcount_printed, rows[4].headcount, rows[4].fte_printed) == ("2408", Decimal("2408"), "1,024")
    assert rows[4].src_start == 214


def test_exact_budget(plan):
    headlines = {h.printed: h.value for h in plan.budget_headlines.all()}
    assert headlines["£148.851 million"] == Decimal("148851000")
    assert headlines["£1.884 million"] == Decimal("1884000")
    assert headlines["£3,903,263"] == Decimal("3903263")
    assert headlines["£0.500 million"] == Decimal("500000")
    assert headlines["exceeding £148 million"] is None  # not an exact figure
    assert "not an exact figure" in plan.budget_headlines.get(printed="exceeding £148 million").note
    # the printed £1.884 million is kept; what its rows sum to sits beside it (issue 14; was only in the note)
    one_off = plan.budget_headlines.get(printed="£1.884 million")
    assert (one_off.value, one_off.reconciling) == (Decimal("1884000"), Decimal("1844000"))
    # The table prints its one-off amounts without a unit (lines 260-262); printed text kept exactly,
    # value read as £ million.
    pressures = list(plan.pressures.values_list("title", "kind", "printed", "amount", "src_start"))
    assert pressures == [
        (
            "Special Needs (SEND) Home to School Transport – Addressing increasing demand",
            "one_off",
            "£1.084",
            Decimal("1084000.00"),
            260,
        ),
        ("Elective Home Education - Addressing increasing demand", "one_off", "£0.360", Decimal("360000.00"), 261),
        (
            "Social Workers – Recruitment and retention via market supplement payment",
            "one_off",
            "£0.400",
            Decimal("400000.00"),
            262,
        ),
    ]
    # Each printed amount appears verbatim on its source line, in the "One off" column.
    source = (settings.SOURCE_DOCUMENTS_DIR / plan.document).read_text(encoding="utf-8").splitlines()
    for p in plan.pressures.all():
        assert source[p.src_start - 1].split("\t")[1:] == ["-", p.printed]
    # The loader records each unit reading as a discrepancy against its pressure.
    unit_readings = plan.discrepancies.filter(record__startswith="Service pressure: ")
    assert list(unit_readings.values_list("printed", "stored", "src_start")) == [
        ("£1.084", "1,084,000", 260),
        ("£0.360", "360,000", 261),
        ("£0.400", "400,000", 262),
    ]
    assert all("£ million" in d.note for d in unit_readings)
    saving = plan.savings.get()
    assert saving.amount == Decimal("500000")
    assert saving.printed == "£0.500 million"
    assert saving.year == 2023
    assert saving.title.startswith("reductions in spend on children's social care placements")
    assert saving.description.endswith("a fostering modernisation programme and procurement efficiencies.")


def test_exact_deliverables(plan):
    council = list(plan.deliverables.filter(section="council").order_by("order"))
    assert council[0].title == (
        "Implement key actions to reduce discrimination and tackle inequalities as set out "
        "in the Council's Equality, Diversity and Inclusion Strategy 2022-2025"
    )
    assert (council[0].src_start, council[0].src_end) == (146, 147)
    assert council[0].council_priority == "Resilient, healthy and safe communities"
    assert council[8].title.startswith("Keep on track to achieve all planned annual budget savings")
    assert council[8].council_priority == "High performing, value for money and resident focused services"
    assert council[9].council_priority == "Effective early help for individuals and communities"
    assert council[9].src_start == 168
    assert council[11].title == (
        "Work to reduced carbon emissions from the department's property and vehicles and procurement"
    )  # "reduced" as printed
    dept = list(plan.deliverables.filter(section="departmental").order_by("order"))
    assert dept[7].title == (
        "Help and empowered more young people with disabilities to be independent in their transition to adulthood"
    )  # as printed
    assert "Schools and Learning" in dept[7].notes
    assert dept[0].council_priority == ""
    assert all(d.lead == "" and d.refs == [] and d.in_council_plan is None for d in council + dept)


def test_exact_kpis(plan):
    kpis = list(plan.kpis.order_by("order"))
    assert kpis[0].description == "Equality and Diversity measures to be confirmed"
    k = plan.kpis.get(key="social-worker-vacancies-stability")
    assert k.description == (
        "Social work stability measure % of social worker vacancies (before agency) (based on FTE counts) -"
    )
    assert (k.src_start, k.src_end) == (288, 289)
    k = plan.kpis.get(key="children-with-council-foster-carers")
    assert (k.description, k.unit, k.higher_is_better, k.src_start) == (
        "Number of children living with Council foster carers",
        "count",
        True,
        324,
    )
    k = plan.kpis.get(key="disadvantaged-phonics-gap")
    assert k.unit == "pp" and k.higher_is_better is False
    assert kpis[-1].description == "Percentage of children reaching a good level of development (EYFS)"
    assert kpis[-1].src_start == 331
    assert len({k.key for k in kpis}) == 51


# --------------------------------------------------------------------------------------------------
# 3. Reconciliation
# --------------------------------------------------------------------------------------------------


def test_budget_reconciliation(plan):
    # No budget table is printed in this document (the appendix holding it is not included).
    assert not plan.budget_tables.exists()
    # Source discrepancy: the one-off pressures sum to £1.844m; the text says £1.884m (recorded as a
    # top-level discrepancy, in the fixture header and in plan.notes).
    total = sum(plan.pressures.filter(kind="one_off").values_list("amount", flat=True), Decimal(0))
    assert total == Decimal("1844000")
    assert plan.budget_headlines.get(printed="£1.884 million").value - total == Decimal("40000")
    assert any("£1.844m" in n for n in plan.notes)
    d = plan.discrepancies.get(record="Service pressures one-off total")
    assert (d.field, d.printed, d.stored, d.src_start, d.src_end) == (
        "total",
        "£1.884 million",
        "£1.844 million",
        257,
        262,
    )
    assert "£1.084m + £0.360m + £0.400m = £1.844m" in d.note and "£0.040m" in d.note
    assert d.target is None


def test_discrepancy_records(plan):
    # 3 unit readings of the pressure amounts (attached by the loader) + 2 that belong to no single figure.
    assert plan.discrepancies.count() == 5
    top_level = plan.discrepancies.exclude(record__startswith="Service pressure: ")
    assert list(top_level.values_list("record", "field", "printed", "stored", "src_start", "src_end")) == [
        ("Workforce: department headcount", "headcount", "4,408", "4,407", 212, 214),
        ("Service pressures one-off total", "total", "£1.884 million", "£1.844 million", 257, 262),
    ]
    assert all(d.content_type_id is None and d.object_id is None for d in top_level)


def test_workforce_reconciliation(plan):
    rows = list(plan.workforce.exclude(division=""))
    total = plan.workforce.get(headcount_printed="4,408")
    assert sum(r.fte for r in rows) == total.fte == Decimal("2462")
    # Source discrepancy: division headcounts sum to 4,407 against the printed 4,408.
    assert sum(r.headcount for r in rows) == Decimal("4407")
    assert "4,407" in total.note
    d = plan.discrepancies.get(record="Workforce: department headcount")
    assert (d.printed, d.stored) == (total.headcount_printed, f"{int(sum(r.headcount for r in rows)):,}")
    assert "734 + 1,265 + 2408 = 4,407" in d.note and "529 + 909 + 1,024 = 2,462" in d.note
