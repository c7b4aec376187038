"""Work done off the request thread: a page answers at once and the slow or revealing part (sending mail, a large
batch of invitations) runs afterwards.

    background.submit(fn, *args)               # start now (fn needs nothing from this request's transaction)
    background.submit_after_commit(fn, *args)  # start once this request's transaction commits; never if it fails

Each task runs in its own application context and database session, and commits at its end (a task may also
commit as it goes). Pass ids, never ORM objects: the task's session loads its own.

BACKGROUND_TASKS chooses the runner: "threads" (the default: a small pool in each app process,
BACKGROUND_WORKERS threads) or "queue" (the tests: tasks wait in a list until `run_pending()`, which the test
set-up calls after each request). Tasks in a pool live in memory: a task that must survive a restart keeps its
state in the database and can be started again (see `accounts.invitations`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from equiptrain import database_events
from equiptrain.extensions import db

log = logging.getLogger(__name__)
_KEY = "equiptrain.background"
_AFTER_COMMIT = "equiptrain.after_commit"

# Set when the process begins to exit. A long task checks it between steps and stops, so a server that is told
# to stop (Ctrl-C, gunicorn's graceful restart) is not held up; such a task keeps its progress in the database.
# The hook is the one concurrent.futures itself uses: it runs before the interpreter waits for its threads.
_stopping = threading.Event()
# Private and untyped in typeshed, but stable since Python 3.9 (concurrent.futures.thread relies on it).
threading._register_atexit(_stopping.set)  # type: ignore[attr-defined]


def stopping() -> bool:
    """Whether the process is exiting: a long task should stop at its next step."""
    return _stopping.is_set()


def _run(app: Flask, fn: Callable, args: tuple, kwargs: dict) -> None:
    with app.app_context():
        # A task writes while requests write too: on SQLite its transactions take the write lock when they begin.
        database_events.writes_now()
        try:
            fn(*args, **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("background task %s failed", getattr(fn, "__qualname__", fn))
        finally:
            db.session.remove()


class ThreadRunner:
    """A small thread pool per app process. Its threads start on first use, so a process forked after the app
    was built (gunicorn --preload) gets its own."""

    def __init__(self, app: Flask, workers: int):
        self.app = app
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="equiptrain-background")

    def submit(self, fn: Callable, args: tuple, kwargs: dict) -> None:
        self._pool.submit(_run, self.app, fn, args, kwargs)


class QueueRunner:
    """Tasks wait until `run_pending()` runs them, in order, in the caller's context and session."""

    def __init__(self, app: Flask):
        self.app = app
        self.pending: list[tuple[Callable, tuple, dict]] = []
        self.paused = False

    def submit(self, fn: Callable, args: tuple, kwargs: dict) -> None:
        self.pending.append((fn, args, kwargs))

    def run_pending(self) -> int:
        ran = 0
        while self.pending:
            fn, args, kwargs = self.pending.pop(0)
            fn(*args, **kwargs)
            db.session.commit()
            ran += 1
        return ran


def init_app(app: Flask) -> None:
    mode = app.config["BACKGROUND_TASKS"]
    if mode == "threads":
        app.extensions[_KEY] = ThreadRunner(app, int(app.config["BACKGROUND_WORKERS"]))
    elif mode == "queue":
        app.extensions[_KEY] = QueueRunner(app)
    else:
        raise ValueError(f"BACKGROUND_TASKS must be 'threads' or 'queue', not {mode!r}")


def runner(app: Flask | None = None):
    return (app or current_app).extensions[_KEY]


def submit(fn: Callable, *args, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` in the background, starting now."""
    runner().submit(fn, args, kwargs)


def submit_after_commit(fn: Callable, *args, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` in the background once the current transaction commits (dropped if it rolls
    back), so the task sees what this request wrote."""
    session = db.session()
    session.info.setdefault(_AFTER_COMMIT, []).append((runner(), fn, args, kwargs))


@event.listens_for(Session, "after_commit")
def _start_pending(session: Session) -> None:
    for task_runner, fn, args, kwargs in session.info.pop(_AFTER_COMMIT, []):
        task_runner.submit(fn, args, kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
