"""The session row: created at sign-in, holding only a digest of the cookie's token; last seen refreshed by
writing requests (coarsely), never by page views."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from equiptrain.accounts.models import UserSession
from equiptrain.accounts.services import session_digest
from equiptrain.db import utcnow
from equiptrain.extensions import db
from tests.builders import PASSWORD


def test_the_row_holds_a_digest_not_the_token(client, build):
    user = build.user()
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        token = session["_user_id"]
    [row] = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert row.id == session_digest(token) and token not in row.id and len(token) >= 40


def test_last_seen_moves_on_a_writing_request_only(client, build, login):
    user = build.user()
    login(user)
    long_ago = utcnow() - dt.timedelta(days=3)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(last_seen_at=long_ago))
    db.session.commit()

    def last_seen():
        db.session.expire_all()
        return db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))

    assert client.get("/account").status_code == 200
    assert last_seen() == long_ago
    assert client.post("/account", data={}).status_code == 200  # a form with errors: still a writing request
    assert last_seen() > long_ago + dt.timedelta(days=2)
