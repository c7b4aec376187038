"""Engine settings that make SQLite behave: foreign keys on, WAL, real transactions with savepoints, and write
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

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from equiptrain.extensions import db

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
