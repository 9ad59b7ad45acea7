"""The soak behind `manage.py soak` (docs/performance.md): gunicorn (2 workers) under concurrent clients for
minutes, each client a browser with its own session: mixed reads of every page type, and writes through the
real forms — KPI values on a department's update page and deliverable progress updates — by performance leads
of two departments, one write every WRITE_INTERVAL seconds across all clients. Passes when there is no error,
every write is found in the database afterwards, the workers' memory stays flat after warm-up, and the mixed
load meets issue 15's targets (MIN_RPS requests/s, p95 client time under P95_MS)."""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import CommandError

from kpis.models import Kpi, KpiValue
from perf import bench, bench_pages, http_client, loadtest, timings
from plans.models import Deliverable, DeliverableUpdate, Plan

RSS_GROWTH_LIMIT_MB = 30.0  # per worker, from the end of warm-up to the end
WRITE_INTERVAL = 0.4  # seconds between two writes, across all clients; half KPI values, half deliverable progress
MIN_RPS = 60.0  # targets of issue 15 for the mixed load: requests/s, and the p95 client time of every request
P95_MS = 200.0
WORKERS = 2
VALUES = {
    "percent": (5, 95, 1),
    "count": (1, 5000, 0),
    "days": (1, 300, 0),
    "money": (1000, 900000, 0),
    "rate": (1, 900, 1),
    "ratio": (1, 10, 2),
    "pp": (1, 20, 1),
    "score": (1, 100, 1),
}


@dataclass
class Writer:
    """A performance lead's department, plan, the KPIs a client may write (split between the clients of
    that lead so that two of them never change the same KPI: a deliberate conflict is tested elsewhere) and
    its deliverables."""

    username: str
    password: str
    department_slug: str
    plan_slug: str
    kpis: list[tuple[int, str]]  # (pk, unit)
    deliverables: list[tuple[str, int]]  # (plan slug, pk)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    error_count: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    kpi_writes: list[str] = field(default_factory=list)
    deliverable_writes: list[str] = field(default_factory=list)
    next_write: float = 0.0

    def claim_write(self, now: float, interval: float = WRITE_INTERVAL) -> bool:
        """Whether the calling client makes the next write: one write per `interval` across all clients (the
        first as soon as asked), whatever their number and speed."""
        with self.lock:
            if now < self.next_write:
                return False
            self.next_write = now + interval
            return True

    def record(self, kind: str, response: http_client.Response | None, expected: set[int], what: str = "") -> bool:
        with self.lock:
            self.requests[kind] += 1
            if response is not None:
                self.latencies[kind].append(response.elapsed_ms)
            if response is None or response.status not in expected:
                self.error_count[kind] += 1
                if len(self.errors) < 50:
                    status = "connection error" if response is None else f"HTTP {response.status}"
                    self.errors.append(f"{kind} {what}: {status}")
                return False
            return True


def _value(unit: str, rng: random.Random) -> str:
    if unit == "rag":
        return rng.choice(["Green", "Amber", "Red"])
    low, high, places = VALUES.get(unit, (1, 100, 1))
    return f"{rng.uniform(low, high):.{places}f}"


def soak_writers(scope: bench_pages.Scope) -> list[Writer]:
    """Leads of the first two departments (by name) of the council that have plans with KPIs."""
    plans = list(
        Plan.objects.filter(department__council=scope.council, kpis__isnull=False)
        .distinct()
        .select_related("department")
        .order_by("department__name", "-financial_year", "slug")
    )
    chosen: dict[int, Plan] = {}  # department id -> its newest plan with KPIs
    for plan in plans:
        chosen.setdefault(plan.department_id, plan)
    if len(chosen) < 2:
        raise CommandError("The soak needs two departments with plans holding KPIs")
    writers = []
    for n, plan in enumerate(list(chosen.values())[:2], start=1):
        username = f"soak.lead{n}"
        password = loadtest.lead_account(username=username, department=plan.department)
        kpis = list(Kpi.objects.filter(plan=plan).exclude(unit="text").order_by("order").values_list("pk", "unit"))
        deliverables = list(
            Deliverable.objects.filter(plan__department=plan.department)
            .order_by("plan__financial_year", "order")
            .values_list("plan__slug", "pk")
        )
        writers.append(Writer(username, password, plan.department.slug, plan.slug, kpis, deliverables))
    return writers


def _client_loop(
    *,
    number: int,
    clients: int,
    server: loadtest.Gunicorn,
    pages: list[bench_pages.Page],
    writers: list[Writer],
    stop: float,
    run: str,
    tally: Tally,
) -> None:
    rng = random.Random(f"{run}-{number}")
    writer = writers[number % len(writers)]
    slot, slots = number // len(writers), -(-clients // len(writers))
    my_kpis = writer.kpis[slot::slots]
    my_deliverables = writer.deliverables[slot::slots]
    client = http_client.Client("127.0.0.1", server.port, timeout=60)
    try:
        client.sign_in(writer.username, writer.password)
    except (CommandError, OSError) as exc:
        tally.record("sign in", None, {302}, str(exc))
        return
    sequence = 0
    while time.monotonic() < stop:
        sequence += 1
        write = tally.claim_write(time.monotonic())
        roll = rng.random()
        try:
            if write and roll < 0.5 and my_kpis:
                _write_kpi(client, writer, rng.choice(my_kpis), f"soak {run} c{number} n{sequence} kpi", rng, tally)
            elif write and my_deliverables:
                _write_deliverable(
                    client, rng.choice(my_deliverables), f"soak {run} c{number} n{sequence} deliverable", rng, tally
                )
            else:
                page = rng.choice(pages)
                path = page.path
                if page.signed_in:  # the entry form of this client's own department
                    path = f"/departments/{writer.department_slug}/update/"
                tally.record(page.key, client.get(path), {200}, path)
        except OSError as exc:
            tally.record("connection", None, {200}, str(exc))


def _write_kpi(
    client: http_client.Client, writer: Writer, kpi: tuple[int, str], text: str, rng: random.Random, tally: Tally
) -> None:
    """Open the department's update page, fill one KPI's value and commentary, save the whole form as a
    browser would."""
    path = f"/departments/{writer.department_slug}/update/?plan={writer.plan_slug}"
    page = client.get(path)
    if not tally.record("entry form", page, {200}, path):
        return
    pk, unit = kpi
    fields = http_client.post_form(page.text, field_prefix="kpi-")
    fields.update({f"kpi-{pk}-value": _value(unit, rng), f"kpi-{pk}-commentary": text})
    saved = client.post(path, fields)
    if tally.record("entry save", saved, {302}, f"KPI {pk}"):
        with tally.lock:
            tally.kpi_writes.append(text)


def _write_deliverable(
    client: http_client.Client, deliverable: tuple[str, int], text: str, rng: random.Random, tally: Tally
) -> None:
    slug, pk = deliverable
    path = f"/plans/{slug}/deliverables/{pk}/update/"
    page = client.get(path)
    if not tally.record("progress form", page, {200}, path):
        return
    fields = http_client.post_form(page.text, field_prefix="commentary")
    status = rng.choice(["not_started", "on_track", "at_risk", "off_track"])
    fields.update(
        status=status, percent_complete=str(rng.randint(0, 99)), as_of=dt.date.today().isoformat(), commentary=text
    )
    saved = client.post(path, fields)
    if tally.record("progress save", saved, {302}, path):
        with tally.lock:
            tally.deliverable_writes.append(text)


def _memory(server: loadtest.Gunicorn) -> dict:
    if server.process is None:  # sampled only inside `with server`, which starts the process
        raise CommandError("gunicorn is not running: no memory to sample")
    master = server.process.pid
    return {
        "at": round(time.monotonic(), 1),
        "master": loadtest.memory_kb(master).get("VmRSS"),
        "workers": {str(pid): loadtest.memory_kb(pid).get("VmRSS") for pid in server.worker_pids()},
    }


def soak_run(
    *, minutes: float, clients: int, warmup_seconds: float | None = None, log: Callable[[str], object] = print
) -> dict:
    run = uuid.uuid4().hex[:8]
    scope = bench_pages.bench_scope()
    # Every page type as browsers read it (not the benchmark's reference row of a CSV read uncompressed).
    pages = [page for page in bench_pages.bench_pages(scope) if page.compressed]
    writers = soak_writers(scope)
    seconds = minutes * 60
    warmup = warmup_seconds if warmup_seconds is not None else min(60.0, seconds / 5)
    log(
        f"Soak {run} on database {settings.DATABASES['default']['NAME']}: {clients} clients for {minutes:g} min "
        f"(warm-up {warmup:.0f} s); writers {', '.join(w.username + ' (' + w.department_slug + ')' for w in writers)}"
    )
    tally = Tally()
    samples = []
    # Production's settings: no Server-Timing header (the benchmark's per-page server times need it; the soak
    # measures what a client waits, and production does not send it).
    with loadtest.Gunicorn(workers=WORKERS, env={"SERVER_TIMING": "false"}) as server:
        start_pids = sorted(server.worker_pids())
        samples.append({"label": "start", **_memory(server)})
        began = time.monotonic()
        stop = began + seconds
        threads = [
            threading.Thread(
                target=_client_loop,
                kwargs=dict(
                    number=n,
                    clients=clients,
                    server=server,
                    pages=pages,
                    writers=writers,
                    stop=stop,
                    run=run,
                    tally=tally,
                ),
                daemon=True,
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        warmed, next_sample = False, began + 30
        while any(t.is_alive() for t in threads):
            time.sleep(1)
            now = time.monotonic()
            if not warmed and now - began >= warmup:
                samples.append({"label": "after warm-up", **_memory(server)})
                warmed = True
            if now >= next_sample:
                next_sample += 30
                samples.append({"label": f"{now - began:.0f} s", **_memory(server)})
                log(
                    f"  {now - began:.0f} s: {sum(tally.requests.values())} requests, "
                    f"{sum(tally.error_count.values())} errors"
                )
        for thread in threads:
            thread.join()
        samples.append({"label": "end", **_memory(server)})
        end_pids = sorted(server.worker_pids())
        server_log = server.log_tail(100)
    if not warmed:
        samples.insert(1, {**samples[0], "label": "after warm-up"})

    # Every write a client saw succeed must be in the database.
    found_kpi = set(KpiValue.objects.filter(commentary__startswith=f"soak {run} ").values_list("commentary", flat=True))
    found_progress = set(
        DeliverableUpdate.objects.filter(commentary__startswith=f"soak {run} ").values_list("commentary", flat=True)
    )
    lost = sorted(set(tally.kpi_writes) - found_kpi) + sorted(set(tally.deliverable_writes) - found_progress)

    baseline = next(s for s in samples if s["label"] == "after warm-up")
    end = samples[-1]
    growth = {
        pid: round(((end["workers"].get(pid) or 0) - (rss or 0)) / 1024, 1) for pid, rss in baseline["workers"].items()
    }
    problems = []
    if tally.error_count:
        problems.append(f"{sum(tally.error_count.values())} errors: {dict(tally.error_count)}")
    if lost:
        problems.append(f"{len(lost)} writes not found in the database")
    if start_pids != end_pids:
        problems.append(f"workers changed during the soak ({start_pids} -> {end_pids}): a worker died or timed out")
    if any(g >= RSS_GROWTH_LIMIT_MB for g in growth.values()):
        problems.append(f"worker RSS grew by {max(growth.values())} MB after warm-up (limit {RSS_GROWTH_LIMIT_MB})")
    total = sum(tally.requests.values())
    every = [ms for kind in tally.latencies.values() for ms in kind]
    p50, p95 = timings.percentile(every, 50), timings.percentile(every, 95)
    missed = []
    if total / seconds < MIN_RPS:
        missed.append(f"{total / seconds:.1f} requests/s < {MIN_RPS:g}")
    if not p95 < P95_MS:  # also when nothing was measured (nan)
        missed.append(f"p95 {p95:.0f} ms >= {P95_MS:g} ms")
    report = {
        "run": run,
        "database": settings.DATABASES["default"]["NAME"],
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": bench.git_commit(),
        "minutes": minutes,
        "clients": clients,
        "warmup_seconds": warmup,
        "workers": WORKERS,
        "write_interval_s": WRITE_INTERVAL,
        "requests": total,
        "requests_per_second": round(total / seconds, 1),
        "p50_ms": None if math.isnan(p50) else round(p50, 1),
        "p95_ms": None if math.isnan(p95) else round(p95, 1),
        "targets": {"min_rps": MIN_RPS, "p95_ms": P95_MS},
        "by_kind": {
            kind: {
                "requests": n,
                "errors": tally.error_count.get(kind, 0),
                "p50_ms": round(timings.percentile(tally.latencies[kind], 50), 1),
                "p95_ms": round(timings.percentile(tally.latencies[kind], 95), 1),
            }
            for kind, n in sorted(tally.requests.items())
        },
        "errors": tally.errors,
        "writes": {
            "kpi_values": len(tally.kpi_writes),
            "deliverable_updates": len(tally.deliverable_writes),
            "found": len(tally.kpi_writes) + len(tally.deliverable_writes) - len(lost),
            "lost": lost[:50],
        },
        "memory_kb": samples,
        "worker_rss_growth_mb": growth,
        "rss_growth_limit_mb": RSS_GROWTH_LIMIT_MB,
        "problems": problems,
        "missed": missed,
        "ok": not problems and not missed,
    }
    if problems:
        report["server_log_tail"] = server_log
    return report


def soak_summary(report: dict) -> str:
    lines = [f"{'kind':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"]
    for kind, row in report["by_kind"].items():
        lines.append(f"{kind:<22}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}")
    first, warm, end = (
        report["memory_kb"][0],
        next(s for s in report["memory_kb"] if s["label"] == "after warm-up"),
        report["memory_kb"][-1],
    )

    def mb(kb: int | None) -> str:
        return f"{(kb or 0) / 1024:.1f}"

    lines.append(
        f"{report['requests']} requests in {report['minutes']:g} min ({report['requests_per_second']}/s) "
        f"from {report['clients']} clients; writes: {report['writes']['kpi_values']} KPI values, "
        f"{report['writes']['deliverable_updates']} progress updates, {report['writes']['found']} found, "
        f"{len(report['writes']['lost'])} lost"
    )
    lines.append(
        f"every request: p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms; targets >= "
        f"{report['targets']['min_rps']:g} requests/s, p95 < {report['targets']['p95_ms']:g} ms: "
        + ("met" if not report["missed"] else "missed: " + "; ".join(report["missed"]))
    )
    lines.append(
        f"RSS MB master {mb(first['master'])} -> {mb(end['master'])}; workers start "
        + ", ".join(mb(v) for v in first["workers"].values())
        + " / after warm-up "
        + ", ".join(mb(v) for v in warm["workers"].values())
        + " / end "
        + ", ".join(mb(v) for v in end["workers"].values())
        + f" (growth after warm-up {', '.join(str(g) for g in report['worker_rss_growth_mb'].values())} MB, "
        f"limit {report['rss_growth_limit_mb']:g})"
    )
    return "\n".join(lines)
