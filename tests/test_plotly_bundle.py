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
