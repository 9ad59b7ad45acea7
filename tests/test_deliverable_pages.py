"""Deliverables and risks across plans, the deliverable page's linked KPIs and risks, and the 2025-29
outcome -> objective -> action tree. Figures and texts are checked against the source documents:
000_1696c8c63c149500.txt (Children's Services 2022-23), 002_a63e06525b642396.txt (2025-29 implementation
plan) and 004_32cbf65b4b2ba88d.txt (CCP and ASCH 2020-21)."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from plans.models import Deliverable, Plan, Risk

pytestmark = pytest.mark.django_db


class TableParser(HTMLParser):
    """The header and body rows of every <table> on a page, as whitespace-normalised cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.part = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "li" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            target = self.tables[-1]["head"] if self.part == "thead" else self.tables[-1]["rows"]
            target.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_of(page: str) -> list[dict]:
    parser = TableParser()
    parser.feed(page)
    return parser.tables


def shown(response) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the page's main (first) table."""
    table = tables_of(response.content.decode())[0]
    rows = [row for row in table["rows"] if row != ["Nothing matches."]]
    return table["head"][0], rows


def norm(value) -> str:
    return " ".join(str("" if value is None else value).split())


def csv_rows(response) -> list[list[str]]:
    return [[norm(cell) for cell in row] for row in csv.reader(io.StringIO(response.getvalue().decode("utf-8")))]


def xlsx_rows(response) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    return [[norm(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def text_of(response) -> str:
    """The page's text, tags dropped and entities decoded, whitespace normalised."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def source_line(document: str, number: int) -> str:
    return (settings.SOURCE_DOCUMENTS_DIR / document).read_text(encoding="utf-8").splitlines()[number - 1]


# -- /deliverables/ -----------------------------------------------------------------------------------------


def test_it_lists_every_deliverable_of_every_plan(client, all_plans, django_assert_num_queries):
    # 1 the councils (the scope); 2 department choices for the select; 3 plan choices (+department);
    # 4 council priorities (distinct); 5 count of matching deliverables (the pager); 6 the page's deliverables
    # with plan, department and parent
    with django_assert_num_queries(6):
        response = client.get(reverse("deliverable_list"), {"per_page": "500"})
    assert response.status_code == 200
    head, rows = shown(response)
    assert head == [
        "Ref",
        "Deliverable",
        "Department",
        "Plan",
        "Council priority or outcome",
        "Lead",
        "Start",
        "End",
        "Listed in the Council Plan",
    ]
    assert len(rows) == Deliverable.objects.count() == 222
    assert "222 deliverables shown." in text_of(response)
    # 000_1696c8c63c149500.txt line 212, as printed
    assert [
        "CP-03",
        "Implemented key actions to reduce discrimination and tackle inequalities as set out in the "
        "Council's new Equality, Diversity and Inclusion Strategy 2022 - 2025",
        "Children's Services",
        "Service Plan 2021-25 (2022-23 Refresh) (2022-23)",
        "Resilient, healthy and safe communities",
        "Director for Schools and Learning",
        "Mar 2022",
        "Mar 2023",
        "Not stated",
    ] in rows
    # 004_32cbf65b4b2ba88d.txt line 272: a CCP sub-action of action 6, ticked as in the Council Plan
    line = source_line("004_32cbf65b4b2ba88d.txt", 272)
    assert "Corporate Property 2020 programme\tDave Massingham\tFebruary 2019\tDecember 2020" in line and "✓" in line
    assert [
        "6. sub-action",
        "Corporate Property 2020 programme",
        "Commissioning, Communities and Policy",
        "Service Plan 2017-2021 2020/21 Update (2020-21)",
        "Value for money",
        "Dave Massingham",
        "February 2019",
        "December 2020",
        "Yes",
    ] in rows


def test_the_query_count_does_not_grow_with_rows(client, all_plans, django_assert_num_queries):
    Deliverable.objects.exclude(plan__slug="cs-2022-23").delete()
    with django_assert_num_queries(6):
        response = client.get(reverse("deliverable_list"), {"per_page": "500"})
    assert len(shown(response)[1]) == 27


def test_each_title_links_to_its_page(client, all_plans):
    item = Deliverable.objects.get(plan__slug="cs-2022-23", key="CP-03")
    page = client.get(reverse("deliverable_list"), {"per_page": "500"}).content.decode()
    assert f'href="{item.get_absolute_url()}"' in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("department=childrens-services", 27 + 24 + 29 + 15),
        ("plan=cs-2022-23", 27),
        ("plan=cs-2025-29", 15),
        ("section=objective", 15),
        ("section=departmental", 9 + 11 + 3 + 9 + 2 + 15),
        ("lead=massingham", None),
        ("in_council_plan=yes", 21 + 20 + 10),
        ("in_council_plan=no", 28 + 15 + 10),
        ("in_council_plan=not-stated", 222 - 51 - 53),
        ("council_priority=Value+for+money", 16 + 9 + 6 + 3),
        ("department=childrens-services&council_priority=Value+for+money", 6),
    ],
)
def test_it_filters(client, all_plans, query, expected):
    response = client.get(reverse("deliverable_list") + "?per_page=500&" + query)
    rows = shown(response)[1]
    if expected is None:  # lead contains, case-insensitive
        assert rows and all("massingham" in row[5].lower() for row in rows)
        assert len(rows) == Deliverable.objects.filter(lead__icontains="Massingham").count()
    else:
        assert len(rows) == expected
        assert f"{expected} deliverable{'s' if expected != 1 else ''} shown." in text_of(response)


def test_a_month_range_matches_printed_months_and_leaves_words_out(client, all_plans):
    url = reverse("deliverable_list") + "?per_page=500&"
    # Ends in March 2021: 47 printed "March 2021" and one "31 March 2021" (a day inside the month).
    rows = shown(client.get(url + "end_from=2021-03&end_to=2021-03"))[1]
    assert len(rows) == 48
    assert {row[7] for row in rows} == {"March 2021", "31 March 2021"}
    # "March 2021 and ongoing to deliverable deadline of 2050" is words, not a date: it is not claimed.
    assert not any("ongoing" in row[7].lower() for row in rows)
    # Including undated adds every end printed as words or left blank (91 of them), and says so.
    rows = shown(client.get(url + "end_from=2021-03&end_to=2021-03&undated=include"))[1]
    assert len(rows) == 48 + 91
    ends = {row[7] for row in rows}
    assert {
        "Ongoing",
        "Not printed",
        "To be confirmed",
        "Ongoing – reported annually",
        "March 2021 and ongoing to deliverable deadline of 2050",
    } <= ends


def test_a_year_only_date_covers_each_month_of_its_year(client, all_plans):
    # Two deliverables print their start as "2018" only; May 2018 is inside that year.
    rows = shown(client.get(reverse("deliverable_list") + "?per_page=500&start_from=2018-05&start_to=2018-05"))[1]
    assert [row[6] for row in rows] == ["2018", "2018"]


def test_a_financial_year_of_starts(client, all_plans):
    rows = shown(client.get(reverse("deliverable_list") + "?per_page=500&start_from=April+2019&start_to=03/2020"))[1]
    # April 2019 (29), May (7), June (2), July (3), September (3), October (2), November 2019 (2)
    assert len(rows) == 48
    assert {row[6] for row in rows} == {
        "April 2019",
        "May 2019",
        "June 2019",
        "July 2019",
        "September 2019",
        "October 2019",
        "November 2019",
    }
    # only a lower bound: everything dated from April 2022 (one "Apr 2022")
    rows = shown(client.get(reverse("deliverable_list") + "?per_page=500&start_from=2022-04"))[1]
    assert [row[6] for row in rows] == ["Apr 2022"]


def test_it_sorts_by_date_with_words_last(client, all_plans):
    undated = {
        printed or "Not printed"
        for printed in Deliverable.objects.filter(start__isnull=True).values_list("start_printed", flat=True)
    }
    assert {"Not printed", "Underway", "Ongoing", "To be confirmed", "Markham 2006 Coalite 2017"} <= undated
    dated = Deliverable.objects.filter(start__isnull=False).count()
    ascending = [row[6] for row in shown(client.get(reverse("deliverable_list") + "?per_page=500&sort=start"))[1]]
    assert ascending[:3] == ["April 2008", "April 2014", "March 2017"]
    assert not set(ascending[:dated]) & undated and set(ascending[dated:]) == undated
    descending = [row[6] for row in shown(client.get(reverse("deliverable_list") + "?per_page=500&sort=-start"))[1]]
    assert descending[:2] == ["Apr 2022", "Mar 2022"]
    # words sort last in both directions: a word is not a date earlier or later than any other
    assert not set(descending[:dated]) & undated and set(descending[dated:]) == undated


def test_it_sorts_by_title_both_ways(client, all_plans):
    ascending = [row[1] for row in shown(client.get(reverse("deliverable_list") + "?per_page=500&sort=title"))[1]]
    descending = [row[1] for row in shown(client.get(reverse("deliverable_list") + "?per_page=500&sort=-title"))[1]]
    assert len(ascending) == 222 and descending == ascending[::-1]
    assert ascending[0].startswith("A") and ascending != [
        row[1] for row in shown(client.get(reverse("deliverable_list"), {"per_page": "500"}))[1]
    ]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_download_holds_the_rows_and_columns_shown(client, all_plans, export):
    query = "?department=childrens-services&end_from=2023-03&undated=include&sort=-end"
    head, rows = shown(client.get(reverse("deliverable_list") + query))
    response = client.get(reverse("deliverable_list") + query + f"&_export={export}")
    assert response.status_code == 200
    assert f'filename="deliverables.{export}"' in response["Content-Disposition"]
    got = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert got[0] == head
    assert got[1:] == rows
    assert len(rows) > 20


@pytest.mark.parametrize(
    "query, field",
    [
        ("start_from=not-a-month", "start_from"),
        ("end_to=2021-13", "end_to"),
        ("start_from=2022-05&start_to=2021-01", "start_to"),
        ("plan=nope-2099-00", "plan"),
        ("department=parks", "department"),
        ("council_priority=Nothing+like+this", "council_priority"),
        ("section=bogus", "section"),
        ("in_council_plan=maybe", "in_council_plan"),
        ("undated=perhaps", "undated"),
        ("lead=" + "x" * 201, "lead"),
    ],
)
def test_bad_input_shows_the_error_not_a_500(client, all_plans, query, field):
    response = client.get(reverse("deliverable_list") + "?per_page=500&" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert f'id="id_{field}-error"' in page and 'aria-describedby="' in page
    assert "Nothing is listed until the filters are corrected." in page
    assert shown(response)[1] == []
    assert client.get(reverse("deliverable_list") + "?per_page=500&" + query + "&_export=csv").status_code == 200


# -- /risks/ ------------------------------------------------------------------------------------------------


def test_it_lists_every_risk_with_its_mitigations(client, all_plans, django_assert_num_queries):
    # 1 the councils (the scope); 2 department choices; 3 plan choices (+department); 4 types, priorities and
    # parts (distinct); 5 count of matching risks (the pager); 6 the page's risks with plan and department
    with django_assert_num_queries(6):
        response = client.get(reverse("risk_list"), {"per_page": "500"})
    head, rows = shown(response)
    assert head == [
        "Risk",
        "Department",
        "Plan",
        "Council priority or part",
        "Deliverable refs",
        "Type",
        "Mitigations",
        "Owner",
    ]
    assert len(rows) == Risk.objects.count() == 36
    # 000_1696c8c63c149500.txt line 445
    assert "Risk of death or serious injury to a looked after child" in source_line("000_1696c8c63c149500.txt", 445)
    assert [
        "Risk of death or serious injury to a looked after child or a child receiving help and protection",
        "Children's Services",
        "Service Plan 2021-25 (2022-23 Refresh) (2022-23)",
        "",
        "",
        "Strategic",
        "Risks can never be eliminated but we continually seek to strengthen risk management and practice for "
        "children known to the local authority, via: Clear policies and procedures Comprehensive learning and "
        "development Effective social work recruitment and retention strategies Robust and independent quality "
        "assurance",
        "Executive Director",
    ] in rows


def test_the_risk_query_count_does_not_grow_with_rows(client, all_plans, django_assert_num_queries):
    Risk.objects.exclude(plan__slug="cs-2022-23").delete()
    with django_assert_num_queries(6):
        response = client.get(reverse("risk_list"), {"per_page": "500"})
    assert len(shown(response)[1]) == 4


@pytest.mark.parametrize(
    "query, expected",
    [
        ("department=adult-social-care-health", 10),
        ("plan=cs-2020-21", 8),
        ("type=Resource", 3),
        ("owner=executive", 4),
        ("section=Public+Health", 5),
        ("council_priority=Value+for+money", 2 + 2 + 1 + 1),
        ("department=adult-social-care-health&section=Adult+Care&council_priority=Prosperous+Derbyshire", 1),
    ],
)
def test_it_filters_risks(client, all_plans, query, expected):
    response = client.get(reverse("risk_list") + "?" + query)
    assert len(shown(response)[1]) == expected
    assert f"{expected} risk{'s' if expected != 1 else ''} shown." in text_of(response)


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_risk_download_holds_the_rows_shown(client, all_plans, export):
    query = "?department=childrens-services&sort=type"
    head, rows = shown(client.get(reverse("risk_list") + query))
    response = client.get(reverse("risk_list") + query + f"&_export={export}")
    got = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert got[0] == head and got[1:] == rows and len(rows) == 12


@pytest.mark.parametrize(
    "query", ["type=Nope", "plan=zz", "department=1", "section=x", "council_priority=x", "owner=" + "y" * 300]
)
def test_bad_risk_filters_show_an_error(client, all_plans, query):
    response = client.get(reverse("risk_list") + "?" + query)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and shown(response)[1] == []


# -- the deliverable page: linked KPIs and risks -----------------------------------------------------------


def test_a_deliverable_shows_the_kpis_its_plan_links_to_it(client, all_plans, django_assert_num_queries):
    # 004_32cbf65b4b2ba88d.txt line 1501: action 1 of Section One, measured by KPI 1) on line 1538
    item = Deliverable.objects.get(plan__slug="asch-2020-21", key="no-1")
    assert "1) Achieved departmental budget savings in 2019-20 and 2020-21\t£12.249m\t£4.973m\t£5.732m" in source_line(
        "004_32cbf65b4b2ba88d.txt", 1538
    )
    assert (
        source_line("004_32cbf65b4b2ba88d.txt", 1537)
        == "Description\tActual 2017-18\tLatest 2018-19\tTarget 2019-20\tTarget 2020-21"
    )
    url = item.get_absolute_url()
    # 1 deliverable with plan, department, parent, objective; 2 sub-actions; 3 progress updates; 4 linked KPIs
    # (+plan); 5 their values; 6 risks naming it
    with django_assert_num_queries(6):
        response = client.get(url)
    tables = tables_of(response.content.decode())
    assert tables[0]["rows"] == [
        [
            "1) Achieved departmental budget savings in 2019-20 and 2020-21",
            "£4.973m (2018-19)",
            "£5.732m",
            "Off track Missed by 759,000: 4,973,000 (latest 2018-19) against the 2019-20 target '£5.732m'",
            tables[0]["rows"][0][4],
        ]
    ]
    assert "No risk in this plan names this deliverable (1.)" in text_of(response)


def test_numbering_that_restarts_per_part_links_the_right_kpis(client, all_plans):
    # Section Two's action 1 (line 1588) is measured by 1a-1c, not by Section One's KPI 1)
    item = Deliverable.objects.get(plan__slug="asch-2020-21", number="1", part="Section Two – Departmental Priorities")
    rows = tables_of(client.get(item.get_absolute_url()).content.decode())[0]["rows"]
    assert [row[0] for row in rows] == [
        "1a) Overall satisfaction of carers with social services (%) (ASCOF 3B)",
        "1b) The proportion (%) of carers who report they have been included or consulted in discussions about the "
        "person they care for (ASCOF 3C)",
        "1c) The proportion (%) of social care (user and) carers who find it easy to find information and advice "
        "about services (ASCOF 3D1)",
    ]
    assert {row[3] for row in rows} == {"No assessment No target: monitored only"}


def test_a_deliverable_shows_the_risks_that_name_it(client, all_plans, django_assert_num_queries):
    # No printed risk table names a deliverable ref, so the rule is shown with a risk that does.
    plan = Plan.objects.get(slug="cs-2022-23")
    Risk.objects.create(
        plan=plan,
        description="Named risk",
        refs=["CP-29"],
        type="Strategic",
        owner="Director",
        mitigations=["First mitigation"],
        order=99,
    )
    Risk.objects.create(plan=plan, description="Another deliverable's risk", refs=["CP-03"], order=100)
    url = plan.deliverables.get(refs__contains=["CP-29"]).get_absolute_url()
    # 1 deliverable; 2 sub-actions; 3 progress updates; 4 linked KPIs (none, so no values query); 5 risks
    with django_assert_num_queries(5):
        response = client.get(url)
    text = text_of(response)
    assert "Named risk (Strategic; owner: Director) First mitigation" in text
    assert "Another deliverable's risk" not in text
    assert "The plan links no key performance measure to this deliverable." in text


def test_an_action_links_to_its_objective_in_the_tree(client, all_plans):
    item = Deliverable.objects.get(plan__slug="cs-2025-29", key="so14-1")
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{reverse("objective_tree", args=["cs-2025-29"])}#objective-14"' in page


# -- the 2025-29 objective tree -----------------------------------------------------------------------------

# Objective 14 exactly as 002_a63e06525b642396.txt prints it (lines 61-84). Rows continued across page
# breaks are read as one: the first action's lead is split over lines 70 and 73, the second's over 74-75,
# the third's title and cells over 76 and 79, the fourth's success measures over 80 and 83.
OBJECTIVE_14 = {
    "title": "Strategic objective 14: Develop new operating models to provide enhanced services to children and "
    "families, strengthen workforce development and explore commercial opportunities",
    "lead_directors": [
        "Director of Strategic, Commissioning, Quality and Performance",
        "Director of Schools and Learning",
    ],
    "supporting": ["CST", "Place"],  # printed "CST and Place"
    "dates": "Apr 2025 - Apr 2027",
    "actions": [
        {
            "title": "Develop a new operating model to support the effective delivery of children's services",
            "lead": "Director of Strategic, Commissioning, Quality and Performance",
            "end": "Apr 2027",
            "supporting": ["CST – Finance", "HR", "Legal", "Procurement", "PMO"],
            "support": [
                "Continued departmental commitment and support for project lead",
                "Clear financial reporting",
                "HR and Legal advice to ensure proposals are compliant",
                "Support with staff structures and proposals in relation to any changes in contract",
                "Support to understand and respond to property requirements",
            ],
            "timescale": "Apr 2025- Apr 2027",
            "measures": ["New target operating model embedded demonstrating efficiencies and delivering within budget"],
            "risks": ["Uncertainty of capacity, recruitment skills gaps"],
        },
        {
            "title": "Empower schools to deliver a consistent approach to inclusion and equitable access to education "
            "for all children and young people",
            "lead": "Director of Schools and Learning",
            "end": "Apr 2027",
            "supporting": ["CST – Legal", "Digital/ Data"],
            "support": ["Digital solution", "Data analysis/ performance team"],
            "timescale": "April 2025- April 2027",
            "measures": [
                "Reduced fixed-term and permanent exclusions, reduction in the use of alternative provision, "
                "increased number of children receiving education"
            ],
            "risks": [
                "Uncertainty of engagement and provision to meet need and increasing demand",
                "Insufficient data for analysis across provision",
            ],
        },
        {
            "title": "Deliver an effective workforce and organisational development strategy",
            "lead": "Director of Strategic, Commissioning, Quality and Performance",
            "end": "Apr 2027",
            "supporting": ["CST – HR"],
            "support": [
                "HR support and efficient data analysis, bringing strategic objectives such as equality, "
                "diversity and inclusion to the local workforce development strategy",
                "HR support to identify and deliver on suitable creative initiatives to support staff "
                "development such as mentoring schemes",
                "HR support with Performance Development Review (PDR) reporting",
            ],
            "timescale": "Apr 2025- Apr 2027",
            "measures": [
                "Strategy embedded with a clear workforce offer across all divisions",
                "Build the capacity of staff to own, innovate and deliver change",
                "Clear training and skills needs identified through PDR process and in partnership with "
                "Learning and Development",
            ],
            "risks": [
                "Insufficient data for analysis from the local safeguarding partnership on training attendance",
                "Financial pressures",
            ],
        },
        {
            "title": "Transform home to school transport provision",
            "lead": "Director of Schools and Learning",
            "end": "Apr 2027",
            "supporting": ["Place", "CST – Finance", "Procurement", "Legal", "Digital/Data"],
            "support": [
                "Collaborative cross departmental approaches to ensure effective information sharing, clear "
                "financial reporting and jointly agreed objectives",
                "Legal lens on any proposed changes to policy and pathways",
                "Digital solutions",
            ],
            "timescale": "Apr 2025- Apr 2027",
            "measures": [
                "Home to school transport responsibility sits wholly within Children's Services",
                "Sufficient provision for children entitled to home to school transport",
                "Reduction in costs ensuring best value for money",
            ],
            "risks": [
                "Increased identification and complexity of children in need leading to increased demand, large "
                "geographical footprint of Derbyshire, increasing costs with providers, lack of provision"
            ],
        },
        {
            "title": "Drive strategic and commercial development of schools and learning",
            "lead": "Director of Schools and Learning",
            "end": "Apr 2027",
            "supporting": ["CST – Finance", "Legal", "Digital/Data"],
            "support": ["Clarity of overheads, fees and charges", "Marketing support"],
            "timescale": "April 2025- April 2027",
            "measures": [
                "Clear legal basis for trading all traded services meeting the cost of delivering services",
                "Clear financial analysis",
            ],
            "risks": [
                "Lack of engagement, lack of robust data and financial analysis across traded services, "
                "commercialisation doesn't meet the cost of delivering services, legal basis for trading "
                "services"
            ],
        },
    ],
}


def test_objective_14_texts_are_in_its_source_lines():
    """The expectations above are the document's own words: every one is on lines 61-84, once the
    extraction's line and page breaks (and repeated table headers) are read through."""
    lines = (settings.SOURCE_DOCUMENTS_DIR / "002_a63e06525b642396.txt").read_text(encoding="utf-8").splitlines()
    header = lines[68]
    assert header.startswith("Action & Lead Officer")
    text = " ".join(" ".join(line.replace("\t", " ").split()) for line in lines[60:84] if line != header)
    words = text.split()
    for action in OBJECTIVE_14["actions"]:
        for value in [
            action["title"],
            action["lead"],
            action["end"],
            action["timescale"],
            *action["support"],
            *action["measures"],
            *action["risks"],
            *action["supporting"],
        ]:
            # each text's words appear in the document in order (a page break may fall inside it)
            position = 0
            for word in value.split():
                assert word in words[position:], (value, word)
                position = words.index(word, position) + 1
    assert (
        "Strategic Objective 14: Develop new operating models to provide enhanced services to children and "
        "families, strengthen workforce development and explore commercial opportunities" == lines[60]
    )
    assert (
        lines[62] == "Lead Director(s): Director of Strategic, Commissioning, Quality and Performance Director of "
        "Schools and Learning"
    )
    assert lines[64] == "Supporting Dept(s): CST and Place" and lines[66] == "Date(s): Apr 2025 - Apr 2027"


def section_of(page: str, anchor: str) -> str:
    start = page.index(f'<section class="govuk-!-margin-bottom-9" aria-labelledby="{anchor}">')
    return page[start : page.index("</section>", start)]


def summary(fragment: str) -> dict[str, list[str]]:
    """Each summary-list key with its value's items (list items, or the whole value)."""
    found = {}
    for key, value in re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        fragment,
        re.S,
    ):
        items = re.findall(r"<li>(.*?)</li>", value, re.S) or [value]
        found[html.unescape(key.strip())] = [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", i).split())) for i in items]
    return found


def test_the_tree_answers_what_objective_14_commits_to(client, all_plans, django_assert_num_queries):
    url = reverse("objective_tree", args=["cs-2025-29"])
    assert url == "/plans/cs-2025-29/objectives/"
    # 1 plan with department; 2 outcomes; 3 objectives; 4 actions with plan
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert 'href="#objective-14"' in page  # contents
    part = section_of(page, "objective-14")
    heading = re.search(r'<h3 class="govuk-heading-m" id="objective-14">(.*?)</h3>', part).group(1)
    assert html.unescape(heading) == OBJECTIVE_14["title"]
    objective_summary = summary(part.split('<div class="govuk-summary-card govuk-!-margin-top-6"')[0])
    assert objective_summary == {
        "Lead directors": OBJECTIVE_14["lead_directors"],
        "Supporting departments": OBJECTIVE_14["supporting"],
        "Dates": [OBJECTIVE_14["dates"]],
    }
    cards = part.split('<div class="govuk-summary-card govuk-!-margin-top-6"')[1:]
    assert len(cards) == len(OBJECTIVE_14["actions"]) == 5
    for n, (card, action) in enumerate(zip(cards, OBJECTIVE_14["actions"], strict=False), 1):
        title = re.search(r'<h4 class="govuk-summary-card__title">.*?<a [^>]*>(.*?)</a></h4>', card, re.S).group(1)
        assert html.unescape(title) == action["title"]
        assert f"Action 14.{n}" in card
        assert summary(card) == {
            "Lead officer": [action["lead"]],
            "End date": [action["end"]],
            "Supporting departments": action["supporting"],
            "Details of support required": action["support"],
            "Timescale for support required": [action["timescale"]],
            "Success measures": action["measures"],
            "Key risks": action["risks"],
        }
    # under its outcome, as printed on line 59
    outcome_3 = page.index('id="outcome-3"')
    assert outcome_3 < page.index('id="objective-14"')
    assert (
        "Outcome 3: The Council: A resident focused, efficient and effective organisation delivering value "
        "for money" in text_of(response)
    )


def test_every_objective_has_an_anchor_and_its_actions(client, all_plans):
    page = client.get(reverse("objective_tree", args=["cs-2025-29"])).content.decode()
    for number, actions in ((1, None), (2, None), (14, 5), (15, None), (20, None)):
        part = section_of(page, f"objective-{number}")
        assert f'id="objective-{number}"' in part
        if actions:
            assert part.count('<div class="govuk-summary-card govuk-!-margin-top-6"') == actions
    assert (
        page.count('<div class="govuk-summary-card govuk-!-margin-top-6"')
        == Deliverable.objects.filter(plan__slug="cs-2025-29").count()
    )


def test_the_tree_query_count_does_not_grow_with_actions(client, all_plans, django_assert_num_queries):
    Deliverable.objects.filter(plan__slug="cs-2025-29").exclude(key="so14-1").delete()
    with django_assert_num_queries(4):
        response = client.get(reverse("objective_tree", args=["cs-2025-29"]))
    assert response.content.decode().count('<div class="govuk-summary-card govuk-!-margin-top-6"') == 1


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_tree_downloads_every_action(client, all_plans, export):
    response = client.get(reverse("objective_tree", args=["cs-2025-29"]) + f"?_export={export}")
    rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert rows[0] == [
        "Outcome",
        "Strategic objective",
        "Action",
        "Action title",
        "Lead officer",
        "End date",
        "Supporting departments",
        "Details of support required",
        "Timescale for support required",
        "Success measures",
        "Key risks",
    ]
    assert len(rows) == 1 + 15
    first = OBJECTIVE_14["actions"][0]
    assert [
        "3",
        "14",
        "14.1",
        first["title"],
        first["lead"],
        first["end"],
        norm("\n".join(first["supporting"])),
        norm("\n".join(first["support"])),
        first["timescale"],
        norm("\n".join(first["measures"])),
        norm("\n".join(first["risks"])),
    ] in rows


def test_plans_without_outcomes_have_no_tree(client, all_plans):
    assert client.get(reverse("objective_tree", args=["cs-2022-23"])).status_code == 404
    assert client.get(reverse("objective_tree", args=["nope-2099-00"])).status_code == 404
