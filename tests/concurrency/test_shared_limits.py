"""Sign-in limits hold across worker processes: under gunicorn with two workers (each request on a new
connection, so the workers share them) the limits are what the settings say, not twice that, because the
workers count in one Redis."""

from __future__ import annotations

import pytest

from equiptrain.extensions import db
from tests.builders import Builders
from tests.live import Client, dispose, own_app
from tests.servers import AppServer, server_settings

pytestmark = pytest.mark.own_database
WRONG = "wrong password here"


@pytest.fixture(scope="module")
def server(tmp_path_factory, redis_server):
    tmp_path = tmp_path_factory.mktemp("limits")
    database_url = f"sqlite:///{tmp_path / 'limits.db'}"
    app = own_app(tmp_path, "limits", database_url=database_url)
    with app.app_context():
        email = Builders().user().email
        db.session.remove()
    dispose(app)
    server = AppServer(tmp_path, server_settings(database_url, redis_server), workers=2, threads=4)
    try:
        yield server, email
    finally:
        server.stop()


@pytest.fixture
def two_workers(server, redis_url):
    return server  # redis_url: the counts start from nothing in each test


def _attempt(url, email, password=WRONG) -> int:
    client = Client(url)  # a fresh connection each time: either worker may answer
    token = client.csrf("/sign-in")
    return client.post("/sign-in", {"csrf_token": token, "email": email, "password": password})[0]


def test_the_per_account_limit_is_shared_by_the_workers(two_workers):
    server, email = two_workers
    statuses = [_attempt(server.url, email) for _ in range(12)]
    assert statuses.count(200) == 5 and set(statuses[5:]) == {429}


def test_the_per_address_limit_is_shared_by_the_workers(two_workers):
    server, _ = two_workers
    statuses = [_attempt(server.url, f"guess{n}@example.nhs.uk") for n in range(30)]
    assert statuses.count(200) == 20 and set(statuses[20:]) == {429}
