"""The procurement pipeline pages: council-wide, one plan's tables as printed, and the Procurement Act 2023
pipeline-notice view. Figures are checked against the source documents (002_a63e06525b642396.txt is the
2025-29 implementation plan; 004_32cbf65b4b2ba88d.txt holds the 2020-21 CCP, ETE and ASCH plans)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procurement.models import ProcurementEntry

pytestmark = pytest.mark.django_db

PIPELINE = reverse("procurement_pipeline")
NOTICE = reverse("pipeline_notice")

# 002_a63e06525b642396.txt lines 176-191: the 2025-29 pipeline rows with a contract start in 2026 and a value
# of £1m or more (two rows start in 2027: Catering Light Equipment, 15/06/2027, and Workwear, 01/06/2027).
OVER_1M_IN_2026 = {
    "Framework of Providers – Specialist Services for disabled Children, Young People and their Families": (
        "£15,000,000",
        "01/05/2026",
    ),
    "Delivery and Support for the Educational Psychology Services": ("£20,000,000", "01/02/2026"),
    "Framework for Education other than School or College (EOTISC)": ("£100,000,000", "01/09/2026"),
    "Framework for alternative provision (Education)": ("£100,000,000", "01/09/2026"),
    "Provision and Management of Creative Mentoring Service": ("£4,000,000", "01/09/2026"),
    "Forward to Foster": ("£8,000,000", "01/06/2026"),
    "Maintenance and Repairs of Heavy Catering Equipment": ("£2,100,000", "01/04/2026"),
    "Provision of Derbyshire Holiday activities and food programme": ("£12,000,000", "01/04/2026"),
    "D2N2 Children in Care Provision": ("£450,000,000", "01/02/2026"),
    "Emotional Health and Wellbeing for Children in Care": ("£3,200,000", "01/09/2026"),
}
OVER_1M_IN_2026_QUERY = "?value_min=1000000&contract_start_from=2026-01-01&contract_start_to=2026-12-31"


def row_titles(page: str) -> list[str]:
    """The first cell (the contract title) of every row of the pipeline table, in order."""
    cells = re.findall(r'<th scope="row" class="govuk-table__header[^"]*">(.*?)</th>', page, re.S)
    return [html.unescape(cell.split("<br>")[0]).strip() for cell in cells]


def headers(page: str) -> list[str]:
    cells = re.findall(r'<th scope="col" class="govuk-table__header[^"]*"[^>]*>(.*?)</th>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def shown_title(exported: str) -> str:
    """An exported title without the row's note, which the page prints under the title."""
    return exported.split(" (Note: ")[0]


def figure(page: str, chart_id: str = "procurement-timeline") -> dict:
    data = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(html.unescape(data.group(1)))


# -- the done-when question ---------------------------------------------------------------------------


def test_it_answers_which_contracts_over_1m_start_in_2026(client, all_plans):
    response = client.get(PIPELINE + OVER_1M_IN_2026_QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert set(row_titles(page)) == set(OVER_1M_IN_2026)
    table = page[page.index('id="contracts"') :]
    for title, (value, start) in OVER_1M_IN_2026.items():
        row = table[table.index(html.escape(title)) :]
        row = row[: row.index("</tr>")]
        assert value in row and start in row, title
    # Totals: £15m + £20m + £100m + £100m + £4m + £8m + £2.1m + £12m + £450m + £3.2m = £714.3m
    assert "£714.30m</span> total estimated value of the 10 contracts with a value (£714,300,000)" in page
    assert ">10</span> contracts selected" in page
    # Contracts over £1m with no real contract start (TBA, TBC, unknown, not printed) are said to be left out.
    undated = ProcurementEntry.objects.filter(value__gte=1_000_000, contract_start__isnull=True).count()
    assert f"{undated} contracts matching your other filters are left out" in page


def test_the_answer_downloads_as_csv_and_excel_with_the_rows_shown(client, all_plans):
    page = client.get(PIPELINE + OVER_1M_IN_2026_QUERY).content.decode()
    rows = csv_rows(client.get(PIPELINE + OVER_1M_IN_2026_QUERY + "&_export=csv"))
    assert rows[0] == headers(page)
    assert [shown_title(r[0]) for r in rows[1:]] == row_titles(page)
    d2n2 = next(r for r in rows if r[0] == "D2N2 Children in Care Provision")
    assert dict(zip(rows[0], d2n2, strict=False)) == {
        "Contract": "D2N2 Children in Care Provision",
        "Department": "Children's Services",
        "Plan": "Children's Services Implementation Plan 2025-29 (2025-26)",
        "Service group": "",
        "Table and value band as printed": "Commercial Pipeline of Procurement – up to 31 March 2027 – Procurements "
        "due to commence between 1 April 2025 and 31 March 2027.",
        "Estimated value": "450000000.00",
        "Procurement start": "01/04/2025",
        "Advert": "13/08/2025",
        "Contract start": "01/02/2026",
        "Contract length (months)": "120",
        "Statutory": "Yes",
    }
    workbook = load_workbook(io.BytesIO(client.get(PIPELINE + OVER_1M_IN_2026_QUERY + "&_export=xlsx").getvalue()))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet[0]) == headers(page)
    assert [shown_title(r[0]) for r in sheet[1:]] == row_titles(page)
    assert sum(Decimal(str(r[5])) for r in sheet[1:]) == Decimal("714300000")


# -- honest figures -------------------------------------------------------------------------------------


def test_words_and_impossible_dates_are_shown_as_printed_with_a_word(client, all_plans):
    page = client.get(PIPELINE + "?q=Toxicology").content.decode()
    # 004_32cbf65b4b2ba88d.txt line 515: "Provision of Toxicology Services £360,000.00 31/09/2020"
    assert '31/09/2020 <strong class="govuk-tag govuk-tag--yellow">Not a real date</strong>' in page
    assert "September 2020 has 30 days" in page
    assert "with a date that is not a real date" in page and ">1</span> with a date that is not a real date" in page
    # line 1256: "Supply of Vehicle Replacement Parts - Mercedes OEM £400,000 30/02/2023"
    page = client.get(PIPELINE + "?q=Mercedes+OEM").content.decode()
    assert '30/02/2023 <strong class="govuk-tag govuk-tag--yellow">Not a real date</strong>' in page
    assert "February 2023 has 28 days" in page
    # line 1679: "Homecare services £160,000,000 TBA"
    page = client.get(PIPELINE + "?q=Homecare+services").content.decode()
    assert 'TBA <strong class="govuk-tag govuk-tag--grey">To be advised</strong>' in page
    assert "£160,000,000" in page
    # line 598: "Asbestos Analytical and Bulk Sampling Services TBC TBC"
    page = client.get(PIPELINE + "?q=Asbestos+Analytical").content.decode()
    assert page.count('TBC <strong class="govuk-tag govuk-tag--grey">To be confirmed</strong>') == 2
    assert ">1</span> with no value: 1 to be confirmed" in page
    # line 1270: "DHART Project – Traffic Signals" with its value cell left blank
    page = client.get(PIPELINE + "?q=DHART+Project+%E2%80%93+Traffic").content.decode()
    assert '<span class="app-muted">Left blank</span>' in page


def test_the_council_wide_totals_count_every_row(client, all_plans):
    page = client.get(PIPELINE).content.decode()
    rows = ProcurementEntry.objects.count()
    unvalued = ProcurementEntry.objects.filter(value__isnull=True).count()
    assert rows == 536 and unvalued == 9
    assert f">{rows}</span> contracts selected" in page
    # The headline is read at a glance; the exact total is beside it.
    assert (
        f"£2.00bn</span> total estimated value of the {rows - unvalued} contracts with a value (£1,999,891,567.40)"
    ) in page
    assert ">9</span> with no value: 3 left blank, 3 to be advised, 3 to be confirmed" in page
    # The totals are of every row; the table shows them a page at a time.
    assert len(row_titles(page)) == 100 and "Page 1 of 6" in page
    assert len(row_titles(client.get(PIPELINE, {"page": "6"}).content.decode())) == rows - 500
    assert len(row_titles(client.get(PIPELINE, {"per_page": "500", "page": "2"}).content.decode())) == rows - 500


def test_tba_values_export_as_printed_words(client, all_plans):
    rows = csv_rows(client.get(PIPELINE + "?q=Telephone+Support&_export=csv"))
    row = dict(zip(rows[0], rows[1], strict=False))
    assert row["Contract"] == "Telephone Support (mental health)"
    assert row["Estimated value"] == "TBA (to be advised)"
    assert row["Contract start"] == "TBA (to be advised)"
    assert row["Procurement start"] == "Not in this table"


# -- filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, count",
    [
        ("?department=childrens-services", 12 + 22 + 35),
        ("?plan=cs-2025-29", 12),
        ("?plan=cs-2025-29&statutory=yes", 7),
        ("?plan=cs-2025-29&statutory=no", 5),
        ("?statutory=unknown", 536 - 12),
        ("?table=asch-2020-21-table-2", 4),
        ("?band=25k-50k", 5 + 6 + 42),
        ("?group=Pensions", 7),
        ("?timeline=yes", 33),
        ("?procurement_start_from=2025-01-01&procurement_start_to=2025-12-31", 11),
    ],
)
def test_each_filter(client, all_plans, query, count):
    page = client.get(PIPELINE + query + "&per_page=500").content.decode()
    assert len(row_titles(page)) == min(count, 500), query
    assert f">{count}</span> contract{'s' if count != 1 else ''} selected" in page


def test_the_value_band_filter_reads_the_printed_band(client, all_plans):
    page = client.get(PIPELINE + "?band=above-threshold&plan=cs-2022-23").content.decode()
    assert "Household Support Voucher Provider" in page and "Review of PFI Contract" not in page
    rows = csv_rows(client.get(PIPELINE + "?band=not-banded&_export=csv"))
    plans = {row[2] for row in rows[1:]}
    # The 2025-29 pipeline and CCP's forward plan print no value band.
    assert plans == {
        "Children's Services Implementation Plan 2025-29 (2025-26)",
        "Service Plan 2017-2021 2020/21 Update (2020-21)",
    }
    assert {row[1] for row in rows[1:]} == {"Children's Services", "Commissioning, Communities and Policy"}
    assert len(rows) - 1 == 12 + 224


def test_the_value_filters_bound_the_value(client, all_plans):
    page = client.get(PIPELINE + "?value_min=25000&value_max=25000").content.decode()
    expected = ProcurementEntry.objects.filter(value=25000).count()
    assert len(row_titles(page)) == expected > 0
    assert "Supported employment" in row_titles(page)  # £25,000, 004_32cbf65b4b2ba88d.txt


# -- sorting ------------------------------------------------------------------------------------------


def test_sorting_puts_rows_without_a_value_or_date_last(client, all_plans):
    titles = row_titles(client.get(PIPELINE + "?sort=-value").content.decode())
    assert titles[0] == "D2N2 Children in Care Provision"  # £450,000,000
    titles = row_titles(client.get(PIPELINE + "?sort=-value&page=6").content.decode())  # the last page
    assert set(titles[-9:]) == set(ProcurementEntry.objects.filter(value__isnull=True).values_list("title", flat=True))
    titles = row_titles(client.get(PIPELINE + "?sort=value&page=6").content.decode())
    assert titles[-1] in ProcurementEntry.objects.filter(value__isnull=True).values_list("title", flat=True)
    titles = row_titles(client.get(PIPELINE + "?plan=asch-2020-21&sort=-contract_start").content.decode())
    assert titles[0] == "Crisis intervention for people with disabilities"  # 01/07/2022, the latest
    assert "Homecare services" in titles[-32:]  # TBA after every real date


def test_the_default_order_is_by_procurement_start_like_the_timeline(client, all_plans):
    page = client.get(PIPELINE + "?plan=cs-2025-29").content.decode()
    titles = row_titles(page)
    assert titles[0].startswith("Framework of Providers")  # 19/02/2025
    assert titles[-1] == "Supply and Delivery of Catering Light Equipment"  # 08/04/2026
    bars = figure(page)["data"][0]
    assert [c[0] for c in bars["customdata"]] == titles  # every row has two real dates: one bar each


# -- the timeline ------------------------------------------------------------------------------------


def test_the_timeline_draws_rows_with_two_real_dates_and_lists_the_rest(client, all_plans):
    page = client.get(reverse("plan_procurement", args=["cs-2022-23"])).content.decode()
    bars = figure(page)["data"][0]
    # 000_1696c8c63c149500.txt: 22 rows; SEN Specialist Seating prints its contract start (01/10/2021)
    # before its procurement start (01/04/2022), so 21 bars.
    assert len(bars["y"]) == 21
    assert bars["customdata"][0][0] == "Children at Risk of Exploitation"  # procurement start 13/02/2022
    assert bars["base"][0] == "2022-02-13"
    assert (
        bars["text"][
            bars["customdata"].index(
                next(c for c in bars["customdata"] if c[0] == "Household Support Voucher Provider")
            )
        ]
        == "£28m"
    )
    assert "Not on the timeline: 1 contract" in page
    assert "Contract start is printed before procurement start: 1 contract" in page
    assert "SEN Specialist Seating/Equipment Framework" in page


def test_rows_without_two_dates_say_why(client, all_plans):
    page = client.get(reverse("plan_procurement", args=["asch-2020-21"])).content.decode()
    assert "No contract selected has both a real procurement start and a real contract start" in page
    assert "Its table prints no contract start: 29 contracts" in page  # the Public Health tables
    assert "Its table prints no procurement start; contract start is printed as words (to be advised): 3" in page
    assert 'id="procurement-timeline-data"' not in page


# -- one plan, tables as printed ------------------------------------------------------------------------


def test_a_plans_tables_are_shown_as_printed_with_totals(client, all_plans):
    page = re.sub(r"\s+", " ", client.get(reverse("plan_procurement", args=["asch-2020-21"])).content.decode())
    # 004_32cbf65b4b2ba88d.txt line 1666 "TOTAL: £625,172" agrees with its 4 rows; line 1694 "TOTAL:
    # £413,010,140" leaves out the last row, Crisis intervention for people with disabilities (£998,640).
    assert "Printed total £625,172; sum of the 4 rows with a value: £625,172 – agrees with the printed total" in page
    assert "Printed total £413,010,140;" in page
    assert (
        "sum of the 19 rows with a value (of 21): £414,008,780 – <strong>differs from the printed total by "
        "£998,640</strong>" in page
    )
    assert page.count('<th scope="rowgroup"') == 5 + 5  # five printed tables with rows, each under a group heading
    assert "Printed with no rows: Table One: Forward Plan of Procurements" in page
    assert headers(page) == ["Contract", "Estimated value", "Procurement start", "Contract start"]


def test_the_2025_29_pipeline_as_printed(client, all_plans, django_assert_num_queries):
    # 1 plan + department; 2 the plan's printed tables with their groups, row counts and columns printed;
    # 3 the rows with table, plan, department and their table's count, sum and columns (subqueries)
    with django_assert_num_queries(3):
        response = client.get(reverse("plan_procurement", args=["cs-2025-29"]))
    page = response.content.decode()
    assert headers(page) == [
        "Contract",
        "Estimated value",
        "Procurement start",
        "Advert",
        "Contract start",
        "Contract length (months)",
        "Statutory",
    ]
    assert row_titles(page)[0].startswith("Framework of Providers")  # document order
    assert row_titles(page)[-1] == "Emotional Health and Wellbeing for Children in Care"
    assert "Commercial Pipeline of Procurement – up to 31 March 2027" in page
    assert "No total printed" in page and "sum of the 12 rows with a value: £714,660,000" in page
    assert "5 (3+2)" in page and "13/08/2025" in page and "£450,000,000" in page
    assert "Statutory flag printed as Greek capital upsilon" in page


def test_a_sorted_plan_page_drops_the_printed_headings(client, all_plans):
    url = reverse("plan_procurement", args=["ccp-2020-21"])
    page = client.get(url).content.decode()
    assert '<th scope="rowgroup" colspan="3" class="govuk-table__header">Pensions</th>' in page
    page = client.get(url + "?sort=-value").content.decode()
    assert 'scope="rowgroup"' not in page
    assert "Show the tables as printed" in page
    assert "Service group" in headers(page)
    # 004_32cbf65b4b2ba88d.txt line 558: "Ormiston Enterprise Academy ... - New Build £26,000,000.00"
    assert row_titles(page)[0] == "Ormiston Enterprise Academy & Bennerley Avenue School - New Build"


def test_the_plan_export_has_the_rows_shown_and_the_headings_as_columns(client, all_plans):
    url = reverse("plan_procurement", args=["asch-2020-21"])
    page = client.get(url + "?q=Wellbeing").content.decode()
    rows = csv_rows(client.get(url + "?q=Wellbeing&_export=csv"))
    assert rows[0] == [
        "Contract",
        "Service group",
        "Table and value band as printed",
        "Estimated value",
        "Procurement start",
        "Contract start",
    ]
    assert (
        [r[0] for r in rows[1:]]
        == row_titles(page)
        == [
            "Wellbeing Advice and Support Service - Whitfield House and Stonelow Court",
            "Wellbeing Advice and Support Service - Oaklands",
        ]
    )
    assert rows[1][1] == "Adult Care" and rows[1][3] == "241460.00"


def test_a_plan_without_a_pipeline_says_so_and_an_unknown_plan_is_404(client, all_plans):
    page = client.get(reverse("plan_procurement", args=["cs-2023-24"])).content.decode()
    assert "This plan prints no procurement pipeline." in page
    assert client.get(reverse("plan_procurement", args=["nope-2099-00"])).status_code == 404


def test_the_plan_page_links_to_its_pipeline(client, all_plans):
    page = client.get(reverse("plan", args=["cs-2025-29"])).content.decode()
    assert f'href="{reverse("plan_procurement", args=["cs-2025-29"])}"' in page
    assert "Open the filterable pipeline for this plan" in page


# -- the pipeline notice --------------------------------------------------------------------------------


def test_the_pipeline_notice_lists_contracts_over_2m_starting_in_18_months(
    client, all_plans, django_assert_num_queries
):
    # 1 the council (the scope); 2 its contracts over £2m with table, plan, department
    with django_assert_num_queries(2):
        response = client.get(NOTICE + "?from=2025-04-01")
    page = response.content.decode()
    assert "From 1 April 2025 to 30 September 2026" in page
    # Every 2025-29 contract over £2m starts between 01/02/2026 and 01/09/2026; the £1m-£2m ones are none.
    assert set(row_titles(page)) == set(OVER_1M_IN_2026)
    assert "£714.30m</span> their total estimated value (£714,300,000)" in page
    assert "Values are the plans' estimates, not valuations under the Act." in page
    assert "contract start date as printed" in page


def test_the_pipeline_notice_window_is_18_months_and_over_means_over(client, all_plans):
    # 18 months from 1 August 2024 ends on 31 January 2026: the two contracts starting 01/02/2026 are out.
    page = client.get(NOTICE + "?from=2024-08-01").content.decode()
    assert row_titles(page) == []
    assert "From 1 August 2024 to 31 January 2026" in page
    page = client.get(NOTICE + "?from=2024-08-02").content.decode()
    assert set(row_titles(page)) == {
        "D2N2 Children in Care Provision",
        "Delivery and Support for the Educational Psychology Services",
    }
    # D2N2 Framework for Supported Accommodation is exactly £2,000,000 (000_1696c8c63c149500.txt): not over £2m.
    page = client.get(NOTICE + "?from=2022-04-01").content.decode()
    assert "D2N2 Framework for Supported Accommodation" not in row_titles(page)
    assert "Holiday Activity Fund" in row_titles(page)  # £20,000,000 from 01/05/2022
    # Over £2m with no real contract start: listed apart, never silently dropped.
    assert "Homecare services: £160,000,000" in page and "contract start printed “TBA”" in page


def test_the_pipeline_notice_defaults_to_today(client, all_plans, monkeypatch):
    monkeypatch.setattr("procurement.views.timezone.localdate", lambda: dt.date(2025, 9, 1))
    page = client.get(NOTICE).content.decode()
    assert "From 1 September 2025 to 28 February 2027" in page
    assert "from today" in page
    assert len(row_titles(page)) == 10


def test_the_pipeline_notice_exports(client, all_plans):
    page = client.get(NOTICE + "?from=2025-04-01").content.decode()
    rows = csv_rows(client.get(NOTICE + "?from=2025-04-01&_export=csv"))
    assert rows[0] == headers(page)
    assert [shown_title(r[0]) for r in rows[1:]] == row_titles(page)
    assert rows[6][0] == (
        "Forward to Foster (Note: Statutory flag printed as Greek capital upsilon (U+03A5), "
        "not the Latin letter Y; it means Y (statutory).)"
    )


# -- bad input and query counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("?value_min=abc", "Enter a number."),
        ("?value_min=NaN", "Enter a number."),
        ("?value_min=-5", "greater than or equal to 0"),
        ("?value_min=1e40", "no more than 16 digits"),
        ("?department=parks", "Select a valid choice"),
        ("?plan=nope-2099-00", "Select a valid choice"),
        ("?table=cs-2025-29-table-99", "Select a valid choice"),
        ("?statutory=maybe", "Select a valid choice"),
        ("?contract_start_from=2026-13-45", "Enter a valid date."),
        ("?contract_start_from=2026-12-31&contract_start_to=2026-01-01", "Contract start &#x27;from&#x27; must be on"),
        ("?value_min=5&value_max=1", "Minimum value must not be more than the maximum value"),
        ("?q=" + "x" * 300, "at most 200 characters"),
        ("?q=%00", "Null characters are not allowed."),
    ],
)
def test_bad_filter_input_shows_the_error_not_a_500(client, all_plans, query, message):
    response = client.get(PIPELINE + query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "No contracts are shown until the problem in the filters is put right." in page


@pytest.mark.parametrize("query", ["?sort=nonsense", "?sort=-", "?_export=pdf", "?timeline=", "?page=9"])
def test_odd_query_strings_are_ignored(client, all_plans, query):
    assert client.get(PIPELINE + query).status_code == 200
    assert client.get(reverse("plan_procurement", args=["cs-2022-23"]) + query).status_code == 200


SORTS = [
    "title",
    "department",
    "plan",
    "group",
    "table",
    "value",
    "procurement_start",
    "advert",
    "contract_start",
    "length",
    "statutory",
]


@pytest.mark.parametrize("sort", SORTS + [f"-{name}" for name in SORTS])
def test_every_column_sorts_on_every_page(client, all_plans, sort):
    for url in (PIPELINE, reverse("plan_procurement", args=["cs-2025-29"]), NOTICE + "?from=2025-04-01"):
        response = client.get(url + ("&" if "?" in url else "?") + "sort=" + sort)
        assert response.status_code == 200, url
    titles = row_titles(client.get(PIPELINE + "?plan=cs-2025-29&sort=" + sort).content.decode())
    assert len(titles) == 12


@pytest.mark.parametrize("value", ["garbage", "2025-02-30", "99999-01-01"])
def test_a_bad_notice_date_falls_back_to_today_with_the_error(client, all_plans, value):
    response = client.get(NOTICE + "?from=" + value)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in page and "from today" in page


def test_the_pipeline_query_count_is_fixed(client, all_plans, django_assert_num_queries):
    # 1 the councils (the scope); 2 the printed tables with plan, department, groups, row counts and columns
    # printed (filter choices); 3 count of matching rows (the pager); 4 the page's rows with table, plan,
    # department and their table's figures (subqueries); 5 the totals' columns of every matching row
    with django_assert_num_queries(5):
        client.get(PIPELINE)
    with django_assert_num_queries(5):
        client.get(PIPELINE + "?q=Supply&sort=-contract_start&page=2")
    # + 6 how many rows a date filter leaves out for having no real date
    with django_assert_num_queries(6):
        client.get(PIPELINE + OVER_1M_IN_2026_QUERY)
    # the export: councils, choices and rows (read as the workbook streams)
    with django_assert_num_queries(3):
        b"".join(client.get(PIPELINE + "?_export=xlsx").streaming_content)


def test_the_query_count_does_not_grow_with_rows(client, all_plans, django_assert_num_queries):
    ProcurementEntry.objects.exclude(plan__slug="cs-2025-29").delete()  # rolled back after the test
    with django_assert_num_queries(5):
        page = client.get(PIPELINE).content.decode()
    assert len(row_titles(page)) == 12
    with django_assert_num_queries(3):
        client.get(reverse("plan_procurement", args=["cs-2025-29"]))


def test_totals_summed_in_sql_agree_with_the_rows_one_by_one(all_plans):
    """The council-wide totals (grouped in PostgreSQL) and a plan page's totals (counted row by row in Python)
    are the same figures for the same rows, on every filter that changes them."""
    from plans.models import Council
    from procurement.selectors import pipeline_queryset, pipeline_totals, pipeline_totals_of

    council = Council.objects.get()
    for rows in (
        pipeline_queryset(council=council),
        pipeline_queryset(council=council).filter(value__isnull=True),
        pipeline_queryset(council=council).filter(plan__slug="ete-2020-21"),
    ):
        in_sql, one_by_one = pipeline_totals_of(rows), pipeline_totals(list(rows))
        assert in_sql == one_by_one
    totals = pipeline_totals_of(pipeline_queryset(council=council))
    assert totals.not_real_dates and totals.worded_dates and totals.unvalued_words  # the seed has each kind


def test_each_printed_table_stores_the_figures_of_its_rows(all_plans):
    """What the loader stores on each table (ProcurementTable.objects.summarise) is what its rows add up to."""
    from procurement.models import OPTIONAL_COLUMNS, ProcurementTable

    for table in ProcurementTable.objects.prefetch_related("entries"):
        rows = list(table.entries.all())
        values = [e.value for e in rows if e.value is not None]
        assert (table.row_count, table.valued_count, table.value_sum) == (
            len(rows),
            len(values),
            sum(values) if values else None,
        ), table
        for name in OPTIONAL_COLUMNS:
            assert table.prints(name) == any(getattr(e, f"{name}_printed") for e in rows), (table, name)
    ete = ProcurementTable.objects.filter(plan__slug="ete-2020-21")
    assert ete.exists() and not any(t.prints_procurement_start for t in ete)  # ETE prints no procurement start
