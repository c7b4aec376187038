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


class Expected:
    """What a backup must hold to be restored by this version of the code: its migration revision(s) and tables."""

    def __init__(self, revisions: set[str], tables: set[str]):
        self.revisions, self.tables = revisions, tables


def expected_from_app() -> Expected:
    """The migration head(s) in `migrations/` and the tables the models define (needs an app context)."""
    from alembic.script import ScriptDirectory

    from equiptrain.db import Base
    from equiptrain.extensions import migrate

    script = ScriptDirectory.from_config(migrate.get_config())
    return Expected(set(script.get_heads()), set(Base.metadata.tables))


def _check_sqlite(path: Path, expected: Expected | None) -> None:
    """Raise BackupError unless `path` is a whole, undamaged EquipTrain SQLite database at the expected revision."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened as a SQLite database ({exc}).") from None
    try:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"{path} is not a SQLite backup made by `equiptrain backup`, or is damaged ({exc})."
            ) from None
        if problems != ["ok"]:
            raise BackupError(
                f"{path} is damaged: SQLite's integrity check found {len(problems)} problem(s), the first: "
                f"{problems[0]}. Restore an older backup."
            )
        if "alembic_version" not in tables or "users" not in tables:
            raise BackupError(
                f"{path} is not an EquipTrain database backup (it has no users or alembic_version table)."
            )
        revisions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        if expected is None:
            return
        if revisions != expected.revisions:
            raise BackupError(
                f"{path} is at migration revision {', '.join(sorted(revisions)) or 'none'}, and this version of "
                f"EquipTrain expects {', '.join(sorted(expected.revisions))}. Restore it with the version that made "
                "it, then run `equiptrain db upgrade`; or choose a backup made by this version."
            )
        missing = sorted(expected.tables - tables)
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            raise BackupError(f"{path} is not a whole EquipTrain backup: {len(missing)} tables missing: {shown}.")
    finally:
        conn.close()


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        # Into the live file through SQLite itself (taking its write lock), so running servers see the restored
        # data rather than a file swapped under them.
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _restore_sqlite(target: Path, source: Path, expected: Expected | None) -> None:
    """Check the backup fully, keep a copy of the live database, copy the backup in, check the result; on any
    failure after the live database was touched, put the kept copy back."""
    try:
        _check_sqlite(source, expected)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was changed.") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}")
        try:
            _copy_sqlite(target, kept)
        except sqlite3.Error as exc:
            kept.unlink(missing_ok=True)
            raise BackupError(
                f"Could not keep a copy of the live database first ({exc}). Nothing was changed."
            ) from None
    try:
        _copy_sqlite(source, target)
        _check_sqlite(target, expected)
    except (sqlite3.Error, BackupError) as exc:
        if kept is None:
            raise BackupError(f"The restore failed ({exc}).") from None
        try:
            _copy_sqlite(kept, target)
        except sqlite3.Error as again:
            raise BackupError(
                f"The restore failed ({exc}) and putting the previous database back failed too ({again}): it is "
                f"kept at {kept}; copy it over {target} with the app servers stopped."
            ) from None
        kept.unlink()
        raise BackupError(f"The restore failed ({exc}); the previous database was put back.") from None
    if kept is not None:
        kept.unlink()


def restore(database_url: str, source: Path, expected: Expected | None = None) -> str:
    """Replace the database's contents with the backup at `source`. On SQLite the backup is checked first (SQLite's
    integrity check, the migration revision and the tables `expected` names) and the live database is kept until
    the restore has succeeded."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(_sqlite_path(url), source, expected)
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
