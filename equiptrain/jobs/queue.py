"""The job queue: huey, with its storage chosen by JOBS_URL.

- unset: `SqliteHuey` in the instance folder (instance/jobs.db), so `make run` needs nothing more;
- `redis://host:6379/0`: `RedisHuey`, shared by every app server and worker;
- `memory://`: held in the process until `run_pending()` (the tests; nothing runs on its own).

There are two huey tasks. `equiptrain.run` runs any job by name (`transaction.after_commit` and `enqueue` queue
it); `equiptrain.tick` runs every minute on each consumer and runs the schedule's due tasks, each of which claims
its (name, period) row in the database first, so it runs once however many consumers tick (see `schedule`).
huey acknowledges nothing: a task killed mid-run is gone, so whatever must happen keeps its state in the database
(the outbox, an invitation run) and a periodic sweeper queues it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey

from equiptrain import transaction
from equiptrain.extensions import db

log = logging.getLogger(__name__)
KEY = "equiptrain.jobs"

# Set when the process begins to exit. A long job checks it between steps and stops, so a consumer told to stop
# is not held up; such a job keeps its progress in the database and is started again (see accounts.invitations).
# The hook is the one concurrent.futures itself uses: it runs before the interpreter waits for its threads.
_stopping = threading.Event()
threading._register_atexit(_stopping.set)  # type: ignore[attr-defined]


def stopping() -> bool:
    """Whether the process is exiting: a long job should stop at its next step."""
    return _stopping.is_set()


def make_huey(app: Flask) -> Huey:
    url = app.config.get("JOBS_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("equiptrain", url=url, results=False)
    if url == "memory://":
        return MemoryHuey("equiptrain", results=False)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(Path(app.instance_path) / "jobs.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("equiptrain", filename=path, results=False, fsync=True)


class Jobs:
    """One app's queue: huey, its two tasks, and (for the tests) a way to run what waits inline."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = make_huey(app)
        self.paused = False  # tests: leave queued jobs waiting after a request (see tests/conftest.py)
        self.running = False  # run_pending is running jobs here (the tests' query counter leaves them out)
        self.run_task = self.huey.task(name="equiptrain.run", context=False)(self._run)
        self.tick_task = self.huey.periodic_task(crontab(minute="*"), name="equiptrain.tick")(self._tick)

    def _run(self, name: str, args: tuple, kwargs: dict) -> None:
        transaction.run_job(self.app, transaction.resolve(name), tuple(args), dict(kwargs))

    def _tick(self) -> None:
        from equiptrain.jobs import schedule, services

        services.beat(self)
        with self.app.app_context():
            try:
                schedule.run_due()
            finally:
                db.session.remove()

    def enqueue(self, name: str, args: tuple = (), kwargs: dict | None = None, delay: float | None = None) -> None:
        if delay:
            self.run_task.schedule(args=(name, tuple(args), kwargs or {}), delay=delay)
        else:
            self.run_task(name, tuple(args), kwargs or {})

    # ---- what waits

    @property
    def pending(self) -> list[tuple[Callable, tuple, dict]]:
        """Queued jobs as (function, args, kwargs), oldest first (scheduled retries not included)."""
        out = []
        for task in self.huey.pending():
            if task.name == "equiptrain.run":
                name, args, kwargs = task.args
                out.append((transaction.resolve(name), tuple(args), dict(kwargs)))
        return out

    def counts(self) -> tuple[int, int]:
        """(waiting now, scheduled for later)."""
        return self.huey.pending_count(), self.huey.scheduled_count()

    def run_pending(self) -> int:
        """Run every queued job here, in order (the tests, and `jobs run-due` with no consumer). An error is
        raised; the rest stay queued."""
        ran = 0
        self.running = True
        try:
            while (task := self.huey.dequeue()) is not None:
                if not self.huey.ready_to_run(task):  # a retry for later: back to the schedule, as a consumer does
                    self.huey.add_schedule(task)
                    continue
                task.execute()
                ran += 1
        finally:
            self.running = False
        return ran

    def clear(self) -> None:
        self.huey.flush()


def init_app(app: Flask) -> None:
    app.extensions[KEY] = Jobs(app)


def jobs(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions[KEY]


def enqueue(fn: Callable | str, *args, **kwargs) -> None:
    """Queue a job now, outside any transaction (for work that needs nothing uncommitted)."""
    jobs().enqueue(transaction.job_name(fn), args, kwargs)


def run_consumer(app: Flask, workers: int = 2, periodic: bool = True) -> None:
    """Run huey's consumer for this app until it is told to stop (SIGTERM or SIGINT). It first queues again the
    deliveries a stopped (or killed) consumer left undone, rather than waiting for the sweeper's next turn."""
    from equiptrain.jobs import outbox, services

    services.beat(jobs(app))
    with app.app_context():
        transaction.writes_now()
        try:
            outbox.sweep()
            db.session.commit()
        finally:
            db.session.remove()
    consumer = jobs(app).huey.create_consumer(
        workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True, initial_delay=0.5
    )
    consumer.run()
