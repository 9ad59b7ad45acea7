"""Budget pages: the overview of every plan's controllable budget, one plan's budget as printed (repairs,
rounding, reconciliation, charts with their tables, pressures, savings, capital programmes, notes) and a
department compared across years. Figures are checked against the source documents themselves."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BudgetCell, BudgetRow, BudgetTable
from plans.models import Discrepancy

pytestmark = pytest.mark.django_db

ETE_DOC = "004_32cbf65b4b2ba88d.txt"


class TableText(HTMLParser):
    """The text of each cell of the table inside the region labelled `label`, as a reader sees it before
    opening any disclosure: the hidden notes, flags and screen-reader-only words are left out."""

    SKIP = {"app-figure__note", "app-figure__flag", "govuk-visually-hidden"}

    def __init__(self, label: str):
        super().__init__()
        self.label, self.inside, self.depth, self.skip = label, False, 0, 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "hr", "img", "input", "wbr"):
            return  # void elements have no end tag
        attrs = dict(attrs)
        if tag == "div" and attrs.get("aria-label") == self.label and attrs.get("role") == "region":
            self.inside, self.depth = True, 0
        if not self.inside:
            return
        if tag == "div":
            self.depth += 1
        if self.skip or self.SKIP & set((attrs.get("class") or "").split()):
            self.skip += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "div":
            self.depth -= 1
            if self.depth == 0:
                self.inside = False
        if self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.inside and not self.skip and self.cell is not None:
            self.cell.append(data)


def table_text(page: str, label: str) -> list[list[str]]:
    parser = TableText(label)
    parser.feed(page)
    assert parser.rows, f"no table labelled {label!r}"
    return parser.rows


def plain(text: str) -> str:
    """A figure as shown on the page or in a CSV, as a spreadsheet holds it: no £, no thousands
    separators, no .00."""
    text = text.replace("£", "").replace(",", "")
    if re.match(r"-?\d", text):
        text = text.split()[0]  # the figure, without the reconciling figure shown beside it
    if text == "'-":
        return "-"  # a printed dash; the CSV writer guards a leading "-" against formulas
    return re.sub(r"\.00$", "", text)


def plain_rows(rows: list[list[str]], first: int) -> list[list[str]]:
    """Rows with every cell from column `first` on as a plain figure."""
    return [r[:first] + [plain(c) for c in r[first:]] for r in rows]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def text(response) -> str:
    return html.unescape(response.content.decode())


def figure_of(page: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def printed_net(line: str) -> tuple[str, Decimal]:
    """ETE Appendix A: a row's label and its last column (Net Budget £'000), read from the document."""
    cells = line.split("\t")
    figure = cells[-1].strip().replace(",", "")
    negative = figure.startswith("(")
    value = Decimal(figure.strip("()")) * 1000
    return cells[0].strip(), -value if negative else value


def ete_appendix_a() -> list[tuple[str, Decimal]]:
    """Every row of ETE's Approved Controllable Budget (lines 1021-1051) with figures, as printed."""
    lines = (settings.SOURCE_DOCUMENTS_DIR / ETE_DOC).read_text(encoding="utf-8").splitlines()[1020:1051]
    return [printed_net(line) for line in lines if re.search(r"\t\(?[\d,]+\)?\s*$", line)]


# -- the overview ------------------------------------------------------------------------------------


def test_the_overview_lists_every_plans_total_net_budget(client, all_plans, django_assert_num_queries):
    # 1 plans with departments; 2 the total rows' net cells with their row, table and column
    # + 1 the council (the page's scope)
    with django_assert_num_queries(3):
        response = client.get(reverse("budget_index"))
    page = text(response)
    rows = table_text(response.content.decode(), "Net controllable budget by department and plan year (pounds)")
    shown = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert shown[("Economy, Transport and Environment", "2020-21")] == "£76,285,000"  # 004 line 1051: 76,285 £'000
    assert shown[("Children's Services", "2022-23")] == "£141,779,398"  # 000 line 393
    assert shown[("Children's Services", "2020-21")] == "£114,929,535"  # 004 line 2058
    assert shown[("Children's Services", "2025-26")] == "£175,771,766"  # 002 lines 166-167
    # 004 line 441: printed 59,625,880, its rows sum to £1 less (rounding): the printed figure, the rows' beside it
    assert shown[("Commissioning, Communities and Policy", "2020-21")] == (
        "£59,625,880 the rows sum to £59,625,879; difference £1 (discrepancy)"
    )
    assert shown[("Children's Services", "2023-24")] == "no controllable budget table printed"
    # ASCH's printed total (004 line 1647) is £1,153,394 more than its rows (issue 14): the printed figure is
    # the one shown, the rows' sum beside it, marked, with the difference and a link to the discrepancy.
    assert shown[("Adult Social Care and Health", "2020-21")] == (
        "£254,435,767 the rows sum to £253,282,373; difference £1,153,394 (discrepancy)"
    )
    assert f'href="{reverse("corrections")}?plan=asch-2020-21">discrepancy</a>' in page
    assert '£254,435,767 <strong class="app-figure__flag">does not add up</strong>' in page
    assert '£59,625,880 <strong class="app-figure__flag">rounding</strong>' in page
    assert (
        "Economy, Transport and Environment 2020-21: the controllable budget was printed in £'000 "
        "(thousands of pounds); its figures are shown in pounds (each printed figure × 1,000)."
    ) in page
    assert reverse("plan_budget", args=["ete-2020-21"]) in page
    assert reverse("department_budget", args=["childrens-services"]) in page
    figure = figure_of(response.content.decode(), "net-by-department")
    cs = {t["name"]: t["x"] for t in figure["data"] if "Children's Services" in t["y"]}
    assert cs["2025-26"] == [175771766.0]


def test_the_overview_sorts_and_exports_the_rows_shown(client, all_plans):
    url = reverse("budget_index")
    page = client.get(url, {"net-by-plan-sort": "-net"}).content.decode()
    rows = table_text(page, "Net controllable budget by department and plan year (pounds)")[1:]
    assert (
        rows[0][3].startswith("£254,435,767 the rows sum to £253,282,373")
        and rows[-1][3] == "no controllable budget table printed"
    )
    exported = csv_rows(client.get(url, {"net-by-plan-sort": "-net", "_export": "csv", "_table": "net-by-plan"}))
    assert exported[0] == ["Department", "Year", "Plan", "Net controllable budget", "Printed in"]
    assert [r[:3] for r in exported[1:]] == [r[:3] for r in rows]
    assert [r[3] for r in exported[1:]] == [plain(r[3].split()[0]) if r[3].startswith("£") else "" for r in rows]
    workbook = load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx", "_table": "net-by-plan"}).getvalue()))
    values = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert values[0] == exported[0]
    assert [
        "Economy, Transport and Environment",
        "2020-21",
        "Service Plan 2017-2021 2020/21 Update",
        76285000,
        "£'000 (shown in pounds)",
    ] in values


# -- one plan ----------------------------------------------------------------------------------------


def test_etes_net_budget_by_division_and_group_matches_appendix_a(client, all_plans):
    """Where does ETE's net budget go: every row of Appendix A, and group subtotals that sum to TOTAL."""
    response = client.get(reverse("plan_budget", args=["ete-2020-21"]))
    page = response.content.decode()
    printed = ete_appendix_a()
    assert len(printed) == 25 and printed[-1] == ("TOTAL", Decimal(76285000))
    divisions = table_text(page, "Net budget by division, 2020-21 (pounds)")
    assert divisions[0] == ["Division or service", "Group heading", "Gross budget", "Income", "Net budget"]
    assert [(r[0], Decimal(plain(r[4]))) for r in divisions[1:]] == printed[:-1]
    assert divisions[10] == ["Waste Management", "Environment", "£46,439,000", "-£2,397,000", "£44,042,000"]
    areas = table_text(page, "Net budget by group heading, 2020-21 (pounds; subtotals computed here)")
    assert [(r[0], r[-1]) for r in areas[1:]] == [
        ("Departmental Management Team", "£599,000"),
        ("Economy and Regeneration", "£16,842,000"),
        ("Environment", "£46,788,000"),
        ("Highways", "£16,465,000"),
        ("Resources and Improvement", "-£4,409,000"),
    ]
    assert sum(Decimal(plain(r[-1])) for r in areas[1:]) == Decimal(76285000)
    # Each chart carries the same numbers as the table after it.
    chart = figure_of(page, "areas-1")["data"][0]
    assert chart["x"] == [599000, 16842000, 46788000, 16465000, -4409000]
    chart = figure_of(page, "divisions-1")["data"][0]
    assert chart["y"][1][9] == "Waste Management" and chart["y"][0][9] == "Environment"
    assert chart["x"] == [float(v) for _, v in printed[:-1]]
    # The table as printed keeps the printed unit and layout, group headings as rows of their own.
    shown = table_text(page, "Approved Controllable Budget (figures in £'000, as printed)")
    assert shown[0][0] == "Division or service" and shown[0][-1] == "Net Budget £'000"
    assert shown[2] == ["Economy and Regeneration"] + [""] * 10
    assert shown[3] == ["Planning Services", "1,238", "0", "10", "54", "0", "0", "6", "1,308", "-244", "1,064"]
    assert shown[-1] == [
        "TOTAL",
        "18,029",
        "1,366",
        "937",
        "7,628",
        "72,436",
        "-6,971",
        "154",
        "93,579",
        "-17,294",
        "76,285",
    ]
    assert "Printed in <strong>£&#x27;000</strong> (thousands of pounds)" in page


def test_the_plan_budget_page_and_its_query_count(client, all_plans, django_assert_num_queries):
    plan_url = reverse("plan_budget", args=["cs-2022-23"])
    # 1 plan with department; 2 budget tables, 3 their columns, 4 rows, 5 cells with columns; 6 headlines;
    # 7 pressures; 8 savings; 9 the plan's discrepancies with their content types
    with django_assert_num_queries(9):
        response = client.get(plan_url)
    page = text(response)
    # 000_1696c8c63c149500.txt lines 386-393, Approved Controllable Budget 2022-23 (pounds)
    shown = table_text(response.content.decode(), "Approved Controllable Budget 2022-23 (figures in £, as printed)")
    assert shown[2][0] == "Early Help and Safeguarding" and shown[2][-1] == "£99,097,252"
    assert shown[1][8] == "-£3,028,016"  # Strategic Services controllable recharges
    assert shown[-1][-1] == "£141,779,398"
    headlines = table_text(response.content.decode(), "Budget figures printed in the plan's text")
    assert ["Department budget 2022-23", "£141.78 million", "£141,780,000", "", "line 182"] in headlines
    # Service pressures by kind (lines 184-199), with totals that match the printed ones on line 184.
    pressures = table_text(response.content.decode(), "Service pressures funded, by kind (pounds)")
    assert pressures[1] == [
        "Children in Care Placements",
        "£6,096,000",
        "£1,222,000",
        "£92,000",
        "£2,000,000",
        "£9,410,000",
    ]
    assert pressures[-1] == ["Total", "£11,520,000", "£3,702,000", "£3,541,000", "£2,946,000", "£21,709,000"]
    savings = table_text(response.content.decode(), "Savings (pounds)")
    assert savings[-1] == ["Total", "", "", "", "£46,000"]
    assert "Total £21,709,000: ongoing £11,520,000" in page


def test_the_plan_budget_query_count_does_not_grow_with_rows(client, all_plans, django_assert_num_queries):
    table = BudgetTable.objects.get(plan__slug="ete-2020-21", kind="controllable")
    BudgetRow.objects.filter(table=table).exclude(division__in=["Waste Management", "TOTAL"]).delete()
    BudgetTable.objects.filter(plan__slug="ete-2020-21", kind="capital").delete()
    with django_assert_num_queries(9):
        response = client.get(reverse("plan_budget", args=["ete-2020-21"]))
    assert response.status_code == 200


def test_reconciliation_is_stated_and_rounding_is_listed(client, all_plans):
    page = text(client.get(reverse("plan_budget", args=["ete-2020-21"])))
    assert "Every row and column reconciles." in page
    page = text(client.get(reverse("plan_budget", args=["cs-2022-23"])))
    assert "Reconciles except for rounding:</strong> 7 checks are out by at most 2 printed units" in page
    assert (
        "Early Help and Safeguarding, Gross Budget: the cost categories sum to £102,000,440 but the table "
        "prints £102,000,442 (difference £2)"
    ) in page  # line 388
    assert (
        "Total controllable budget, Employees: the rows above sum to £88,559,120 but the table prints "
        "£88,559,121 (difference £1)"
    ) in page  # line 393
    # The rounded cell itself is marked and opens to say why.
    assert re.search(r"£102,000,442 <strong class=\"app-figure__flag\">rounding</strong>", page)


def test_the_reconciliation_finds_exactly_the_differences_the_loader_recorded(all_plans):
    from django.db.models import Prefetch

    cells = BudgetCell.objects.select_related("column")
    tables = BudgetTable.objects.prefetch_related(
        "columns", Prefetch("rows", queryset=BudgetRow.objects.prefetch_related(Prefetch("cells", queryset=cells)))
    )
    for table in tables:
        recorded = Discrepancy.objects.filter(
            plan=table.plan, record__startswith=f"{table.title}:", note__contains="rounding in the printed figures"
        ).count()
        differences = table.reconciliation()
        assert len([d for d in differences if table.is_rounding(d.amount)]) == recorded, table.title
        documented = (
            Discrepancy.objects.filter(
                plan=table.plan, record__startswith=f"{table.title}:", note__contains="the printed figure is kept"
            )
            .exclude(note__contains="the row's own figures give")
            .count()
        )
        assert len([d for d in differences if not table.is_rounding(d.amount)]) == documented, table.title
        # each is kept on its cell, beside the printed figure
        beside = [
            (r.pk, c.column_id, c.reconciling)
            for r in table.rows.all()
            for c in r.cells.all()
            if c.reconciling is not None and c.reconciling_check != "arithmetic"
        ]
        assert sorted(beside) == sorted((d.row.pk, d.column.pk, d.expected) for d in differences), table.title


def test_repaired_cells_open_to_show_printed_stored_and_why(client, all_plans):
    # cs-2025-29 (002_a63e06525b642396.txt line 162): digits split by a line break.
    page = text(client.get(reverse("plan_budget", args=["cs-2025-29"])))
    assert (
        '£7,028,758 <strong class="app-figure__flag">repaired</strong></summary><div class="app-figure__note">'
        '<span class="govuk-visually-hidden">Repaired figure. </span>Printed: <q>7,028,75 8</q><br>'
        "Stored: £7,028,758<br>digits split by a line break<br></div>"
    ) in page
    # line 165: the net printed "24,242,4" (truncated), stored from the row's own arithmetic.
    assert "Printed: <q>24,242,4</q><br>Stored: £24,242,431<br>truncated in extraction: 27,916,821-3,674,390-0" in page
    assert "41 figures were garbled or wrong in print and are stored repaired" in page
    assert (
        "Unit as printed: <strong>£'000</strong>. Header prints £'000 on every column but the figures are pounds"
        in page
    )
    # cs-2020-21 (004_32cbf65b4b2ba88d.txt line 2054): Schools & Learning income printed without its minus.
    page = text(client.get(reverse("plan_budget", args=["cs-2020-21"])))
    # issue 14: shown as printed, with what the row's own figures give beside it, not repaired in its place
    assert (
        '£11,529,389 <strong class="app-figure__flag">does not add up</strong><br><span class="govuk-body-s '
        "app-muted app-figure__beside\">the row's own figures give -£11,529,389; difference £23,058,778"
    ) in page
    assert "Stored: -£11,529,389" not in page


def test_the_printed_table_exports_what_it_shows(client, all_plans):
    url = reverse("plan_budget", args=["cs-2025-29"])
    shown = table_text(
        client.get(url).content.decode(),
        "Approved Controllable Budget 2025-26 (figures in pounds; the header prints £'000)",
    )
    exported = csv_rows(client.get(url, {"_export": "csv", "_table": "printed-1"}))
    assert exported[0] == shown[0]
    assert plain_rows(shown[1:], 1) == plain_rows(exported[1:], 1)
    assert exported[1][:2] == ["Strategic Services", "7028758"]
    workbook = load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx", "_table": "printed-1"}).getvalue()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][:2] == ("Strategic Services", 7028758) and rows[-1][-1] == 175771766


def test_division_tables_sort_and_export(client, all_plans):
    url = reverse("plan_budget", args=["ete-2020-21"])
    page = client.get(url, {"divisions-1-sort": "-net"}).content.decode()
    shown = table_text(page, "Net budget by division, 2020-21 (pounds)")[1:]
    assert shown[0][0] == "Waste Management" and shown[-1][0] == "Unallocated Savings"
    exported = csv_rows(client.get(url, {"divisions-1-sort": "-net", "_export": "csv", "_table": "divisions-1"}))
    assert plain_rows(shown, 2) == plain_rows(exported[1:], 2)


def test_etes_capital_programmes_are_shown_as_printed(client, all_plans):
    page = client.get(reverse("plan_budget", args=["ete-2020-21"])).content.decode()
    vehicles = table_text(page, "Vehicle Replacement Programme 2020-2021")
    assert vehicles[1] == ["Commissioning, Communities and Policy"] + [""] * 7  # the User heading (line 1277)
    assert vehicles[2] == ["Van - 2.0t", "6", "10", "6", "17,000", "102,000", "4,250", "25,500"]
    assert vehicles[-1] == ["Total", "58", "", "", "", "2,512,000", "", "535,500"]  # line 1295
    derelict = table_text(page, "Derelict Land Reclamation and Regeneration Capital Programme 2020-2021")
    assert derelict[-1] == ["SUB TOTAL", "", "125,549", "11,000", "136,549", "135,000"]  # line 1313
    waste = table_text(page, "Waste Management Service Capital Programme 2020-2021")
    assert waste[1] == ["Closed Landfill Flare Replacement Programme", "£60,000"]


def test_budget_discrepancies_are_notes_and_others_are_not(client, all_plans):
    page = text(client.get(reverse("plan_budget", args=["ete-2020-21"])))
    notes = table_text(page.replace("&", "&amp;"), "Source discrepancies in this plan's budget")
    records = [r[0] for r in notes[1:]]
    assert "Departmental Overview: annual revenue budget" in records  # line 771 vs 1051
    assert any(r.startswith("Derelict Land Reclamation") for r in records)  # lines 1312, 1314
    assert not any(r.startswith("Procurement") for r in records)  # 30/02/2023 is elsewhere
    page = text(client.get(reverse("plan_budget", args=["cs-2023-24"])))
    assert "This plan prints no approved controllable budget table." in page
    assert "Service pressures one-off total" in page and "£1.884 million" in page
    assert "Workforce: department headcount" not in page


def test_bad_query_string_input_never_fails(client, all_plans):
    url = reverse("plan_budget", args=["ete-2020-21"])
    for params in (
        {"divisions-1-sort": "nonsense"},
        {"_export": "pdf", "_table": "divisions-1"},
        {"_export": "csv", "_table": "nope"},
        {"_export": "csv"},
        {"printed-1-sort": "net"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), params
    assert client.get(reverse("budget_index"), {"net-by-plan-sort": "'; drop"}).status_code == 200
    assert client.get(reverse("plan_budget", args=["nope-2099-00"])).status_code == 404
    assert client.get(reverse("department_budget", args=["parks"])).status_code == 404


def test_the_plan_page_links_to_its_budget(client, all_plans):
    page = client.get(reverse("plan", args=["ete-2020-21"])).content.decode()
    assert reverse("plan_budget", args=["ete-2020-21"]) in page


# -- a department across years -----------------------------------------------------------------------


def test_childrens_services_compared_across_years(client, all_plans, django_assert_num_queries):
    url = reverse("department_budget", args=["childrens-services"])
    # 1 department; 2 its plans; 3 their controllable tables, 4 columns, 5 rows, 6 cells with columns;
    # 7 pressures; 8 savings
    with django_assert_num_queries(8):
        response = client.get(url)
    page = text(response)
    rows = table_text(response.content.decode(), "Net budget by division and plan year (pounds)")
    assert rows[0] == ["Division (as last printed)", "Net 2020-21", "Net 2022-23", "Net 2025-26", "Printed names"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    # 004 line 2052, 000 line 387, 002 line 162
    assert by_name["Strategic Services"] == ["£2,429,480", "£2,533,892", "£3,776,461", ""]
    # Same division, printed "and" then "&": matched, and the change of name shown.
    assert by_name["Early Help & Safeguarding"] == [
        "£78,469,099",
        "£99,097,252",
        "£115,807,117",
        "“Early Help and Safeguarding” in 2020-21, 2022-23; “Early Help & Safeguarding” in 2025-26",
    ]
    assert by_name["Performance and Quality"][2] == "not in this year's table"
    assert by_name["Strategic Commissioning, Quality and Performance"][:2] == ["not in this year's table"] * 2
    assert "Strategic Commissioning, Quality and Performance: in the 2025-26 table; not in 2020-21, 2022-23" in page
    assert "Service Plan 2023-24 (2023-24) prints no controllable budget table" in page
    chart = {t["name"]: t["x"] for t in figure_of(response.content.decode(), "net-by-division")["data"]}
    assert chart["2025-26"][:3] == [3776461.0, 115807117.0, 31945757.0] and chart["2025-26"][3] is None
    totals = table_text(response.content.decode(), "Totals, service pressures and savings by plan year (pounds)")
    by_year = {r[0]: r for r in totals[1:]}
    assert by_year["2022-23"][5] == "£141,779,398" and by_year["2022-23"][-2:] == ["£21,709,000", "£46,000"]
    assert by_year["2023-24"][5] == "not printed" and by_year["2023-24"][8] == "£1,844,000"  # 1.084+0.360+0.400
    assert by_year["2023-24"][-1] == "£500,000"
    assert by_year["2020-21"][-1] == "none printed"


def test_the_department_comparison_exports_and_sorts(client, all_plans):
    url = reverse("department_budget", args=["childrens-services"])
    page = client.get(url, {"divisions-by-year-sort": "-net"}).content.decode()
    shown = table_text(page, "Gross, income, grants and net by division and year (pounds)")[1:]
    assert shown[0][:3] == ["Early Help & Safeguarding", "Early Help & Safeguarding", "2025-26"]
    exported = csv_rows(
        client.get(url, {"divisions-by-year-sort": "-net", "_export": "csv", "_table": "divisions-by-year"})
    )
    assert plain_rows(shown, 3) == plain_rows(exported[1:], 3)
    workbook = load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx", "_table": "net-by-division"}).getvalue()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("Division (as last printed)", "Net 2020-21", "Net 2022-23", "Net 2025-26", "Printed names")


def test_a_department_with_one_budget(client, all_plans):
    page = text(client.get(reverse("department_budget", args=["economy-transport-environment"])))
    assert "£44,042,000" in page and "Net 2020-21" in page and "£76,285,000" in page
