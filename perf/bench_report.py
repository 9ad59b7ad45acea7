"""What the benchmark and the soak report (perf/bench.py, perf/soak.py): the table printed on the console, the
JSON file, and the markdown tables written into docs/performance.md between markers
(`<!-- bench:seed -->` ... `<!-- /bench:seed -->`, likewise `scale` and `soak`), so that the prose around them
stays and a run replaces only its own block."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from perf.bench import MAX_QUERIES, MIN_RATIO, P95_MS

BLOCKS = ("seed", "scale", "soak")


def summary_table(report: dict) -> str:
    """The one table the benchmark prints (and docs/performance.md copies)."""
    mode = report["mode"]
    rows = [("page", "HTTP", "queries", "cold ms", "p50 ms", "p95 ms", "client p95", "rps", "ratio", "peak MB", "met")]
    for page in report["pages"]:
        statuses = ",".join(sorted(page["statuses"])) or "-"

        def num(value: float | None, fmt: str) -> str:
            return "-" if value is None else format(value, fmt)

        met = "yes" if page["met"] else "NO: " + "; ".join(page["failures"] + page["missed"])
        rows.append(
            (
                page["label"],
                statuses,
                num(page["queries_max"], "d"),
                num(page["cold_ms"], ".0f"),
                num(page["p50_ms"], ".1f"),
                num(page["p95_ms"], ".1f"),
                num(page["client_p95_ms"], ".1f"),
                num(page["rps"], ".0f"),
                num(page["ratio"], ".2f") + _no_target(page),
                num(page["peak_rss_growth_mb"], ".1f"),
                met,
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells) + "  " + row[-1])
        if n == 0:
            lines.append("-" * (sum(widths) + 2 * len(widths) + 3))
    trivial = report["trivial"]
    lines.append(
        f"trivial view {trivial['path']}: {trivial['mean_rps']:.0f} requests/s (runs: "
        f"{', '.join(f'{r:.0f}' for r in trivial['rps'])}); targets: queries <= {MAX_QUERIES}, "
        f"p95 < {P95_MS[mode]:.0f} ms"
        + (f", ratio >= {MIN_RATIO[mode]}" if MIN_RATIO[mode] else "")
        + ", exports stream"
    )
    for name, seconds in report["timings"].items():
        lines.append(f"{name.replace('_', ' ')}: {seconds:.1f}")
    return "\n".join(lines)


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")


def uncached_lines(report: dict) -> str:
    """The uncached pass on the console: one line per page."""
    lines = [f"Without the page cache (PAGE_CACHE=false), target p95 < {P95_MS[report['mode']]:.0f} ms:"]
    width = max((len(page["label"]) for page in report.get("uncached", [])), default=4)
    for page in report.get("uncached", []):
        lines.append(
            f"  {page['label'].ljust(width)}  {_num(page['queries_max'], 'd'):>3} queries  p50 "
            f"{_num(page['p50_ms'], '.1f'):>6} ms  p95 {_num(page['p95_ms'], '.1f'):>6} ms  "
            + mark(page["failures"] + page["missed"])
        )
    return "\n".join(lines)


# -- docs/performance.md ---------------------------------------------------------------------------------------


def mark(missed: list[str]) -> str:
    """A table cell saying whether every target was met, and if not which were missed."""
    return "met" if not missed else "missed: " + "; ".join(missed)


def _no_target(page: dict) -> str:
    """Said beside a ratio that is not judged (a signed-in page, a download read without compression)."""
    return "" if page.get("ratio_target", True) else " (no target)"


def _num(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _when(report: dict) -> str:
    try:
        return dt.datetime.fromisoformat(report["when"]).strftime("%-d %B %Y %H:%M UTC")
    except (KeyError, TypeError, ValueError):
        return "an unknown time"


def _commit(report: dict) -> str:
    return f"commit {report['commit']}" if report.get("commit") else "outside git"


def bench_markdown(report: dict) -> str:
    """The benchmark's block: how it ran, then one row per page type with the cached and the uncached figures,
    each marked met or missed."""
    mode, targets, machine = report["mode"], report["targets"], report["machine"]
    p95, ratio = P95_MS[mode], MIN_RATIO[mode]
    command = "make bench" if mode == "seed" else "make bench SCALE=1"
    scope = report["scope"]
    lines = [
        f"`{command}`, run on {_when(report)} ({_commit(report)}), database `{report['database']}` "
        f"({scope['council']}, {scope['department']}, plan {scope['plan']}); {machine['cpus']} cores shared "
        f"with whatever else was running, gunicorn with {machine['gunicorn_workers']} workers; per page "
        f"{report['requests_per_page']} sequential requests (after {report.get('warmup', 5)} to warm up), "
        f"then wrk {machine['wrk']} for {report['wrk_seconds']} s (cached only)."
    ]
    for name, seconds in report["timings"].items():
        line = f"`manage.py {name.removesuffix('_seconds')}`: {seconds:.1f} s"
        if name == "load_plans_seconds" and targets.get("seed_load_seconds"):
            limit = targets["seed_load_seconds"]
            line += f" (target under {limit:.0f} s: {mark([] if seconds < limit else [f'{seconds:.1f} s'])})"
        lines.append("")
        lines.append(line + ".")
    trivial = report["trivial"]
    lines += [
        "",
        f"Trivial view `{trivial['path']}`: {trivial['mean_rps']:.0f} requests/s (runs: "
        f"{', '.join(f'{r:.0f}' for r in trivial['rps'])}). Targets: at most {MAX_QUERIES} queries; "
        f"server time p95 under {p95:.0f} ms with the page cache and without it (`PAGE_CACHE=false`); "
        f"cached pages at least {ratio} of the trivial view's requests/s; exports stream.",
        "",
    ]
    lines.append(
        "| page | queries | cached p50 ms | cached p95 ms | requests/s | ratio | cached targets "
        "| uncached queries | uncached p50 ms | uncached p95 ms | uncached targets |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")
    uncached = {page["key"]: page for page in report.get("uncached", [])}
    for page in report["pages"]:
        cold = uncached.get(page["key"])
        row = [
            page["label"],
            _num(page["queries_max"], "d"),
            _num(page["p50_ms"], ".1f"),
            _num(page["p95_ms"], ".1f"),
            _num(page["rps"], ".0f"),
            _num(page["ratio"], ".2f") + _no_target(page),
            mark(page["failures"] + page["missed"]),
        ]
        if cold is None:
            row += ["–", "–", "–", "not measured"]
        else:
            row += [
                _num(cold["queries_max"], "d"),
                _num(cold["p50_ms"], ".1f"),
                _num(cold["p95_ms"], ".1f"),
                mark(cold["failures"] + cold["missed"]),
            ]
        lines.append("| " + " | ".join(row) + " |")
    met_cached = sum(1 for page in report["pages"] if page["met"])
    met_uncached = sum(1 for page in uncached.values() if page["met"])
    lines += [
        "",
        f"Cached: {met_cached} of {len(report['pages'])} page types meet every target; uncached: "
        f"{met_uncached} of {len(uncached)}.",
    ]
    return "\n".join(lines)


def soak_markdown(report: dict) -> str:
    """The soak's block: the run, its figures against the targets (each marked) and the figures per kind."""
    targets = report["targets"]
    writes = report["writes"]
    growth = report["worker_rss_growth_mb"]
    lines = [
        f"`make soak`, run on {_when(report)} ({_commit(report)}), database `{report['database']}`: "
        f"{report['minutes']:g} minute{'' if report['minutes'] == 1 else 's'}, {report['clients']} clients, "
        f"{report.get('workers', 2)} gunicorn workers, at most one write every {report['write_interval_s']:g} s "
        "across the clients; client times, queueing included.",
        "",
        "| measure | figure | target | |",
        "| --- | ---: | --- | --- |",
    ]
    rps, p95 = report["requests_per_second"], report["p95_ms"]
    rows = [
        (
            "requests/s",
            f"{rps:.1f}",
            f"at least {targets['min_rps']:g}",
            mark([] if rps >= targets["min_rps"] else [f"{rps:.1f} < {targets['min_rps']:g}"]),
        ),
        (
            "p95 ms, every request",
            _num(p95, ".0f"),
            f"under {targets['p95_ms']:g}",
            mark([] if p95 is not None and p95 < targets["p95_ms"] else [f"{_num(p95, '.0f')} ms"]),
        ),
        ("p50 ms, every request", _num(report["p50_ms"], ".0f"), "", ""),
        ("errors", str(len(report["errors"])), "none", mark([f"{len(report['errors'])}"] if report["errors"] else [])),
        (
            "writes saved, found afterwards",
            f"{writes['kpi_values'] + writes['deliverable_updates']}, {writes['found']}",
            "every one found",
            mark([f"{len(writes['lost'])} lost"] if writes["lost"] else []),
        ),
        (
            "worker RSS growth after warm-up, MB",
            ", ".join(f"{g:g}" for g in growth.values()),
            f"under {report['rss_growth_limit_mb']:g}",
            mark([] if all(g < report["rss_growth_limit_mb"] for g in growth.values()) else ["grew"]),
        ),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "| kind | requests | errors | p50 ms | p95 ms |", "| --- | ---: | ---: | ---: | ---: |"]
    for kind, row in report["by_kind"].items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['errors']} | {_num(row['p50_ms'], '.1f')} "
            f"| {_num(row['p95_ms'], '.1f')} |"
        )
    return "\n".join(lines)


def replace_block(text: str, name: str, body: str) -> str:
    """`text` with the block `name` (between its two markers, each on a line of its own) holding `body`; the
    block is appended when the text has none. Everything outside the block is kept as it was, a marker quoted
    within a line of prose included."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    starts = [m.start() for m in re.finditer(rf"^{re.escape(start)}[ \t]*$", text, re.MULTILINE)]
    ends = [m.end() for m in re.finditer(rf"^{re.escape(end)}[ \t]*$", text, re.MULTILINE)]
    if len(starts) > 1 or len(ends) > 1:
        raise ValueError(f"more than one {start} block")
    block = f"{start}\n\n{body.strip()}\n\n{end}"
    if not starts:
        if ends:
            raise ValueError(f"{end} without {start}")
        return (text.rstrip("\n") + "\n\n" if text.strip() else "") + block + "\n"
    if not ends or ends[0] < starts[0]:
        raise ValueError(f"{start} without {end} after it")
    return text[: starts[0]] + block + text[ends[0] :]


def write_block(path: Path, name: str, body: str) -> None:
    path.write_text(replace_block(path.read_text() if path.exists() else "", name, body))
