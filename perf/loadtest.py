"""What the benchmark (`manage.py bench`) and the soak (`manage.py soak`) share: a gunicorn server started on
loopback with production-like settings, a small HTTP client with cookies and CSRF, reading memory from /proc,
and the pure helpers (percentiles, Server-Timing and wrk output parsing) that tests/test_bench.py pins.

Only the standard library is used on the client side, so nothing is added to requirements.lock."""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connections

from config.localdb import ensure_server
from plans.models import Department, Role

MANAGE = settings.BASE_DIR / "manage.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


# -- pure helpers ------------------------------------------------------------------------------------------------


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


class _FormParser(HTMLParser):
    """Every <form> of a page with its named fields as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "image", "file"}:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option = value
            if self._select_first is None:
                self._select_first = value or ""
            if "selected" in a:
                fields[self._select] = value or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            self.forms[-1]["fields"].setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def html_forms(html: str) -> list[dict]:
    """[{"action": ..., "method": "post", "fields": {name: value}}] for every form in `html`."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, *, field_prefix: str = "") -> dict[str, str]:
    """The fields of the page's first POST form (that has a field starting with `field_prefix`)."""
    for form in html_forms(html):
        if form["method"] == "post" and any(name.startswith(field_prefix) for name in form["fields"]):
            return dict(form["fields"])
    raise ValueError(f"no POST form with a field starting {field_prefix!r}")


# -- HTTP client ---------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float
    chunked: bool

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def timing(self) -> Timing | None:
        return server_timing(self.headers.get("server-timing", ""))


@dataclass
class Client:
    """One browser: its own cookies (session, CSRF), one request at a time, redirects not followed."""

    host: str
    port: int
    timeout: float = 120.0
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        sent = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "service-plan-bench",
            **({"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}),
            **(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{self.host}:{self.port}"}
                if body is not None
                else {}
            ),
            **(headers or {}),
        }
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            content = raw.read()
            elapsed = (time.perf_counter() - start) * 1000
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:  # Django deletes a cookie so
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            headers = {k.lower(): v for k, v in raw.getheaders()}
            return Response(
                raw.status, headers, content, elapsed, chunked=headers.get("transfer-encoding", "").lower() == "chunked"
            )
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the real sign-in page, with its CSRF token."""
        page = self.get("/accounts/login/")
        token = post_form(page.text, field_prefix="csrfmiddlewaretoken")["csrfmiddlewaretoken"]
        answer = self.post(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise CommandError(f"Signing in as {username} failed: HTTP {answer.status}")


# -- the server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(*args: str, env: dict | None = None) -> float:
    """Run `manage.py <args>` in a fresh process (as a person would); its wall-clock seconds. Raises
    CommandError when it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(MANAGE), *args], env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return seconds


def server_environment() -> dict[str, str]:
    """Production-like settings on loopback: DEBUG off, a random secret key, only loopback hosts, hashed
    static files (collected first), Server-Timing on. PRODUCTION stays off: it would redirect to HTTPS and
    send cookies only over HTTPS, which a loopback benchmark cannot speak."""
    env = {k: v for k, v in os.environ.items() if k not in {"PRODUCTION", "DEBUG", "REQUIRE_SIGN_IN"}}
    env.update(
        DEBUG="false",
        SERVER_TIMING="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    )
    return env


class Gunicorn:
    """gunicorn serving config.wsgi on a free loopback port, in its own process group so that stopping it
    stops its workers. Use as a context manager: the server is always stopped."""

    def __init__(
        self, *, workers: int = 2, port: int | None = None, timeout: int = 30, env: dict[str, str] | None = None
    ) -> None:
        self.workers, self.port, self.timeout = workers, port or free_port(), timeout
        self.env = env or {}  # settings over the production-like ones, e.g. PAGE_CACHE=false
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])

    def __enter__(self) -> Gunicorn:
        run_manage("collectstatic", "--noinput", "--verbosity", "0", env=server_environment())
        with self.log.open("w") as log:
            process = self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    str(self.timeout),
                    "--access-logfile",
                    "/dev/null",
                    "--error-logfile",
                    "-",
                ],
                cwd=settings.BASE_DIR,
                env={**server_environment(), **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait(process)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait(self, process: subprocess.Popen, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        client = Client("127.0.0.1", self.port, timeout=5)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError(f"gunicorn exited with {process.returncode}:\n{self.log_tail()}")
            try:
                if client.get("/healthz").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise CommandError(f"gunicorn did not answer /healthz within {seconds:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group this server was started in, nothing else
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def listen_backlog(port: int) -> int:
    """Connections waiting to be accepted on the loopback listening socket `port` (the rx_queue of a
    LISTEN socket in /proc/net/tcp); 0 when it cannot be read."""
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return 0
    for line in lines:
        parts = line.split()
        if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":
            return int(parts[4].split(":")[1], 16)
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in kB, from /proc; {} if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {key: int(value) for key, value in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE)}


def reset_peak(pid: int) -> bool:
    """Reset a process's VmHWM to its current RSS (Linux: write 5 to clear_refs; needs the same user or
    root). False when it cannot be reset, and the peak then includes what came before."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def recreate_database(name: str) -> None:
    """Drop and create database `name` on the embedded server. Only for the benchmark's own databases."""
    if os.environ.get("DATABASE_URL") or os.environ.get("PGHOST") or not name.startswith(("app_bench", "app_soak")):
        raise CommandError(
            f"Refusing to drop database {name!r}: only the embedded app_bench*/app_soak* databases "
            "are recreated (run through `make bench` / `make soak`)"
        )
    connections.close_all()
    server = ensure_server()
    server.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')
    server.psql(f'CREATE DATABASE "{name}";')


def lead_account(*, username: str, department: Department) -> str:
    """A performance lead of `department` for the benchmark to sign in as, created (or its password renewed)
    in the current database; returns a fresh random password. Embedded databases only, like
    seed_local_users: no benchmark account is ever made in production."""
    if os.environ.get("DATABASE_URL") or getattr(settings, "PRODUCTION", False):
        raise CommandError("The benchmark signs in with an account it creates: embedded databases only")
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Benchmark", "last_name": "Lead"}
    )
    password = secrets.token_urlsafe(24)
    user.set_password(password)
    user.save(update_fields=["password"])
    Role.objects.get_or_create(user=user, kind=Role.Kind.LEAD, department=department)
    return password
