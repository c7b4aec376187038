"""A room acting at once on the embedded default: 20 people sign in, save a reflection, mark a unit read and
check in to one register at the same moment, against the real app on a live server over SQLite. Nobody gets
a server error, and every write the server accepted is in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from equiptrain.content.sync import sync_course
from equiptrain.extensions import db
from equiptrain.learning.models import UnitRead
from equiptrain.reflection.models import ReflectiveEntry
from equiptrain.workshops import attendance
from equiptrain.workshops.models import Attendance
from tests.builders import PASSWORD, Builders
from tests.learning.helpers import sync_small_course
from tests.live import Client, Server, dispose, own_app, together
from tests.workshops.helpers import make_workshop

pytestmark = pytest.mark.own_database
ROOM = 20


@pytest.fixture
def room(tmp_path):
    """A live server on its own SQLite file, with a team of ROOM learners, a course and a workshop open for
    check-in."""
    app = own_app(tmp_path, "burst", database_url=f"sqlite:///{tmp_path / 'burst.db'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        build = Builders()
        sync_course(sync_small_course(tmp_path / "course"))  # a database of its own
        team = build.team()
        learners = [build.user("learner", team=team) for _ in range(ROOM)]
        workshop = make_workshop(build, org=team.organisation, teams=[team], starts_in=dt.timedelta(0))
        code = attendance.open_check_in(None, workshop)
        db.session.commit()
        world = {"emails": [u.email for u in learners], "ids": [u.id for u in learners], "code": code}
        db.session.remove()
    server = Server(app)
    try:
        yield app, server, world
    finally:
        server.stop()
        dispose(app)


def _failures(results) -> list:
    return [r for r in results if isinstance(r, Exception) or r >= 500]


def test_a_room_writing_at_once_gets_no_errors_and_loses_nothing(room):
    app, server, world = room
    clients = [Client(server.url) for _ in world["emails"]]

    signed_in = together(lambda c=c, e=e: c.sign_in(e, PASSWORD) for c, e in zip(clients, world["emails"], strict=True))
    assert _failures(signed_in) == [] and set(signed_in) == {302}

    tokens = [c.csrf("/reflection/new/gibbs") for c in clients]
    entries = together(
        lambda c=c, t=t: c.post(
            "/reflection/new/gibbs",
            {
                "csrf_token": t,
                "title": "Review meeting",
                "description": "We reviewed the plan together.",
                "feelings": "Nervous.",
                "action_plan": "Ask first.",
                "module_id": "",
            },
        )[0]
        for c, t in zip(clients, tokens, strict=True)
    )

    unit_path = "/modules/foundations/units/what-involvement-means"
    tokens = [c.csrf(unit_path) for c in clients]
    reads = together(
        lambda c=c, t=t: c.post(unit_path + "/read", {"csrf_token": t})[0] for c, t in zip(clients, tokens, strict=True)
    )

    tokens = [c.csrf("/workshops/check-in") for c in clients]
    check_ins = together(
        lambda c=c, t=t: c.post("/workshops/check-in", {"csrf_token": t, "code": world["code"]})[0]
        for c, t in zip(clients, tokens, strict=True)
    )

    assert _failures(entries) == [] and _failures(reads) == [] and _failures(check_ins) == []
    with app.app_context():
        for n, user_id in enumerate(world["ids"]):
            if entries[n] == 302:
                assert db.session.scalar(select(func.count()).where(ReflectiveEntry.author_id == user_id)) == 1
            if reads[n] == 302:
                assert db.session.scalar(select(func.count()).where(UnitRead.user_id == user_id)) == 1
            if check_ins[n] == 302:
                assert db.session.scalar(select(Attendance.checked_in_at).where(Attendance.user_id == user_id))
        db.session.remove()
    # Every one of them was accepted: a busy room queues, it does not fail.
    assert set(entries) == set(reads) == set(check_ins) == {302}


def test_sign_in_checks_the_password_holding_no_transaction_or_connection(tmp_path, monkeypatch):
    from equiptrain.accounts import services

    app = own_app(tmp_path, "hash")
    with app.app_context():
        email = Builders().user().email
        db.session.remove()
    seen = []
    real = services.verify_password

    def watching(password_hash, password):
        seen.append((db.session().in_transaction(), db.engine.pool.checkedout()))
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", watching)
    client = app.test_client()
    try:
        assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
        assert client.post("/sign-out").status_code == 302
        assert client.post("/sign-in", data={"email": email, "password": "not the password"}).status_code == 200
    finally:
        dispose(app)
    assert seen == [(False, 0), (False, 0)]
