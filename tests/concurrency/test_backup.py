"""`equiptrain backup` while people write, and `equiptrain restore`: the copy holds every write committed before
the backup started, and restoring it brings exactly a consistent moment back. On SQLite (the online backup API)
and, in the PostgreSQL run, on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import threading
import time

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from equiptrain.cli import backup_command, restore_command
from equiptrain.extensions import db
from equiptrain.reflection.models import ReflectiveEntry
from tests.builders import PASSWORD, Builders
from tests.conftest import database_url_for
from tests.live import Client, Server, dispose, own_app

pytestmark = pytest.mark.own_database
WRITERS = 8


def _invoke(app, command, *args):
    return CliRunner().invoke(command, [str(a) for a in args], obj=ScriptInfo(create_app=lambda: app))


def _entry_ids(app) -> set[int]:
    with app.app_context():
        ids = set(db.session.scalars(select(ReflectiveEntry.id)))
        db.session.remove()
    return ids


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_backup_taken_during_a_write_burst_restores_every_write_committed_before_it(tmp_path):
    app = own_app(
        tmp_path, "backup", database_url=database_url_for(tmp_path, "equiptrain_servers"), WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        build = Builders()
        team = build.team()
        emails = [build.user("learner", team=team).email for _ in range(WRITERS)]
        db.session.remove()
    server = Server(app)
    accepted: list[tuple[int, float, float]] = []  # (entry id, sent at, answered at)
    stop = threading.Event()
    lock = threading.Lock()

    def write(email):
        client = Client(server.url)
        assert client.sign_in(email, PASSWORD) == 302
        token = client.csrf("/reflection/new/gibbs")
        for n in range(500):  # bounded: stopped by the event long before
            if stop.is_set():
                return
            sent = time.monotonic()
            status, headers, _ = client.post(
                "/reflection/new/gibbs",
                {
                    "csrf_token": token,
                    "title": f"Entry {n}",
                    "description": "We reviewed the plan together.",
                    "module_id": "",
                },
            )
            if status == 302:
                with lock:
                    accepted.append((int(headers["Location"].rstrip("/").rsplit("/", 1)[1]), sent, time.monotonic()))

    threads = [threading.Thread(target=write, args=(email,)) for email in emails]
    try:
        for thread in threads:
            thread.start()
        _wait_for(lambda: len(accepted) >= 2 * WRITERS)
        started = time.monotonic()
        result = _invoke(app, backup_command, tmp_path / "backup.db")
        finished = time.monotonic()
        _wait_for(lambda: sum(sent > finished for _, sent, _ in list(accepted)) >= WRITERS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()
    assert result.exit_code == 0, result.output
    assert "Backed up the database to" in result.output
    before = {entry for entry, _, answered in accepted if answered < started}
    after = {entry for entry, sent, _ in accepted if sent > finished}
    assert before and after, "the burst must run on both sides of the backup"

    # Nothing is overwritten or replaced without saying so.
    again = _invoke(app, backup_command, tmp_path / "backup.db")
    assert again.exit_code != 0 and "already exists" in again.output and "--yes" in again.output
    refused = _invoke(app, restore_command, tmp_path / "backup.db")
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _entry_ids(app) >= before | after

    result = _invoke(app, restore_command, tmp_path / "backup.db", "--yes")
    assert result.exit_code == 0, result.output
    restored = _entry_ids(app)
    dispose(app)
    assert before <= restored  # every write committed before the backup started is back
    assert not (after & restored)  # and nothing written after it finished
    assert restored <= {entry for entry, _, _ in accepted}


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    app = own_app(tmp_path, "notbackup")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database")
    result = _invoke(app, restore_command, junk, "--yes")
    dispose(app)
    assert result.exit_code != 0
    assert "not" in result.output and str(junk) in result.output
