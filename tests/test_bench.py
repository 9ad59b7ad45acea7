"""The pure parts of the benchmark and the soak (perf/timings.py, perf/http_client.py, perf/loadtest.py,
perf/bench.py, perf/bench_report.py, perf/soak.py): percentiles, parsing of Server-Timing and wrk, the form reader
the soak clients post with, target judging, the markdown blocks written into docs/performance.md, the soak's write
pacing, and URL discovery on the seed data. gunicorn and wrk are not run here (`make bench` runs them)."""

from __future__ import annotations

import gzip
import math

import pytest
from django.contrib.auth import get_user_model

from perf import bench, bench_report, soak
from perf.http_client import ACCEPT_ENCODING, html_forms, post_form
from perf.loadtest import lead_account
from perf.timings import parse_server_timing, parse_wrk, percentile, server_timing
from plans.models import Role, user_can_edit

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
        "csrfmiddlewaretoken": "tok",
        "kpi-1-value": "",
        "kpi-1-year": "2025",
        "kpi-2-year": "2023",
        "kpi-2-provisional": "on",
        "kpi-1-commentary": "Was & is",
        "kpi-1-seen": "41",
    }
    assert [f["method"] for f in html_forms(PAGE)] == ["get", "post"]
    with pytest.raises(ValueError):
        post_form(PAGE, field_prefix="nothing-")


# -- targets -------------------------------------------------------------------------------------------------------


def test_it_judges_each_target():
    fast = bench.Result("p", "Page", "/", queries_max=20, p95_ms=99.0, ratio=0.4, streamed=True)
    bench.judge(fast, mode="seed", export="csv")
    assert fast.met

    slow = bench.Result(
        "p",
        "Page",
        "/",
        queries_max=21,
        p95_ms=100.0,
        ratio=0.39,
        streamed=False,
        wrk={"non_2xx": 3, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 2}},
    )
    bench.judge(slow, mode="seed", export="xlsx")
    assert slow.missed == ["queries 21 > 20", "p95 100 ms >= 100 ms", "ratio 0.39 < 0.4", "export does not stream"]
    assert slow.failures == ["wrk: 3 non-2xx/3xx responses", "wrk socket errors: timeout 2"]

    at_scale = bench.Result("p", "Page", "/", queries_max=5, p95_ms=240.0, ratio=0.4)
    bench.judge(at_scale, mode="scale", export="")
    assert at_scale.met  # 250 ms at scale

    crowded = bench.Result("p", "Page", "/", queries_max=5, p95_ms=240.0, ratio=0.3)
    bench.judge(crowded, mode="scale", export="")
    assert crowded.missed == ["ratio 0.30 < 0.4"]  # issue 15: cached pages 0.4 of the trivial view, at scale too

    just_under = bench.Result("p", "Page", "/", queries_max=5, p95_ms=40.0, ratio=0.397)
    bench.judge(just_under, mode="seed", export="")
    assert just_under.missed == ["ratio 0.39 < 0.4"]  # never "0.40 < 0.4"


def test_it_judges_an_uncached_page_by_its_queries_and_server_time_only():
    """Uncached pages are read one at a time (no wrk): the ratio is no target for them, p95 is."""
    quick = bench.Result("p", "Page", "/", queries_max=9, p95_ms=99.9, ratio=math.nan, ratio_target=False)
    bench.judge(quick, mode="seed", export="")
    assert quick.met

    slow = bench.Result("p", "Page", "/", queries_max=9, p95_ms=180.0, ratio=0.01, ratio_target=False)
    bench.judge(slow, mode="seed", export="")
    assert slow.missed == ["p95 180 ms >= 100 ms"]

    at_scale = bench.Result("p", "Page", "/", queries_max=9, p95_ms=251.0, ratio_target=False)
    bench.judge(at_scale, mode="scale", export="")
    assert at_scale.missed == ["p95 251 ms >= 250 ms"]


# -- docs/performance.md -------------------------------------------------------------------------------------------

DOC = """# Performance

Prose before.

<!-- bench:seed -->

old seed table

<!-- /bench:seed -->

Prose between.

<!-- bench:soak -->
old soak figures
<!-- /bench:soak -->

Prose after.
"""


def test_a_run_replaces_only_its_own_block_and_keeps_the_prose():
    text = bench_report.replace_block(DOC, "seed", "| new | seed |")
    assert text == DOC.replace("old seed table", "| new | seed |")
    assert "old soak figures" in text and text.startswith("# Performance\n\nProse before.")
    assert text.endswith(
        "Prose between.\n\n<!-- bench:soak -->\nold soak figures\n<!-- /bench:soak -->\n\nProse after.\n"
    )
    again = bench_report.replace_block(text, "seed", "| newer |")
    assert again == DOC.replace("old seed table", "| newer |")  # a second run: nothing left of the first

    soaked = bench_report.replace_block(again, "soak", "soak figures")
    assert "<!-- bench:soak -->\n\nsoak figures\n\n<!-- /bench:soak -->\n\nProse after." in soaked
    assert "| newer |" in soaked


def test_a_marker_quoted_in_prose_is_not_a_block():
    """docs/performance.md names the markers in its prose: only a marker on a line of its own opens or closes
    a block."""
    doc = "Each run writes between `<!-- bench:seed -->` and `<!-- /bench:seed -->`.\n\n" + DOC
    assert bench_report.replace_block(doc, "seed", "new") == doc.replace("old seed table", "new")
    quoted_only = "Blocks: `<!-- bench:soak -->` ... `<!-- /bench:soak -->`.\n"
    assert bench_report.replace_block(quoted_only, "soak", "x") == (
        quoted_only + "\n<!-- bench:soak -->\n\nx\n\n<!-- /bench:soak -->\n"
    )


def test_a_block_not_yet_in_the_document_is_appended(tmp_path):
    text = bench_report.replace_block(DOC, "scale", "scale table")
    assert text == DOC + "\n<!-- bench:scale -->\n\nscale table\n\n<!-- /bench:scale -->\n"
    assert bench_report.replace_block("", "soak", "x") == "<!-- bench:soak -->\n\nx\n\n<!-- /bench:soak -->\n"

    path = tmp_path / "performance.md"
    path.write_text(DOC)
    bench_report.write_block(path, "seed", "written")
    bench_report.write_block(path, "seed", "written again")
    assert path.read_text() == DOC.replace("old seed table", "written again")


@pytest.mark.parametrize(
    "broken",
    [
        "<!-- bench:seed -->\nno end",
        "<!-- /bench:seed -->\n<!-- bench:seed -->",
        "no start\n<!-- /bench:seed -->",
        "<!-- bench:seed -->\n<!-- /bench:seed -->\n<!-- bench:seed -->\n<!-- /bench:seed -->",
    ],
)
def test_it_refuses_a_document_whose_markers_are_broken(broken):
    with pytest.raises(ValueError):
        bench_report.replace_block(broken, "seed", "table")


def _page(key, label, *, p50, p95, missed=(), queries=6, rps=None, ratio=None):
    return {
        "key": key,
        "label": label,
        "queries_max": queries,
        "p50_ms": p50,
        "p95_ms": p95,
        "rps": rps,
        "ratio": ratio,
        "failures": [],
        "missed": list(missed),
        "met": not missed,
    }


def test_the_bench_table_marks_each_page_met_or_missed_cached_and_uncached():
    report = {
        "mode": "seed",
        "when": "2026-12-05T14:30:00+00:00",
        "commit": "abc1234",
        "database": "app_bench",
        "machine": {"cpus": 2, "gunicorn_workers": 2, "wrk": "-t2 -c8"},
        "requests_per_page": 200,
        "warmup": 5,
        "wrk_seconds": 10,
        "scope": {"council": "derbyshire", "department": "asch", "plan": "asch-2025-26"},
        "targets": {"max_queries": 20, "p95_ms": 100.0, "min_ratio": 0.4, "seed_load_seconds": 15.0},
        "trivial": {"path": "/healthz", "rps": [1300.0, 1400.0], "mean_rps": 1350.0},
        "timings": {"load_plans_seconds": 4.7},
        "pages": [
            _page("overview", "Council overview", p50=1.4, p95=1.8, rps=778, ratio=0.58),
            _page(
                "entry-form", "Entry form (lead)", p50=3.5, p95=4.7, rps=457, ratio=0.34, missed=["ratio 0.34 < 0.4"]
            ),
            {
                **_page(
                    "export-csv-plain", "KPI list, CSV export, uncompressed", p50=1.4, p95=1.8, rps=390, ratio=0.29
                ),
                "ratio_target": False,
            },
        ],
        "uncached": [
            _page("overview", "Council overview", p50=29.4, p95=33.5),
            _page("entry-form", "Entry form (lead)", p50=309.4, p95=386.6, queries=10, missed=["p95 387 ms >= 100 ms"]),
        ],
    }
    text = bench_report.bench_markdown(report)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| page | queries | cached p50 ms | cached p95 ms | requests/s | ratio |")
    assert rows[2] == "| Council overview | 6 | 1.4 | 1.8 | 778 | 0.58 | met | 6 | 29.4 | 33.5 | met |"
    assert rows[3] == (
        "| Entry form (lead) | 6 | 3.5 | 4.7 | 457 | 0.34 | missed: ratio 0.34 < 0.4 | 10 | 309.4 "
        "| 386.6 | missed: p95 387 ms >= 100 ms |"
    )
    assert rows[4].startswith("| KPI list, CSV export, uncompressed | 6 | 1.4 | 1.8 | 390 | 0.29 (no target) | met |")
    assert "5 December 2026 14:30 UTC (commit abc1234)" in text
    assert "`manage.py load_plans`: 4.7 s (target under 15 s: met)." in text
    assert "Cached: 2 of 3 page types meet every target; uncached: 1 of 2." in text


def test_the_mark_names_what_was_missed():
    assert bench_report.mark([]) == "met"
    assert bench_report.mark(["p95 120 ms >= 100 ms", "ratio 0.30 < 0.4"]) == (
        "missed: p95 120 ms >= 100 ms; ratio 0.30 < 0.4"
    )


# -- the soak ------------------------------------------------------------------------------------------------------


def test_the_soak_writes_once_per_interval_across_all_clients():
    tally = soak.Tally()
    assert tally.claim_write(100.0, 0.4)  # the first client to ask writes
    assert not tally.claim_write(100.1, 0.4) and not tally.claim_write(100.39, 0.4)  # the others read meanwhile
    assert tally.claim_write(100.4, 0.4)
    assert not tally.claim_write(100.5, 0.4)
    assert soak.WRITE_INTERVAL == 0.4


def _soak_report(**changes):
    report = {
        "when": "2026-12-05T14:30:00+00:00",
        "commit": "abc1234",
        "database": "app_soak",
        "minutes": 10,
        "clients": 6,
        "workers": 2,
        "write_interval_s": 0.4,
        "requests": 37_200,
        "requests_per_second": 62.0,
        "p50_ms": 80.0,
        "p95_ms": 190.0,
        "targets": {"min_rps": 60.0, "p95_ms": 200.0},
        "errors": [],
        "writes": {"kpi_values": 740, "deliverable_updates": 760, "found": 1500, "lost": []},
        "worker_rss_growth_mb": {"11": 7.5, "12": 9.6},
        "rss_growth_limit_mb": 30.0,
        "by_kind": {"overview": {"requests": 2000, "errors": 0, "p50_ms": 70.0, "p95_ms": 150.0}},
    }
    return {**report, **changes}


def test_the_soak_table_marks_its_targets():
    text = bench_report.soak_markdown(_soak_report())
    assert "| requests/s | 62.0 | at least 60 | met |" in text
    assert "| p95 ms, every request | 190 | under 200 | met |" in text
    assert "| writes saved, found afterwards | 1500, 1500 | every one found | met |" in text
    assert "| worker RSS growth after warm-up, MB | 7.5, 9.6 | under 30 | met |" in text
    assert "| overview | 2000 | 0 | 70.0 | 150.0 |" in text
    assert "10 minutes, 6 clients, 2 gunicorn workers, at most one write every 0.4 s" in text

    slow = bench_report.soak_markdown(_soak_report(requests_per_second=34.0, p95_ms=377.0))
    assert "| requests/s | 34.0 | at least 60 | missed: 34.0 < 60 |" in slow
    assert "| p95 ms, every request | 377 | under 200 | missed: 377 ms |" in slow


# -- discovery on the seed data ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_discovers_every_page_type_and_each_answers_200(all_plans, client):
    scope = bench.bench_scope()
    assert scope.council.slug == "derbyshire"
    pages = bench.bench_pages(scope)
    assert {p.key for p in pages} == {
        "overview",
        "department",
        "kpi",
        "summary",
        "plan",
        "budget-plan",
        "budget-department",
        "procurement",
        "procurement-filtered",
        "pipeline-notice",
        "deliverables",
        "risks",
        "kpis",
        "search",
        "entry-form",
        "export-csv",
        "export-csv-plain",
        "export-xlsx",
    }
    by_key = {p.key: p for p in pages}
    assert (
        "band=" in by_key["procurement-filtered"].path
        and "procurement_start_from=" in by_key["procurement-filtered"].path
    )
    assert by_key["search"].path.startswith("/search/?q=")
    # Requests/s against the trivial view is a target for kept pages as browsers read them, and only for them.
    assert [p.key for p in pages if not p.ratio_target] == ["entry-form", "export-csv-plain"]
    assert by_key["export-csv-plain"].path == by_key["export-csv"].path

    lead_account(username=bench.BENCH_USER, department=scope.department)
    lead = get_user_model().objects.get(username=bench.BENCH_USER)
    for page in pages:
        client.logout()
        if page.signed_in:
            client.force_login(lead)
        response = client.get(page.path, headers={"Accept-Encoding": ACCEPT_ENCODING, **page.headers})
        assert response.status_code == 200, page
        if page.export:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            # A CSV comes compressed to the bench as to a browser; the uncompressed row's comes plain.
            coded = response.get("Content-Encoding") == "gzip"
            assert coded == (page.export == "csv" and page.compressed), page
            assert gzip.decompress(content) if coded else content, page
        elif page.key == "search":
            assert b"No results" not in response.content


@pytest.mark.django_db
def test_it_signs_in_only_with_a_lead_role_for_the_department(all_plans):
    scope = bench.bench_scope()
    password = lead_account(username="bench.test", department=scope.department)
    user = get_user_model().objects.get(username="bench.test")
    assert user.check_password(password)
    assert user_can_edit(user, scope.department)
    assert Role.objects.filter(user=user).count() == 1
    assert lead_account(username="bench.test", department=scope.department) != password  # renewed each run
