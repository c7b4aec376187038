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
