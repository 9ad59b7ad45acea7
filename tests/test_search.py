"""Search (/search/): PostgreSQL full-text search across KPIs, deliverables, procurement rows, risks and
statements, with exact items found by words from the documents, hostile queries answered safely, and a
query count fixed whatever the number of matches."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from plans.models import Deliverable, Plan
from search.selectors import KINDS, search_kind

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


def page_of(client, **params) -> str:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def result_links(page: str, group: str) -> list[str]:
    """The result links of one kind's group, in order."""
    section = re.search(rf'<section class="app-search-group" aria-labelledby="{group}">(.*?)</section>', page, re.S)
    return re.findall(r'<h3[^>]*><a class="govuk-link" href="([^"]+)">', section.group(1)) if section else []


def test_it_shows_an_accessible_search_form(client, all_plans, django_assert_num_queries):
    # 1 departments for the department choices; nothing is searched without words
    # + 1 the council (the page's scope)
    with django_assert_num_queries(2):
        page = page_of(client)
    assert '<label class="govuk-label govuk-label--m" for="id_q">Search the service plans</label>' in page
    assert 'id="id_q-hint"' in page and 'aria-describedby="id_q-hint"' in page
    assert '<option value="childrens-services">Children&#x27;s Services</option>' in page
    assert 'role="search"' in page and "result" not in page.split("</form>")[1]


def test_it_finds_the_foster_carer_kpis_in_several_plans(client, all_plans, django_assert_num_queries):
    # 1 departments; 2 KPIs, 3 deliverables, 4 procurement entries, 5 risks, 6 statements (each with its
    # plan and department, rank, highlights and the total count in the same query)
    # + 1 the council (the page's scope)
    with django_assert_num_queries(7):
        page = page_of(client, q="foster")
    kpis = result_links(page, "kpi")
    # "Number of children living with Council foster carers" (000 line 317, 001 line 324) and its 2025-29
    # rewording "Number of children in care living with council foster carers" (002 line 131)
    for url in (
        "/plans/cs-2022-23/kpis/foster-carer-children/",
        "/plans/cs-2023-24/kpis/children-with-council-foster-carers/",
        "/plans/cs-2025-29/kpis/children-council-foster-carers/",
    ):
        assert url in kpis
    assert "Number of children living with Council <mark>foster</mark> carers" in page
    assert "Number of children in care living with council <mark>foster</mark> carers" in page
    # English stemming: "fostering" matches "foster"
    assert "Number of DCC <mark>fostering</mark> households" in page
    # CP-14 (000 line 228), with its lead and a snippet from its success measures
    assert "/plans/cs-2022-23/deliverables/" in result_links(page, "deliverable")[0]
    assert "CP-14" in page and "Director of Early Help and Safeguarding" in page
    assert "Increase in the number of children living with Council <mark>foster</mark> carers" in page
    assert "Forward to <mark>Foster</mark>" in page  # 2025-29 procurement row
    assert "Children&#x27;s Services – Service Plan 2021-25 (2022-23 Refresh) (2022-23)" in page
    assert re.search(r"Key performance measures <span class=\"govuk-caption-m\">7 matches</span>", page)


def test_it_finds_the_toxicology_contract_with_its_impossible_start_date(client, all_plans):
    page = page_of(client, q="Toxicology")
    assert ">1 result for ‘Toxicology’</h2>" in page
    [link] = result_links(page, "procurement")
    assert link.startswith(("/plans/ccp-2020-21/#procurement", "/procurement/"))
    assert "Provision of <mark>Toxicology</mark> Services" in page
    # 004 line 515: "Provision of Toxicology Services  £360,000.00  31/09/2020"
    assert "Procurement start: 31/09/2020" in page and "Estimated value: £360,000.00" in page
    assert "Commissioning, Communities and Policy – Service Plan 2017-2021 2020/21 Update (2020-21)" in page
    assert "Service group: Legal Services" in page


def test_it_finds_risks_and_statements_and_links_to_them(client, all_plans):
    page = page_of(client, q="foster")
    [risk] = result_links(page, "risk")
    # the risk list filtered to the plan where that page exists, else the plan page's risks
    assert risk in ("/risks/?plan=cs-2022-23", "/plans/cs-2022-23/#risks")
    assert "Increasing the number of council <mark>foster</mark> carers" in page  # 000 line 444, a mitigation
    assert "/plans/cs-2022-23/#statements" in result_links(page, "statement")
    assert "we will continue to do all we can to recruit <mark>foster</mark> carers" in page  # 000 line 87
    assert client.get(risk).status_code == 200


def test_every_result_link_opens(client, all_plans):
    page = page_of(client, q="foster")
    links = {link.split("#")[0] for kind in KINDS for link in result_links(page, kind.key)}
    assert len(links) > 10
    assert [link for link in links if client.get(link).status_code != 200] == []


def test_web_search_syntax(client, all_plans):
    assert "Number of DCC <mark>fostering</mark> places" in page_of(client, q="foster")
    without = page_of(client, q="foster -places")
    assert "fostering</mark> places" not in without and "fostering</mark> households" in without
    phrase = page_of(client, q='"council foster carers"', kind="kpi")
    assert sorted(result_links(phrase, "kpi")) == [
        "/plans/cs-2022-23/kpis/foster-carer-children/",
        "/plans/cs-2023-24/kpis/children-with-council-foster-carers/",
        "/plans/cs-2025-29/kpis/children-council-foster-carers/",
    ]
    assert "living with <mark>Council</mark> <mark>foster</mark> <mark>carers</mark>" in phrase
    either = page_of(client, q="Toxicology OR Mercedes", kind="procurement")
    assert "Provision of <mark>Toxicology</mark> Services" in either and "<mark>Mercedes</mark> OEM" in either


def test_the_department_filter(client, all_plans):
    assert ">0 results for ‘foster’</h2>" in page_of(client, q="foster", department="commissioning-communities-policy")
    # every foster match is Children's Services': 7 KPIs, 4 deliverables, 2 contracts, 1 risk, 3 statements
    assert ">17 results for ‘foster’</h2>" in page_of(client, q="foster")
    assert ">17 results for ‘foster’</h2>" in page_of(client, q="foster", department="childrens-services")
    assert "Select a valid choice" in page_of(client, q="foster", department="parks")


def test_one_kind_shows_all_its_matches_with_one_query(client, all_plans, django_assert_num_queries):
    page = page_of(client, q="service")
    assert len(result_links(page, "procurement")) == 50
    assert "best 50 shown" in page and "?q=service&amp;kind=procurement" in page
    # 1 departments, 2 procurement entries
    # + 1 the council (the page's scope)
    with django_assert_num_queries(3):
        page = page_of(client, q="service", kind="procurement")
    total = int(re.search(r"Procurement pipeline <span class=\"govuk-caption-m\">(\d+) matches", page).group(1))
    assert total > 50 and len(result_links(page, "procurement")) == total
    assert result_links(page, "kpi") == []


@pytest.mark.parametrize("q", ["foster", "Toxicology", "zzzzqqq"])
def test_the_query_count_does_not_depend_on_the_matches(client, all_plans, django_assert_num_queries, q):
    # 1 departments, then one query per kind (5)
    # + 1 the council (the page's scope)
    with django_assert_num_queries(7):
        page_of(client, q=q)


HOSTILE = [
    "",
    "   ",
    "the and of",
    "!!!",
    '"',
    "-",
    "OR",
    "foster OR",
    "&|!():*<>",
    "foster:*",
    "'",
    "\\",
    "'; DROP TABLE plans_plan; --",
    "foster' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "$$ ) ; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b>foster</b>",
    "{{ 7*7 }}",
    "{% debug %}",
    "Ysgolion Cymraeg – ‘gofal maeth’",
    "фостер",
    "養育",
    "\u202efoster",
    "😀 foster",
    "café crème",
    "foster\u200b",
    "x" * 200,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail_or_inject(client, all_plans, q):
    page = page_of(client, q=q)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>foster" not in page
    assert Plan.objects.count() == 7


def test_a_query_is_echoed_escaped(client, all_plans):
    page = page_of(client, q="<b>foster</b>")
    assert "for ‘&lt;b&gt;foster&lt;/b&gt;’</h2>" in page
    assert 'value="&lt;b&gt;foster&lt;/b&gt;"' in page
    assert "<title>Search: &lt;b&gt;foster&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "q, error",
    [
        ("x" * 201, "Search for 200 characters or fewer"),
        ("foster\x00", "Null characters are not allowed."),
    ],
)
def test_invalid_queries_show_the_error_and_search_nothing(client, all_plans, django_assert_num_queries, q, error):
    # 1 departments; nothing searched
    # + 1 the council (the page's scope)
    with django_assert_num_queries(2):
        page = page_of(client, q=q)
    assert "There is a problem" in page and f'<a href="#id_q">{error}</a>' in page
    assert 'aria-describedby="id_q-hint id_q-error"' in page and 'id="id_q-error"' in page
    assert "result" not in page.split("</form>")[1]


def test_bad_filter_values_show_errors(client, all_plans):
    page = page_of(client, q="foster", kind="<script>", department="\x00")
    # each error twice: in the summary and by its field
    assert page.count("Select a valid choice") == 4 and "<script>" not in page


def test_stored_text_is_escaped_in_highlights(client, all_plans):
    plan = Plan.objects.get(slug="cs-2022-23")
    Deliverable.objects.create(
        plan=plan, key="test", section="council", order=999, title='<img src=x onerror="alert(1)"> foster carers'
    )
    page = page_of(client, q="foster", kind="deliverable")
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>foster</mark>" in page
    assert "<img" not in page


@pytest.mark.parametrize("kind", KINDS, ids=[k.key for k in KINDS])
def test_each_kind_is_served_by_its_gin_index(all_plans, kind):
    """The query's document expression is the one the migration indexed. With sequential and plain index
    scans off (a GIN index is read by bitmap scans), the planner can only avoid a full scan of the table
    through the search index, and it can use that index only if the expressions match."""
    sql, params = search_kind(kind=kind, q="foster carers").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan on {kind.key}_search_idx" in plan, plan


def test_search_is_in_the_navigation(client, all_plans):
    assert f'href="{SEARCH}"' in page_of(client, q="foster")
