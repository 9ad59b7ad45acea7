"""Reading what a load test measured (perf/bench.py, perf/soak.py): percentiles, the Server-Timing header the
app sends (its own and its database time per request) and wrk's summary. Pure, pinned by tests/test_bench.py."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile of `values` by linear interpolation between closest ranks (numpy's default):
    percentile([1, 2, 3, 4], 50) == 2.5. NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def parse_server_timing(header: str) -> dict[str, dict[str, str]]:
    """`app;dur=12.3, db;dur=4.1;desc="7 queries"` -> {"app": {"dur": "12.3"}, "db": {"dur": "4.1",
    "desc": "7 queries"}}. Quoted descriptions may hold commas and semicolons."""
    metrics: dict[str, dict[str, str]] = {}
    for match in re.finditer(
        r'\s*([^,;=\s]+)((?:\s*;\s*[^,;=\s]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^,;\s]*))*)\s*(?:,|$)', header or ""
    ):
        params = {}
        for name, quoted, plain in re.findall(
            r';\s*([^,;=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,;\s]*))', match.group(2)
        ):
            params[name.lower()] = quoted.replace('\\"', '"') if quoted else plain
        metrics[match.group(1)] = params
    return metrics


@dataclass(frozen=True)
class Timing:
    app_ms: float
    db_ms: float
    queries: int
    streamed: bool


def server_timing(header: str) -> Timing | None:
    """The figures ServerTimingMiddleware reports, or None when the header is missing or not ours."""
    metrics = parse_server_timing(header)
    app, db = metrics.get("app"), metrics.get("db")
    if not app or "dur" not in app or not db:
        return None
    count = re.search(r"\d+", db.get("desc", "")) or re.search(r"\d+", metrics.get("queries", {}).get("desc", ""))
    if count is None:
        return None
    return Timing(
        app_ms=float(app["dur"]),
        db_ms=float(db.get("dur", "nan")),
        queries=int(count.group()),
        streamed="first byte" in app.get("desc", "") or "from a file" in app.get("desc", ""),
    )


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict:
    """Requests per second, request count, non-2xx/3xx responses, socket errors and the latency percentiles
    (ms, with --latency) from wrk's report."""

    def number(pattern: str, default: float = 0.0) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = {
        f"p{pct}": float(value) * _WRK_UNITS[unit]
        for pct, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)", math.nan),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses:\s+(\d+)")),
        "socket_errors": (
            dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=False))
            if errors
            else {"connect": 0, "read": 0, "write": 0, "timeout": 0}
        ),
        "latency_ms": latency,
    }
