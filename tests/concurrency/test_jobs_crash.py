"""The outbox survives a consumer killed with SIGKILL in the middle of 200 invitations: every invitation
arrives, with 200 distinct Message-IDs (a resend carries the same one). Two consumers run; one is killed while
its deliveries are in flight, then started again. With the queue in SQLite (the default) and in Redis; on
PostgreSQL (EQUIPTRAIN_TEST_DATABASE_URL set) the database is PostgreSQL's `equiptrain_servers`.

A consumer killed the same way in the middle of a batch of password-reset requests (each a row written by the
request; the job resolves the address and writes the email): every known address still gets its reset, once,
and an unknown one nothing.

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
from tests.builders import PASSWORD, Builders
from tests.conftest import database_url_for
from tests.live import Client, dispose, own_app, together
from tests.servers import BIN, ROOT, AppServer, server_settings, stop
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


@pytest.fixture
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


@pytest.mark.parametrize("world", ["sqlite-queue", "redis-queue"], indirect=True)
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

    kill_one_mid_batch_and_check(app, smtp, settings, tmp_path, addresses)


def kill_one_mid_batch_and_check(app, smtp, settings, tmp_path, addresses) -> None:
    """Two consumers; one is killed (SIGKILL) while deliveries are in flight, then started again. Every address
    gets its invitation, each with one Message-ID, and every outbox row ends marked sent."""
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
            assert wait_for(lambda: _sent(app) == len(addresses))
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
    assert len({mid for _to, mid in received}) == len(addresses)
    with app.app_context():
        stored = set(
            db.session.scalars(
                select(OutboxItem.message_id).where(OutboxItem.kind == "email", OutboxItem.recipient.in_(addresses))
            )
        )
        assert stored == {mid for _to, mid in received}


@pytest.mark.parametrize("world", ["sqlite-queue"], indirect=True)
def test_a_consumer_killed_mid_batch_of_resets_loses_none(world, tmp_path):
    import datetime as dt

    from equiptrain.accounts.services import queue_password_reset

    app, smtp, settings = world
    with app.app_context():
        build = Builders()
        org = build.org()
        known = [build.user(org=org, email=f"reset{n}@example.nhs.uk") for n in range(120)]
        unknown = [f"nobody{n}@example.nhs.uk" for n in range(80)]
        gone = build.user(org=org, email="left@example.nhs.uk")
        gone.deactivated_at = dt.datetime.now(dt.UTC)
        for n, address in enumerate([p.email for p in known] + ["left@example.nhs.uk"] + unknown):
            if n % 3 == 0:
                address = address.upper()  # as typed
            queue_password_reset(address, ip_address="10.0.0.9")
        db.session.commit()  # 201 request rows, and their jobs handed to the queue
        addresses = {p.email for p in known}
        db.session.remove()

    kill_one_mid_batch_and_check(app, smtp, settings, tmp_path, addresses)
    with smtp.lock:
        assert {to for to, _mid in smtp.messages} == addresses  # none to the deactivated or unknown addresses
    with app.app_context():
        rows = db.session.scalars(select(OutboxItem).where(OutboxItem.kind == "password_reset")).all()
        assert len(rows) == 201 and {r.status for r in rows} == {SENT}
        db.session.remove()


@pytest.mark.parametrize("world", ["redis-queue"], indirect=True)
def test_two_app_servers_two_consumers_and_a_kill(world, tmp_path):
    """Invitations asked for on two app servers (gunicorn) sharing the database and the queue; one of the two
    consumers is killed mid-batch. On PostgreSQL in CI, with Redis as the queue."""
    app, smtp, settings = world
    with app.app_context():
        build = Builders()
        org = build.org()
        admin = build.user("admin", org=org)
        people = [build.user(org=org, password=None, email=f"staff{n}@example.nhs.uk") for n in range(PEOPLE)]
        ids = [p.id for p in people]
        addresses = {p.email for p in people}
        admin_email = admin.email
        db.session.remove()
    server_env = server_settings(
        settings["DATABASE_URL"], "memory://", **{k: v for k, v in settings.items() if k not in ("DATABASE_URL",)}
    )
    servers = [AppServer(tmp_path, server_env, workers=1, threads=4, name=f"app{n}") for n in (1, 2)]
    try:
        browsers = []
        for server in servers:
            browser = Client(server.url)
            assert browser.sign_in(admin_email, PASSWORD) == 302
            browsers.append(browser)
        tokens = [b.csrf("/admin/people") for b in browsers]

        def invite_share(k: int) -> list[int]:
            # Four people asking at once, two on each server, each with their own connection.
            browser = Client(servers[k % 2].url)
            browser.cookies = dict(browsers[k % 2].cookies)
            return [
                browser.post(f"/admin/people/{user_id}/invite", {"csrf_token": tokens[k % 2]})[0]
                for user_id in ids[k::4]
            ]

        statuses = together([lambda k=k: invite_share(k) for k in range(4)])
        assert all(isinstance(s, list) and set(s) == {302} for s in statuses), statuses
    finally:
        for server in servers:
            server.stop()
    kill_one_mid_batch_and_check(app, smtp, settings, tmp_path, addresses)


@pytest.mark.parametrize("world", ["sqlite-queue"], indirect=True)
def test_a_daily_task_fires_once_with_two_processes_at_once(world, tmp_path):
    """Two processes run the schedule at the same moment (two consumers' ticks, or cron on two servers): the
    (task, day) claim lets one run it; the learner due in 14 days is reminded once."""
    import datetime as dt

    from equiptrain.dashboards.services import save_requirements
    from equiptrain.jobs.models import ScheduleRun
    from tests.dashboards.helpers import modules

    app, smtp, settings = world
    smtp.release()
    with app.app_context():
        build = Builders()
        org = build.org()
        team = build.team(org)
        learner = build.user("learner", team=team)
        admin = build.user("admin", org=org)
        (module,) = modules(1)
        save_requirements(
            admin,
            org,
            module_ids={module.id},
            core_workshop=False,
            deadline=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14),
            joiner_days=None,
        )
        db.session.commit()
        learner_id = learner.id
        db.session.remove()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update({f"EQUIPTRAIN_{k}": str(v) for k, v in {**settings, "SCHEDULE_DAILY_HOUR": 0}.items()})
    runs = [
        subprocess.Popen(
            [str(BIN / "equiptrain"), "jobs", "run-due", "--schedule-only"],
            cwd=ROOT,
            env={**env, "EQUIPTRAIN_INSTANCE_PATH": str(tmp_path / f"cron{n}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in runs]
    assert all(p.returncode == 0 for p in runs), outputs
    assert sum("reminders.daily" in out for out in outputs) == 1, outputs
    with app.app_context():
        assert db.session.scalar(select(func.count(ScheduleRun.id)).where(ScheduleRun.name == "reminders.daily")) == 1
        reminders = db.session.scalar(
            select(func.count(OutboxItem.id)).where(
                OutboxItem.user_id == learner_id, OutboxItem.category == "deadline_reminder"
            )
        )
        assert reminders == 1
        db.session.remove()


def _sent(app) -> int:
    db.session.remove()
    return (
        db.session.scalar(
            select(func.count(OutboxItem.id)).where(OutboxItem.status == SENT, OutboxItem.kind == "email")
        )
        or 0
    )
