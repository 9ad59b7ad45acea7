"""The plotly.js bundle every chart page downloads stays light for phones and strict-CSP safe (issue 15, item 4):
built by tools/build-plotly.sh with only the trace types the pages draw."""

import gzip
import re

from django.conf import settings

BUNDLE = settings.BASE_DIR / "static" / "vendor" / "plotly-strict.min.js"


def test_the_chart_library_is_under_450_kb_to_download_and_never_evaluates_text():
    code = BUNDLE.read_bytes()
    assert len(gzip.compress(code, 9)) < 450_000  # the full strict bundle was 1.57 MB
    assert not re.search(rb"\beval\s*\(|\bnew\s+Function\s*\(", code)  # script-src 'self' has no 'unsafe-eval'
    assert b"plotly.js (strict, partial: bar and scatter traces - minified) v4.1.1" in code[:300]


def test_only_pages_with_a_chart_load_the_chart_scripts_and_never_block_on_them(client, load_plan):
    plan = load_plan("cs-2022-23")
    kpi = plan.kpis.filter(values__isnull=False).first()
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert re.search(
        r'<script src="/static/js/charts\.js" data-plotly="/static/vendor/plotly-strict\.min\.js" defer>', page
    )
    assert '<script src="/static/vendor/plotly' not in page  # charts.js loads it when a chart needs it
    for path in ("/risks/", "/search/?q=foster", "/accessibility/"):
        assert "plotly" not in client.get(path).content.decode(), path
