"""Test set-up: the app and database are built once per run (by running the migrations); each test runs inside
a transaction that is rolled back, using SQLAlchemy's "join a session into an external transaction" recipe.

Set EQUIPTRAIN_TEST_DATABASE_URL to run the suite on PostgreSQL (the CI script does).
"""

from __future__ import annotations

import email
import os
import tempfile
from pathlib import Path

import pytest
from flask import request_finished, request_started
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from equiptrain import create_app
from equiptrain.extensions import db, limiter
from equiptrain.jobs import queue as job_queue
from tests.builders import Builders
from tests.learning.helpers import COURSE

pytest_plugins = ["tests.browser.fixtures"]


def _test_config(tmp: Path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,  # tests that check CSRF switch it on
        "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SYNC_CONTENT_ON_SERVE": False,
        # Tests change content inside rolled-back transactions: read it afresh each time (snapshot tests
        # switch the cache on).
        "CONTENT_CACHE_SECONDS": None,
        "PUBLIC_URL": "http://equiptrain.test",
        # Jobs wait in an in-memory huey queue; `_run_background` runs them here after each request (and the
        # `outbox` fixture before it reads the mail), and tests that look at what a request does before them pause
        # it (the `background_queue` fixture).
        "JOBS_URL": "memory://",
        # Drawing every issued certificate would cost most tests a third of a second each: the first download
        # draws and stores it instead (tests/certificates/test_stored_pdf.py switches issuing-time drawing on).
        "CERTIFICATE_PDF_ON_ISSUE": False,
        # Precompressed static files, built once per content and shared by every test app (equiptrain/static_build.py).
        "STATIC_BUILD_DIR": str(Path(tempfile.gettempdir()) / "equiptrain-static-build"),
    }


def database_url_for(tmp: Path, name: str) -> str:
    pg = os.environ.get("EQUIPTRAIN_TEST_DATABASE_URL")
    if pg:
        return pg if name == "main" else pg.rsplit("/", 1)[0] + f"/{name}"
    return f"sqlite:///{tmp / (name + '.db')}"


def build_database(app) -> None:
    """A fresh schema from the migrations, as production gets it."""
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
        db.session.remove()


# The small two-module course (tests/content/trees.py), written and synced once per run; every test starts
# with it in the database (tests that need no course at all ask for the `no_course` fixture).
def _sync_course_once(app, root: Path) -> None:
    from equiptrain.content.sync import sync_course
    from tests.content.trees import write_valid_tree

    with app.app_context():
        write_valid_tree(root)
        sync_course(root)
        db.session.commit()
        db.session.remove()
    COURSE["root"] = root


@pytest.fixture
def no_course(_transaction):
    """An empty course: the synced content rows are deleted inside this test's transaction."""
    from equiptrain.content import snapshot
    from equiptrain.content.models import (
        AuditCriterion,
        ConfidenceItem,
        Module,
        Programme,
        Quiz,
        QuizQuestion,
        Scenario,
        SupervisionTemplate,
        Unit,
    )

    for model in (
        QuizQuestion,
        Quiz,
        Unit,
        Scenario,
        Module,
        ConfidenceItem,
        AuditCriterion,
        SupervisionTemplate,
        Programme,
    ):
        db.session.execute(db.delete(model))
    db.session.flush()
    snapshot.invalidate()


def _run_background(sender, **extra):
    runner = job_queue.jobs(sender)
    if not runner.paused:
        runner.run_pending()


def _fresh_g(sender, **extra):
    # Tests keep one app context pushed across requests, so `g` would outlive a request; production never
    # shares it. Forget the per-request state Flask-Login and Flask-WTF cache there.
    from flask import g

    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    g.pop("equiptrain_begin", None)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("equiptrain")
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app(_test_config(tmp, database_url_for(tmp, "main")))
    build_database(app)
    _sync_course_once(app, tmp / "course")
    request_started.connect(_fresh_g, app)
    request_finished.connect(_run_background, app)
    yield app
    dispose(app)


def dispose(app) -> None:
    """Close pooled connections before the interpreter does (psycopg warns about unclosed ones)."""
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test sees a clean database: its changes are rolled back afterwards."""
    if "live_server" in request.fixturenames or request.node.get_closest_marker("own_database"):
        yield None
        return
    ctx = app.app_context()
    ctx.push()
    connection = db.engine.connect()
    outer = connection.begin()
    db.session.remove()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's would pick the engine over the connection and escape the transaction.
    db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    limiter.reset()
    queue = job_queue.jobs(app)
    queue.clear()
    queue.paused = False
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()
        ctx.pop()


@pytest.fixture
def background_queue(app):
    """The queued jobs, held until the test runs them with `.run_pending()` (and listed in `.pending`)."""
    queue = job_queue.jobs(app)
    queue.paused = True
    return queue


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def build(app) -> Builders:
    return Builders()


@pytest.fixture
def login(client):
    """Sign `user` in on the test client without going through the form."""

    def do(user, c=None):
        from equiptrain.accounts.services import start_session

        c = c or client
        token = start_session(user)
        db.session.commit()
        with c.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return c

    return do


class Outbox:
    """The mail delivered to the outbox folder. Reading it first delivers what the queue holds (unless a test
    paused the queue), as a running consumer would have by then."""

    def __init__(self, folder: Path, app):
        self.folder = folder
        self.app = app

    def clear(self):
        """Forget the mail sent so far, including what the queue still holds for delivery."""
        self._deliver()
        self.remove_files()

    def remove_files(self):
        if self.folder.exists():
            for f in self.folder.glob("*.eml"):
                f.unlink()

    def _deliver(self) -> None:
        queue = job_queue.jobs(self.app)
        if not queue.paused:
            queue.run_pending()

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        self._deliver()
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            for f in sorted(self.folder.glob("*.eml"))
        ]

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def outbox(app) -> Outbox:
    box = Outbox(Path(app.config["MAIL_OUTBOX_DIR"]), app)
    box.remove_files()
    yield box
    box.remove_files()


class QueryCounter:
    def __init__(self, jobs=None):
        self.statements: list[str] = []
        self.jobs = jobs

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.jobs is not None and self.jobs.running:
            return
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(_transaction):
    """Counts the SQL statements run while the `with` block is open: `with count_queries() as q: ...; q.count`."""
    from contextlib import contextmanager

    from flask import current_app
    from sqlalchemy import event

    @contextmanager
    def counting():
        # The jobs that run after a request (in production, on a consumer) are not the page's queries.
        counter = QueryCounter(job_queue.jobs(current_app))
        event.listen(_transaction, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(_transaction, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


# Under CI nothing may skip itself, and the browser tests must have run.
_skipped: list[str] = []
_browser_ran: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)
    elif report.when == "call" and "/browser/" in report.nodeid.replace("::", "/"):
        _browser_ran.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") != "true" or session.config.option.collectonly:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if _skipped:
        reporter.write_line(f"CI: {len(_skipped)} test(s) skipped; nothing may skip in CI: {_skipped[:5]}", red=True)
        session.exitstatus = 1
    # A run told to leave the browser tests out (scripts/test's PostgreSQL run: they run in the SQLite run beside it)
    # is the one run allowed none.
    chosen = session.config.option.keyword or session.config.args_source.name == "ARGS"
    leaves_them_out = session.config.option.markexpr.replace(" ", "") == "notbrowser"
    if not _browser_ran and not chosen and not leaves_them_out:
        reporter.write_line("CI: the browser tests did not run", red=True)
        session.exitstatus = 1
