"""Issue 14, item 1 (money): every budget figure on the pages is the one the document prints, under the
column the document means, with the reconciling figure beside it where the document's own figures do not
add up. Each test finds the document's figure on the page a reader opens."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.test_budget_pages import table_text

pytestmark = pytest.mark.django_db


def grid(client, url: str, region: str) -> dict[str, dict[str, str]]:
    """The table in the region named `region`: row label -> column header -> cell text as a reader sees it
    without opening a disclosure."""
    rows = table_text(client.get(url).content.decode(), region)
    header = rows[0]
    return {row[0]: dict(zip(header[1:], row[1:], strict=False)) for row in rows[1:]}


CS25 = "Approved Controllable Budget 2025-26"
TOTAL25 = "Total controllable budget"


# -- the 2025-26 table whose header is shifted (002_a63e06525b642396.txt lines 159-167) --------------------


def test_the_2025_26_recharges_are_under_controllable_recharges_on_the_plan_page(client, all_plans):
    table = grid(client, reverse("plan", args=["cs-2025-29"]), CS25)
    # line 162: "- 3,430,19 5" printed under "Savings"; the header is shifted one column, it is the recharges
    assert table["Strategic Services"]["Controllable Recharges"] == "-£3,430,195"
    assert table["Schools & Learning"]["Controllable Recharges"] == "-£17,198,662"  # line 164
    assert table[TOTAL25]["Controllable Recharges"] == "-£26,794,460"  # line 166
    # no Savings figure is printed in the table
    assert {row["Savings"] for row in table.values()} == {""}
    # the figures printed under "Controllable Recharges", "Gross Budget" and "Income" are gross, income, grants
    assert table["Strategic Services"]["Gross Budget"] == "£3,987,501"
    assert table["Strategic Services"]["Income"] == "-£101,040"
    assert table["Strategic Services"]["Grants"] == "-£110,000"
    assert table[TOTAL25]["Net Budget"] == "£175,771,766"
    # line 165 prints "-" for the SCQP grants: shown as printed, not as £0
    assert table["Strategic Commissioning, Quality and Performance"]["Grants"] == "-"


def test_the_2025_26_savings_are_the_plans_3_258m(client, all_plans):
    page = client.get(reverse("plan", args=["cs-2025-29"])).content.decode()
    # line 123: "Savings proposals to be delivered in 2025-26: £3.258m"
    assert 'Savings proposals to be delivered in 2025-26</dt><dd class="govuk-summary-list__value">£3.258m' in page
    budget = client.get(reverse("plan_budget", args=["cs-2025-29"])).content.decode()
    assert "£3.258m" in budget


def test_the_2025_26_recharges_on_the_budget_page(client, all_plans):
    table = grid(
        client, reverse("plan_budget", args=["cs-2025-29"]), f"{CS25} (figures in pounds; the header prints £'000)"
    )
    assert table["Strategic Services"]["Controllable Recharges"] == "-£3,430,195"
    assert table[TOTAL25]["Controllable Recharges"] == "-£26,794,460"
    assert {row["Savings"] for row in table.values()} == {""}
    assert table["Strategic Commissioning, Quality and Performance"]["Grants"] == "-"


# -- printed totals that do not equal their rows -----------------------------------------------------------


def test_the_asch_printed_total_is_shown_with_the_rows_sum_beside_it(client, all_plans):
    # 004 line 1647: TOTAL BUDGET prints 7,212,077 / 396,191,142 / 254,435,767, each 1,153,394 more than
    # the printed rows (lines 1631-1646)
    for url, region in (
        (reverse("plan", args=["asch-2020-21"]), "Approved Controllable Budget"),
        (reverse("plan_budget", args=["asch-2020-21"]), "Approved Controllable Budget (figures in £, as printed)"),
    ):
        total = grid(client, url, region)["TOTAL BUDGET"]
        assert total["Net Budget"] == "£254,435,767 the rows sum to £253,282,373; difference £1,153,394 (discrepancy)"
        assert total["Gross Budget"] == "£396,191,142 the rows sum to £395,037,748; difference £1,153,394 (discrepancy)"
        assert (
            total["Unallocated Budgets"] == "£7,212,077 the rows sum to £6,058,683; difference £1,153,394 (discrepancy)"
        )
        assert total["Income"] == "-£95,290,184"  # reconciles: nothing beside it
        page = client.get(url).content.decode()
        assert '£254,435,767 <strong class="app-figure__flag">does not add up</strong>' in page
        assert f'href="{reverse("corrections")}?plan=asch-2020-21">discrepancy</a>' in page


def test_no_ccp_cell_is_altered_to_absorb_rounding(client, all_plans):
    # 004 line 433: Corporate Finance and ICT prints Supplies and Services 9,087,456 and gross 21,920,128
    # (its categories sum to 21,920,127); line 441 TOTAL prints (4,842,408), 68,384,990 and 59,625,880
    table = grid(client, reverse("plan", args=["ccp-2020-21"]), "Approved Controllable Budget 2020/21")
    assert table["Corporate Finance and ICT"]["Supplies and Services"] == "£9,087,456"
    assert table["Corporate Finance and ICT"]["Gross Budget"] == (
        "£21,920,128 the cost categories sum to £21,920,127; difference £1 (discrepancy)"
    )
    assert (
        table["TOTAL"]["Unallocated budget"] == "-£4,842,408 the rows sum to -£4,842,409; difference £1 (discrepancy)"
    )
    assert table["TOTAL"]["Gross Budget"] == "£68,384,990 the rows sum to £68,384,989; difference £1 (discrepancy)"
    assert table["TOTAL"]["Net Budget"] == "£59,625,880 the rows sum to £59,625,879; difference £1 (discrepancy)"
    page = client.get(reverse("plan", args=["ccp-2020-21"])).content.decode()
    assert '£68,384,990 <strong class="app-figure__flag">rounding</strong>' in page


def test_the_ccp_roundings_are_listed_as_corrections(client, all_plans):
    page = client.get(reverse("corrections"), {"plan": "ccp-2020-21", "kind": "rounding"}).content.decode()
    assert page.count("rounding in the printed figures; kept as printed") == 5


# -- counts and ages in their own units -----------------------------------------------------------------------


def test_vehicle_counts_and_ages_are_not_pounds(client, all_plans):
    # 004 Appendix C (line 1278): CCP Van - 2.0t, quantity 6, average age 10, optimum life 6, £17,000 each
    table = grid(client, reverse("plan", args=["ete-2020-21"]), "Vehicle Replacement Programme 2020-2021")
    van = table["Commissioning, Communities and Policy: Van - 2.0t"]
    assert van["Quantity to Replace"] == "6"
    assert van["Average Age Profile of Existing Vehicles (Years)"] == "10"
    assert van["New Vehicle Optimum Life (Years)"] == "6"
    assert van["Estimated Capital Cost per Vehicle (£)"] == "£17,000"
    assert table["Total"]["Quantity to Replace"] == "58"


# -- "exceeding £Xm" is a lower bound, never an exact figure ----------------------------------------------------


@pytest.mark.parametrize(
    "slug, printed",
    [
        ("ete-2020-21", "exceeding £76.4 million"),  # 004 line 771
        ("ccp-2020-21", "exceeding £59 million"),  # 004 line 110
        ("cs-2023-24", "exceeding £148 million"),  # 001 line 43
    ],
)
def test_a_lower_bound_is_shown_as_printed_and_never_as_a_figure(client, all_plans, slug, printed):
    plan_page = client.get(reverse("plan", args=[slug])).content.decode()
    assert printed in plan_page
    budget = table_text(
        client.get(reverse("plan_budget", args=[slug])).content.decode(), "Budget figures printed in the plan's text"
    )
    row = next(r for r in budget if r[1] == printed)
    assert row[2] == "no figure stored" and "lower bound" in row[3]
    bound = printed.split("£")[1].replace(" million", "")
    assert f"£{bound}m" not in plan_page and f"£{float(bound) * 1_000_000:,.0f}" not in plan_page


def test_the_parser_reads_a_lower_bound_as_no_value():
    from decimal import Decimal

    from plans.parsing import parse_money

    bound = parse_money("exceeding £76.4 million")
    assert (bound.value, bound.status, bound.bound, bound.ok) == (None, "lower_bound", Decimal("76400000"), True)
    dash = parse_money("-")
    assert (dash.value, dash.status) == (None, "dash")  # a printed dash: no value, never zero


# -- notes for transcribers stay in the fixtures ---------------------------------------------------------------

TRANSCRIBER_WORDS = [
    "as briefed",
    "transcribed once",
    "not transcribed",
    "to transcribe",
    "not a record",
    "transcriber",
    "the loader",
    "`group`",
    "stored as contract_start",
    "stored as procurement_start",
    "values: []",
    "printed_total",
]


@pytest.mark.parametrize(
    "slug", ["asch-2020-21", "ccp-2020-21", "cs-2020-21", "cs-2022-23", "cs-2023-24", "cs-2025-29", "ete-2020-21"]
)
def test_notes_for_transcribers_are_not_on_the_public_pages(client, all_plans, slug):
    for url in (reverse("plan", args=[slug]), reverse("plan_budget", args=[slug])):
        page = client.get(url).content.decode().replace("&#x27;", "'")
        assert [w for w in TRANSCRIBER_WORDS if w in page] == [], url
    # the notes meant for readers are still there (000 line 253: "Working Draft")
    if slug == "cs-2022-23":
        page = client.get(reverse("plan", args=[slug])).content.decode().replace("&#x27;", "'")
        assert "Status draft: the document prints 'Working Draft' (line 253)" in page


def test_the_department_budget_shows_the_printed_total(client, all_plans):
    rows = table_text(
        client.get(reverse("department_budget", args=["adult-social-care-health"])).content.decode(),
        "Totals, service pressures and savings by plan year (pounds)",
    )
    header, row = rows[0], rows[1]
    assert row[header.index("Net budget")] == (
        "£254,435,767 the rows sum to £253,282,373; difference £1,153,394 (discrepancy)"
    )  # 004 line 1647
    assert row[header.index("Income")] == "-£95,290,184"


def test_a_printed_total_in_the_text_keeps_its_figure_with_the_parts_beside_it(client, all_plans):
    # 001 line 257: "£1.884 million" one-off funding; the one-off rows (lines 260-262) sum to £1.844 million
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(reverse("plan", args=["cs-2023-24"])).content.decode()).split())
    assert (
        "Service pressures one-off funding 2023-24 £1.884 million does not add up the one-off rows of the "
        "service-pressure table (lines 260-262) sum to £1,844,000; difference £40,000 ( discrepancy )"
    ) in page
    rows = table_text(
        client.get(reverse("plan_budget", args=["cs-2023-24"])).content.decode(),
        "Budget figures printed in the plan's text",
    )
    row = next(r for r in rows if r[0] == "Service pressures one-off funding 2023-24")
    assert row[1:3] == [
        "£1.884 million",
        "£1,884,000 the one-off rows of the service-pressure table (lines 260-262) "
        "sum to £1,844,000; difference £40,000 (discrepancy)",
    ]


def test_an_income_printed_without_its_minus_is_shown_as_printed(client, all_plans):
    # 004 line 2054: Schools & Learning income printed "11,529,389"; gross 40,237,605 + income -11,529,389
    # + grants -9,128,308 = net 19,579,908, so the minus sign is missing in print
    table = grid(client, reverse("plan", args=["cs-2020-21"]), "Approved Controllable Budget 2020/21")
    assert table["Schools & Learning"]["Income (£)"] == (
        "£11,529,389 the row's own figures give -£11,529,389; difference £23,058,778 (discrepancy)"
    )
    page = " ".join(
        html.unescape(
            re.sub(r"<[^>]+>", " ", client.get(reverse("plan_budget", args=["cs-2020-21"])).content.decode())
        ).split()
    )
    assert "Schools & Learning, Income (£): printed 11,529,389; the row's own figures give -£11,529,389" in page
