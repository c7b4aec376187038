"""Consistent backups while the site is serving, and restoring them.

SQLite: the online backup API copies the database in one step under a read transaction, so the copy is the
database exactly as it was at one moment (WAL lets the site keep writing meanwhile); the copy is checked and
left as one self-contained file. PostgreSQL: `pg_dump --format=custom`, which reads from one snapshot; restored
with `pg_restore --clean --single-transaction`, so a failed restore changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """Something stopped the backup or restore; the message says what and how to fix it."""


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing on disk to back up.")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        bindir = ""
    candidate = Path(bindir) / name if bindir else None
    if candidate and candidate.exists():
        return str(candidate)
    raise BackupError(
        f"{name} is not installed. Install the PostgreSQL client tools (Debian: postgresql-client), "
        "the same major version as the server."
    )


def _pg_args(url) -> tuple[list[str], dict]:
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def backup(database_url: str, target: Path) -> str:
    """Copy the database to `target` (which must not exist); returns a sentence saying what was done."""
    url = make_url(database_url)
    partial = target.with_name(target.name + ".partial")
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"There is no database at {source}. Check EQUIPTRAIN_DATABASE_URL.")
        partial.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one consistent moment
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            problems = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if problems != "ok":
            partial.unlink(missing_ok=True)
            raise BackupError(f"The copy failed its integrity check ({problems}); nothing was written.")
        kind = "SQLite online backup"
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run(
            [_pg_tool("pg_dump"), "--format=custom", "--file", str(partial), *args],
            capture_output=True,
            text=True,
            env=env,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        kind = "pg_dump, custom format"
    else:
        raise BackupError(f"Backing up {url.get_backend_name()} databases is not supported.")
    os.replace(partial, target)
    size = target.stat().st_size
    return f"Backed up the database to {target} ({kind}, {size / 1024:.0f} KB, as it was at {started})."


def restore(database_url: str, source: Path) -> str:
    """Replace the database's contents with the backup at `source`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            raise BackupError(f"{source} is not a SQLite backup made by `equiptrain backup`.") from None
        if "alembic_version" not in tables or "users" not in tables:
            src.close()
            raise BackupError(f"{source} is not an EquipTrain database backup (it has no users table).")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            # Into the live file through SQLite itself (taking its write lock), so running servers see the
            # restored data rather than a file swapped under them.
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed and changed nothing: {result.stderr.strip()}")
    else:
        raise BackupError(f"Restoring {url.get_backend_name()} databases is not supported.")
    return f"Restored the database from {source}."
