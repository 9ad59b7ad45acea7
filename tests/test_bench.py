"""The pure parts of the benchmark and the soak (perf/loadtest.py, perf/bench.py): percentiles, parsing of
Server-Timing and wrk, the form reader the soak clients post with, target judging, and URL discovery on the
seed data. gunicorn and wrk are not run here (`make bench` runs them)."""

from __future__ import annotations

import math

import pytest

from perf import bench
from perf.loadtest import html_forms, parse_server_timing, parse_wrk, percentile, post_form, server_timing

# -- percentiles -----------------------------------------------------------------------------------------------

def test_it_interpolates_percentiles_between_ranks():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, 1, 3, 2], 50) == 2.5  # order does not matter
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    assert percentile(list(range(1, 201)), 95) == pytest.approx(190.05)
    assert percentile([7], 95) == 7
    assert percentile([1, 2], 0) == 1 and percentile([1, 2], 100) == 2


def test_it_has_no_percentile_of_nothing():
    assert math.isnan(percentile([], 50))


# -- Server-Timing -------------------------------------------------------------------------------------------------

def test_it_parses_server_timing():
    header = 'app;dur=12.3, db;dur=4.1;desc="7 queries"'
    assert parse_server_timing(header) == {"app": {"dur": "12.3"}, "db": {"dur": "4.1", "desc": "7 queries"}}
    timing = server_timing(header)
    assert (timing.app_ms, timing.db_ms, timing.queries, timing.streamed) == (12.3, 4.1, 7, False)


def test_it_parses_a_streamed_timing_with_commas_in_quotes():
    header = 'app;dur=3.0;desc="streamed, to first byte", db;dur=0.0;desc="0 queries to first byte"'
    metrics = parse_server_timing(header)
    assert metrics["app"]["desc"] == "streamed, to first byte"
    timing = server_timing(header)
    assert timing.streamed and timing.queries == 0


def test_it_reads_the_other_spelling_of_the_query_count():
    assert server_timing("app;dur=1, db;dur=0.5, queries;desc=9").queries == 9


@pytest.mark.parametrize("header", ["", "cache;desc=hit", "app;dur=1", "total;dur=5, db;dur=1"])
def test_it_ignores_a_header_that_is_not_ours(header):
    assert server_timing(header) is None


# -- wrk -----------------------------------------------------------------------------------------------------------

WRK = """Running 10s test @ http://127.0.0.1:8020/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   282.87ms   44.31ms 430.15ms   82.46%
    Req/Sec    17.50      6.20    30.00     70.00%
  Latency Distribution
     50%  285.66ms
     75%  300.10ms
     90%    1.20s
     99%  900.00us
  171 requests in 5.02s, 2.58MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 171
Requests/sec:     34.08
Transfer/sec:    526.19KB
"""


def test_it_parses_wrk():
    parsed = parse_wrk(WRK)
    assert parsed["rps"] == 34.08
    assert parsed["requests"] == 171
    assert parsed["non_2xx"] == 171
    assert parsed["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert parsed["latency_ms"] == {"p50": 285.66, "p75": 300.10, "p90": 1200.0, "p99": 0.9}


def test_it_reads_a_clean_wrk_run_as_clean():
    clean = "\n".join(line for line in WRK.splitlines() if "Non-2xx" not in line and "Socket errors" not in line)
    parsed = parse_wrk(clean)
    assert parsed["non_2xx"] == 0 and not any(parsed["socket_errors"].values())


# -- the form reader -------------------------------------------------------------------------------------------

PAGE = """
<form method="get"><select name="plan"><option value="a">A</option><option value="b" selected>B</option></select></form>
<form method="post" action="/x/?plan=b">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="kpi-1-value" value="">
  <select name="kpi-1-year"><option value="2024">2024-25</option><option value="2025" selected>2025-26</option></select>
  <select name="kpi-2-year"><option value="2023">2023-24</option><option value="2024">2024-25</option></select>
  <input type="checkbox" name="kpi-1-provisional"><input type="checkbox" name="kpi-2-provisional" checked>
  <textarea name="kpi-1-commentary">Was &amp; is</textarea>
  <input type="hidden" name="kpi-1-seen" value="41">
  <button type="submit">Save</button>
</form>"""


def test_it_reads_a_form_as_a_browser_would_submit_it():
    assert post_form(PAGE, field_prefix="kpi-") == {
        "csrfmiddlewaretoken": "tok", "kpi-1-value": "", "kpi-1-year": "2025", "kpi-2-year": "2023",
        "kpi-2-provisional": "on", "kpi-1-commentary": "Was & is", "kpi-1-seen": "41"}
    assert [f["method"] for f in html_forms(PAGE)] == ["get", "post"]
    with pytest.raises(ValueError):
        post_form(PAGE, field_prefix="nothing-")


# -- targets -------------------------------------------------------------------------------------------------------

def test_it_judges_each_target():
    fast = bench.Result("p", "Page", "/", queries_max=20, p95_ms=99.0, ratio=0.25, streamed=True)
    bench.judge(fast, mode="seed", export="csv")
    assert fast.met

    slow = bench.Result("p", "Page", "/", queries_max=21, p95_ms=100.0, ratio=0.2, streamed=False,
                        wrk={"non_2xx": 3, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 2}})
    bench.judge(slow, mode="seed", export="xlsx")
    assert slow.missed == ["queries 21 > 20", "p95 100 ms >= 100 ms", "ratio 0.20 < 0.25", "export does not stream"]
    assert slow.failures == ["wrk: 3 non-2xx/3xx responses", "wrk socket errors: timeout 2"]

    at_scale = bench.Result("p", "Page", "/", queries_max=5, p95_ms=240.0, ratio=0.01)
    bench.judge(at_scale, mode="scale", export="")
    assert at_scale.met  # 250 ms at scale, and no ratio target there


# -- discovery on the seed data ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_it_discovers_every_page_type_and_each_answers_200(all_plans, client):
    from perf.loadtest import lead_account

    scope = bench.bench_scope()
    assert scope.council.slug == "derbyshire"
    pages = bench.bench_pages(scope)
    assert {p.key for p in pages} == {
        "overview", "department", "kpi", "summary", "plan", "budget-plan", "budget-department", "procurement",
        "procurement-filtered", "pipeline-notice", "deliverables", "risks", "kpis", "search", "entry-form",
        "export-csv", "export-xlsx"}
    by_key = {p.key: p for p in pages}
    assert "band=" in by_key["procurement-filtered"].path and "procurement_start_from=" in by_key[
        "procurement-filtered"].path
    assert by_key["search"].path.startswith("/search/?q=")

    lead_account(username=bench.BENCH_USER, department=scope.department)
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username=bench.BENCH_USER)
    for page in pages:
        client.logout()
        if page.signed_in:
            client.force_login(lead)
        response = client.get(page.path)
        assert response.status_code == 200, page
        if page.export:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            assert content, page
        elif page.key == "search":
            assert b"No results" not in response.content


@pytest.mark.django_db
def test_it_signs_in_only_with_a_lead_role_for_the_department(all_plans):
    from perf.loadtest import lead_account
    from plans.models import Role, user_can_edit

    scope = bench.bench_scope()
    password = lead_account(username="bench.test", department=scope.department)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench.test")
    assert user.check_password(password)
    assert user_can_edit(user, scope.department)
    assert Role.objects.filter(user=user).count() == 1
    assert lead_account(username="bench.test", department=scope.department) != password  # renewed each run
