"""Two app servers (two gunicorn processes, two workers each) against one database and one Redis, as a trust
runs them behind a load balancer: a session made on one is valid on the other, signing out on one ends it on
both, the sign-in limit is shared, and a course sync is seen by both within CONTENT_CACHE_SECONDS.

On PostgreSQL (EQUIPTRAIN_TEST_DATABASE_URL set) the servers use the `equiptrain_servers` database beside the
test database, which scripts/test creates; otherwise a SQLite file."""

from __future__ import annotations

import time

import pytest

from equiptrain.content.sync import sync_course
from equiptrain.extensions import db
from tests.builders import PASSWORD, Builders
from tests.conftest import database_url_for
from tests.content.trees import edit, module_dir
from tests.learning.helpers import sync_small_course
from tests.live import Client, dispose, own_app
from tests.servers import AppServer, server_settings

pytestmark = pytest.mark.own_database
CACHE_SECONDS = 2
OLD_TITLE = "Foundations of involved care planning"
NEW_TITLE = "Foundations of care planning together"


@pytest.fixture
def servers(tmp_path, redis_url):
    database_url = database_url_for(tmp_path, "equiptrain_servers")
    app = own_app(tmp_path, "servers", database_url=database_url)
    with app.app_context():
        course = sync_small_course(tmp_path / "course")
        sync_course(course)  # a database of its own: the run-wide sync did not reach it
        db.session.commit()
        email = Builders().user().email
        db.session.remove()
    settings = server_settings(database_url, redis_url, CONTENT_CACHE_SECONDS=CACHE_SECONDS)
    first = AppServer(tmp_path, settings, name="first")
    try:
        second = AppServer(tmp_path, settings, name="second")
    except Exception:
        first.stop()
        raise
    try:
        yield app, course, first, second, email
    finally:
        second.stop()
        first.stop()
        dispose(app)


def _sign_in(url, email, password=PASSWORD) -> tuple[Client, int]:
    client = Client(url)
    token = client.csrf("/sign-in")
    return client, client.post("/sign-in", {"csrf_token": token, "email": email, "password": password})[0]


def _on(url, cookies) -> Client:
    client = Client(url)
    client.cookies = dict(cookies)
    return client


def test_two_servers_share_sessions_limits_and_the_course(servers):
    app, course, first, second, email = servers

    # A session made on one server is valid on the other; signing out on the other ends it on both.
    browser, status = _sign_in(first.url, email)
    assert status == 302
    saved = dict(browser.cookies)
    assert _on(second.url, saved).get("/account")[0] == 200
    other = _on(second.url, saved)
    token = other.csrf("/account")
    assert other.post("/sign-out", {"csrf_token": token})[0] == 302
    assert _on(first.url, saved).get("/account")[0] == 302
    assert _on(second.url, saved).get("/account")[0] == 302

    # A course sync is seen by both servers within CONTENT_CACHE_SECONDS (after a page has cached the course).
    browsers = []
    for server in (first, second):
        client, status = _sign_in(server.url, email)
        assert status == 302
        assert OLD_TITLE in client.get("/programme")[2]
        browsers.append(client)
    edit(course, f"{module_dir('foundations')}/module.md", f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    with app.app_context():
        sync_course(course)
        db.session.commit()
        db.session.remove()
    synced = time.monotonic()
    seen = [False, False]
    while not all(seen) and time.monotonic() - synced < CACHE_SECONDS + 10:
        for n, client in enumerate(browsers):
            seen[n] = seen[n] or NEW_TITLE in client.get("/programme")[2]
        time.sleep(0.2)
    assert seen == [True, True]

    # The sign-in limit counts on both: five failures in all, whichever server answers.
    statuses = [_sign_in((first, second)[n % 2].url, email, "wrong password here")[1] for n in range(8)]
    assert statuses.count(200) == 5 and set(statuses[5:]) == {429}
