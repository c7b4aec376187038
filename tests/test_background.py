"""The background runner: tasks run off the request thread, in an app context; after-commit tasks wait for the
commit and are dropped on a rollback."""

from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import select

from equiptrain import background
from equiptrain.extensions import db


def test_the_thread_runner_runs_tasks_in_their_own_thread_and_app_context(app, caplog):
    runner = background.ThreadRunner(app, workers=1)
    seen, done = [], threading.Event()

    def task(value):
        seen.append((value, threading.current_thread().name, current_app.name))
        done.set()

    def failing():
        raise RuntimeError("boom")

    runner.submit(failing, (), {})
    runner.submit(task, (42,), {})
    assert done.wait(10)
    runner._pool.shutdown(wait=True)
    [(value, thread, name)] = seen
    assert value == 42 and thread.startswith("equiptrain-background") and name == app.name
    assert "background task" in caplog.text and "boom" in caplog.text  # logged, and the pool carried on


def test_after_commit_tasks_wait_for_the_commit_and_vanish_on_rollback(app, background_queue):
    db.session.execute(select(1))  # a transaction is under way, as in any request that writes
    background.submit_after_commit(print, "dropped")
    db.session.rollback()
    assert background_queue.pending == []
    background.submit_after_commit(print, "kept")
    assert background_queue.pending == []
    db.session.commit()
    assert background_queue.pending == [(print, ("kept",), {})]


def test_a_run_of_invitations_stops_between_batches_when_the_process_exits(app, build, outbox, monkeypatch):
    from equiptrain.accounts.invitations import queue_invitations, send_batches

    org = build.org()
    people = [build.user(org=org, password=None) for _ in range(5)]
    run = queue_invitations(None, org, people)
    db.session.commit()
    monkeypatch.setitem(app.config, "INVITATION_BATCH_SIZE", 2)
    monkeypatch.setattr(background, "_stopping", threading.Event())
    background._stopping.set()
    stopped = send_batches(run.id)
    assert (stopped.done, stopped.finished_at, len(outbox.messages)) == (2, None, 2)
    background._stopping.clear()
    assert send_batches(run.id).finished_at is not None and len(outbox.messages) == 5
