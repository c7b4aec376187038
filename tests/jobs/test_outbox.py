"""The outbox: written in the transaction (gone with a rollback), delivered after commit and marked sent, retried
with back-off while the mail server is down, failed after the last attempt and retried by an administrator, swept
when its job was lost; the same Message-ID on every attempt; `jobs status|retry|run-due`."""

from __future__ import annotations

import datetime as dt
import smtplib

import time_machine
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from equiptrain import mail
from equiptrain.cli import main
from equiptrain.extensions import db
from equiptrain.jobs import outbox as ob
from equiptrain.jobs import services
from equiptrain.jobs.models import FAILED, PENDING, SENT, OutboxItem


def _run(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def _item(subject: str) -> OutboxItem:
    return db.session.scalar(select(OutboxItem).where(OutboxItem.subject == subject))


def test_a_message_is_written_with_the_change_and_gone_with_a_rollback(app, build, outbox):
    user = build.user()
    mail.send(user.email, "Rolled back", "Never sent")
    db.session.rollback()
    assert _item("Rolled back") is None
    mail.send(user.email, "Committed", "Sent", category="test")
    db.session.commit()
    item = _item("Committed")
    assert (item.status, item.user_id, item.category, item.kind) == (PENDING, user.id, "test", "email")
    [message] = outbox.messages  # delivered by the job queued after the commit
    db.session.refresh(item)
    assert item.status == SENT and item.sent_at is not None and message["Message-ID"] == item.message_id


class _Refused:
    def __init__(self, *args, **kwargs):
        raise ConnectionRefusedError("Connection refused")


class _Accepting:
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, *args):
        pass

    def send_message(self, msg):
        _Accepting.sent.append(msg["Message-ID"])


def test_smtp_errors_back_off_then_fail_and_an_admin_retries(app, build, monkeypatch, background_queue):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setattr(smtplib, "SMTP", _Refused)
    user = build.user()
    mail.send(user.email, "Down", "The server is down")
    db.session.commit()
    item = _item("Down")
    background_queue.run_pending()
    db.session.refresh(item)
    assert (item.status, item.attempts) == (PENDING, 1) and "Connection refused" in item.last_error
    waits = [item.next_attempt_at - item.created_at]
    for _ in range(ob.MAX_ATTEMPTS - 1):
        ob.deliver(item.id)
        db.session.commit()
        waits.append(item.next_attempt_at - utc(item))
    assert item.status == FAILED and item.attempts == ob.MAX_ATTEMPTS
    assert waits[0] < waits[1] < waits[2] < waits[3]  # back-off: 1, 5, 30 minutes, then 2 hours

    status = _run(app, "jobs", "status")
    assert f"failed {item.id}" in status.output and "Connection refused" in status.output

    monkeypatch.setattr(smtplib, "SMTP", _Accepting)
    _Accepting.sent = []
    assert _run(app, "jobs", "retry", str(item.id)).exit_code == 0
    background_queue.run_pending()
    db.session.refresh(item)
    assert item.status == SENT and _Accepting.sent == [item.message_id]  # the same Message-ID as every attempt
    again = _run(app, "jobs", "retry", str(item.id))
    assert again.exit_code == 1 and "nothing to retry" in again.output
    assert _run(app, "jobs", "retry", "999999").exit_code == 1


def utc(item):
    return item.next_attempt_at - ob.backoff(item.attempts) if item.status == PENDING else item.next_attempt_at


def test_the_sweeper_queues_again_what_a_lost_job_left(app, build, background_queue, outbox):
    user = build.user()
    mail.send(user.email, "Lost job", "Its job vanished with a killed consumer")
    db.session.commit()
    background_queue.clear()  # the consumer died holding the job
    assert ob.sweep() == 0  # not yet: it may still be on its way
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        assert ob.sweep() == 1
        db.session.commit()
        assert ob.sweep() == 0  # pushed on: a second sweep does not queue it twice
    background_queue.run_pending()
    background_queue.paused = False
    assert [m["Subject"] for m in outbox.to(user.email)] == ["Lost job"]


def test_with_no_consumer_jobs_wait_and_status_says_so(app, client, build, background_queue):
    user = build.user()
    db.session.commit()
    assert client.post("/reset-password", data={"email": user.email}).status_code == 200  # the site works
    assert client.get("/sign-in").status_code == 200
    s = services.status()
    assert not s.consumer_running and s.queued == 1 and "No consumer" in s.summary
    result = _run(app, "jobs", "status")
    assert "No consumer has run yet" in result.output and "Queued jobs: 1 waiting" in result.output
    assert "reminders.daily (day): next" in result.output
    ran = _run(app, "jobs", "run-due")  # cron's way: the due tasks, then the waiting jobs
    assert ran.exit_code == 0 and "Queued jobs run: 2" in ran.output  # the reset, then its email's delivery
    assert _item("Reset your EquipTrain password").status == SENT


def test_other_kinds_register_their_deliverer(app, background_queue):
    from equiptrain import transaction

    delivered = []
    ob.register_kind("test-kind", lambda item: delivered.append(item.payload["n"]))
    try:
        transaction.add_to_outbox(OutboxItem(kind="test-kind", payload={"n": 7}, recipient="lrs"))
        db.session.commit()
        background_queue.run_pending()
    finally:
        ob._kinds.pop("test-kind")
    assert delivered == [7]


def test_a_delivered_message_keeps_no_body(app, build, outbox):
    user = build.user(password=None)
    from equiptrain.accounts.services import invite

    invite(None, user)
    db.session.commit()
    assert _item("You are invited to EquipTrain").body is not None  # held until delivered (a link inside)
    assert len(outbox.to(user.email)) == 1
    item = _item("You are invited to EquipTrain")
    db.session.refresh(item)
    assert item.status == SENT and item.body is None and item.message_id
