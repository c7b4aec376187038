"""The unit of work, in one place: each request (or job, or command) is one transaction that commits once at its
end and rolls back on an error; the outbox rows written in it (every email, other deliveries) commit with it;
and the jobs it asks for are handed to the queue (huey) only after it commits, never if it rolls back.

    transaction.add_to_outbox(item)      # an OutboxItem: written now, delivered by a job after commit
    transaction.after_commit(fn, *args)  # a job for the queue once this transaction commits (ids, not rows)

Engine settings make SQLite behave: foreign keys on, WAL, real transactions with savepoints, and write
transactions that take the write lock when they begin.

Why the lock is taken up front: in WAL mode a transaction that began as a reader and later writes must upgrade
its lock, and if another connection committed in between, SQLite answers "database is locked" at once; the busy
timeout cannot help, because waiting would not make the reader's snapshot current. A transaction begun with
`BEGIN IMMEDIATE` takes the write lock first, so concurrent writers queue on the busy timeout instead of
failing. Which kind a transaction is follows the request: GET, HEAD and OPTIONS read (`BEGIN`, deferred, many
at once); every other method may write (`BEGIN IMMEDIATE`). Outside a request (the CLI) transactions read
unless the command calls `writes_now()` first, as every command that writes while the site may be serving does
(after its migrations check, which only reads).

A writing request that must do slow work before it writes (sign-in hashes a password) calls `reads_first()`,
reads, calls `end_transaction()` to give the connection back, does the slow work holding nothing, then calls
`writes_now()`; its next transaction takes the write lock and stays short.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from equiptrain.extensions import db

log = logging.getLogger(__name__)
_WROTE = "equiptrain.wrote"  # session.info: this transaction has something to commit
_JOBS = "equiptrain.jobs"  # session.info: (app, job name, args, kwargs) to hand to the queue after commit

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MODE = "equiptrain_begin"  # a key on flask.g: "read" or "write", overriding the request method


def configure(engine: Engine, busy_timeout_ms: int = 15000) -> None:
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's row locks and MVCC need none of this

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (needed for SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # synchronous stays FULL (SQLite's default): in WAL mode NORMAL survives a crashed process but can lose
            # the last commits to a power cut, and a write the site has confirmed must not be lost.
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Straight to the driver: this runs at the start of every request that reads the database.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if writing() else "BEGIN")


def writing() -> bool:
    """Whether this request's (or command's) transactions begin as writers."""
    if not has_app_context():
        return False
    mode = g.get(_MODE)
    if mode is not None:
        return mode == "write"
    return has_request_context() and request.method not in READ_METHODS


def reads_first() -> None:
    """This request's transactions begin as readers until `writes_now()`; call before its first query."""
    setattr(g, _MODE, "read")


def end_transaction() -> None:
    """End the current (read) transaction and give its connection back to the pool. Refuses to discard
    writes: a request with pending changes must commit them first."""
    session = db.session
    if session.new or session.dirty or session.deleted or session.info.get("equiptrain.wrote"):
        raise RuntimeError("end_transaction() with unsaved changes: it would discard them")
    session.rollback()  # ends the transaction and returns the connection; loaded objects reload when next used


def writes_now() -> None:
    """From here on this request's (or command's) transactions take the write lock when they begin."""
    setattr(g, _MODE, "write")


# ---- what tells the end of a request that it has something to commit: a flush, or a bulk INSERT/UPDATE/DELETE


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    session.info.pop(_WROTE, None)
    for app, name, args, kwargs in session.info.pop(_JOBS, []):
        try:
            app.extensions["equiptrain.jobs"].enqueue(name, args, kwargs)
        except Exception:
            # The queue is unreachable (Redis down): the change stands; an outbox row is found by the sweeper.
            log.exception("could not queue job %s%r", name, args)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_JOBS, None)


# ---- jobs and the outbox


def job_name(fn: Callable | str) -> str:
    """The name a job travels under: the dotted path of a module-level function in this package."""
    name = fn if isinstance(fn, str) else f"{fn.__module__}.{fn.__qualname__}"
    if not name.startswith("equiptrain.") or "<" in name:
        raise ValueError(f"{name} is not a module-level function of equiptrain: it cannot be a job")
    return name


def resolve(name: str) -> Callable:
    module, _, attr = job_name(name).rpartition(".")
    return getattr(importlib.import_module(module), attr)


def after_commit(fn: Callable | str, *args, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` as a job once the current transaction commits (dropped if it rolls back), so
    the job sees what this transaction wrote. Pass ids, never ORM objects."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session().info.setdefault(_JOBS, []).append((app, job_name(fn), args, kwargs))


def add_to_outbox(item) -> object:
    """Write an outbox row in this transaction and deliver it by a job once the transaction commits."""
    db.session.add(item)
    db.session.flush()
    after_commit("equiptrain.jobs.outbox.deliver", item.id)
    return item


def run_job(app: Flask, fn: Callable, args: tuple, kwargs: dict) -> None:
    """Run one job as its own unit of work: its transactions write (the write lock up front on SQLite), it commits
    at its end (a job may also commit as it goes), and an error rolls back and is raised for the queue to log.
    Already inside this app's context (the tests run the queue inline), it uses the caller's session."""
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        fn(*args, **kwargs)
        db.session.commit()
        return
    with app.app_context():
        writes_now()
        try:
            fn(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


# ---- the request commits once, at its end


def init_app(app: Flask) -> None:
    @app.after_request
    def commit_request(response):
        # A failed request changes nothing. A request that wrote nothing has nothing to commit: the session's
        # teardown ends its read-only transaction. A request that never used the database has no session.
        if db.session.registry.has():
            session = db.session
            wrote = session.info.pop(_WROTE, False) or session.info.get(_JOBS)
            if response.status_code >= 400:
                session.rollback()
            elif wrote or session.new or session.dirty or session.deleted:
                session.commit()
        return response
