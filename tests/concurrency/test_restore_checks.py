"""`equiptrain restore` checks a SQLite backup fully before it touches the live database: a corrupt file, a SQLite
file from something else, a backup from another migration revision are all refused with a clear message and the
live database is left exactly as it was; a restore that fails half way puts the previous database back."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from equiptrain import backup as backup_module
from equiptrain.accounts.models import User
from equiptrain.cli import backup_command, restore_command
from equiptrain.extensions import db
from tests.builders import Builders
from tests.live import dispose, own_app

pytestmark = pytest.mark.own_database


def _invoke(app, command, *args):
    return CliRunner().invoke(command, [str(a) for a in args], obj=ScriptInfo(create_app=lambda: app))


def _people(app) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count(User.id)))
        db.session.remove()
    return n


@pytest.fixture
def site(tmp_path):
    app = own_app(tmp_path, "live")  # always a SQLite file (no URL given), in the PostgreSQL run too
    with app.app_context():
        build = Builders()
        team = build.team()
        for _ in range(3):
            build.user("learner", team=team)
        db.session.remove()
    result = _invoke(app, backup_command, tmp_path / "good.db")
    assert result.exit_code == 0, result.output
    with app.app_context():
        Builders().user("learner")  # one more person after the backup: the live database differs from it
        db.session.remove()
    yield app, tmp_path
    dispose(app)


def test_a_backup_with_8000_bytes_overwritten_is_refused_and_the_live_database_kept(site):
    app, tmp_path = site
    people = _people(app)
    bad = tmp_path / "corrupt.db"
    data = bytearray((tmp_path / "good.db").read_bytes())
    at = len(data) // 3
    data[at : at + 8000] = os.urandom(8000)
    bad.write_bytes(bytes(data))
    result = _invoke(app, restore_command, bad, "--yes")
    assert result.exit_code != 0
    assert "integrity check" in result.output or "damaged" in result.output
    assert "nothing was changed" in result.output.lower()
    assert _people(app) == people


def test_a_sqlite_file_with_only_users_and_alembic_version_is_refused(site):
    app, tmp_path = site
    people = _people(app)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        head = sqlite3.connect(tmp_path / "good.db").execute("SELECT version_num FROM alembic_version").fetchone()[0]
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (head,))
    result = _invoke(app, restore_command, other, "--yes")
    assert result.exit_code != 0
    assert "tables missing" in result.output and "audited_plans" in result.output
    assert _people(app) == people


def test_a_backup_from_another_migration_revision_is_refused(site):
    app, tmp_path = site
    people = _people(app)
    with sqlite3.connect(tmp_path / "good.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    result = _invoke(app, restore_command, tmp_path / "good.db", "--yes")
    assert result.exit_code != 0
    assert "f00d" in result.output and "revision" in result.output
    assert _people(app) == people


def test_a_good_backup_restores(site):
    app, tmp_path = site
    result = _invoke(app, restore_command, tmp_path / "good.db", "--yes")
    assert result.exit_code == 0, result.output
    assert _people(app) == 3
    assert not list(tmp_path.glob("*.before-restore*"))  # the kept copy goes once the restore has succeeded


def test_a_restore_that_fails_after_copying_puts_the_previous_database_back(site, monkeypatch):
    app, tmp_path = site
    people = _people(app)
    checks = []
    real = backup_module._check_sqlite

    def fail_on_the_live_copy(path, expected):
        checks.append(path)
        if len(checks) == 2:  # the first check is the backup's, the second the live database's after the copy
            raise backup_module.BackupError("simulated failure after the copy")
        return real(path, expected)

    monkeypatch.setattr(backup_module, "_check_sqlite", fail_on_the_live_copy)
    result = _invoke(app, restore_command, tmp_path / "good.db", "--yes")
    assert result.exit_code != 0 and "previous database was put back" in result.output
    assert _people(app) == people
