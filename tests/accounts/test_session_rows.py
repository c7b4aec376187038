"""The session row: created at sign-in, holding only a digest of the cookie's token; last seen refreshed by
writing requests (coarsely), and for page views by a job after the response (hourly at most); idle sessions end,
remembered ones last REMEMBER_DAYS."""

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


def test_last_seen_moves_on_a_writing_request_and_after_a_page_view(client, build, login, background_queue):
    user = build.user()
    login(user)
    long_ago = utcnow() - dt.timedelta(hours=3)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(last_seen_at=long_ago))
    db.session.commit()

    def last_seen():
        db.session.expire_all()
        return db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))

    assert client.get("/account").status_code == 200
    assert last_seen() == long_ago  # the page itself wrote nothing...
    background_queue.run_pending()
    assert last_seen() > long_ago + dt.timedelta(hours=2)  # ...its job did, after the response
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(last_seen_at=long_ago))
    db.session.commit()
    assert client.post("/account", data={}).status_code == 200  # a form with errors: still a writing request
    assert last_seen() > long_ago + dt.timedelta(hours=2)


def test_an_idle_session_ends_and_a_remembered_one_lasts_its_days(app, client, build, login):
    from equiptrain.reminders.services import end_idle_sessions

    user = build.user()
    login(user)
    idle = utcnow() - dt.timedelta(hours=13)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(last_seen_at=idle))
    db.session.commit()
    assert client.get("/account").status_code == 302  # idle for more than 12 hours: signed out

    other = app.test_client()
    assert other.post("/sign-in", data={"email": user.email, "password": PASSWORD, "remember": "y"}).status_code == 302
    remembered = db.session.scalar(select(UserSession).where(UserSession.remember.is_(True)))
    db.session.execute(
        update(UserSession).where(UserSession.id == remembered.id).values(last_seen_at=utcnow() - dt.timedelta(days=5))
    )
    db.session.commit()
    assert other.get("/account").status_code == 200  # kept signed in however idle
    assert end_idle_sessions() == 1  # the idle one's row goes; the remembered one stays
    db.session.execute(
        update(UserSession).where(UserSession.id == remembered.id).values(created_at=utcnow() - dt.timedelta(days=31))
    )
    db.session.commit()
    assert other.get("/account").status_code == 302
    assert end_idle_sessions() == 1
