"""The server side of the benchmark (`manage.py bench`) and the soak (`manage.py soak`): a gunicorn server started
on loopback with production-like settings, `manage.py` run in a fresh process, memory read from /proc, the
database recreated, and the performance lead account they sign in as. Their browser is perf/http_client.py;
what they measure is read by perf/timings.py."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connections

from config.localdb import ensure_server
from perf.http_client import Client
from plans.models import Department, Role

MANAGE = settings.BASE_DIR / "manage.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")

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
