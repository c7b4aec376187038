"""Sessions end on the server: signing out, "sign out of every device" and a password change end the sessions
on every app server (two app instances on one database stand in for two workers or servers), and neither a
replayed session cookie nor a remember-me cookie brings an ended session back."""

from __future__ import annotations

import pytest
from flask_login.utils import encode_cookie

from equiptrain import create_app
from equiptrain.extensions import db
from tests.builders import PASSWORD, Builders
from tests.live import dispose, own_app

pytestmark = pytest.mark.own_database


@pytest.fixture
def two_servers(tmp_path):
    """Two app instances (as two workers or two servers have) on one database, and a learner."""
    first = own_app(tmp_path, "sessions")
    second = create_app(dict(first.config))
    with first.app_context():
        user = Builders().user()
        email = user.email
        db.session.remove()
    try:
        yield first, second, email
    finally:
        dispose(second)
        dispose(first)


def _sign_in(app, email):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _on(app, cookie: str):
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def _signed_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/sign-in" in response.headers["Location"]
        return False
    assert response.status_code == 200 and "My account" in response.get_data(as_text=True)
    return True


def test_a_session_made_on_one_server_works_on_the_other_until_signed_out(two_servers):
    first, second, email = two_servers
    browser = _sign_in(first, email)
    saved = _cookie(browser)
    assert _signed_in(_on(second, saved))
    assert browser.post("/sign-out").status_code == 302
    # The cookie saved before signing out opens nothing, on either server.
    assert not _signed_in(_on(first, saved))
    assert not _signed_in(_on(second, saved))


def test_sign_out_ends_only_that_browser(two_servers):
    first, second, email = two_servers
    laptop, phone = _sign_in(first, email), _sign_in(second, email)
    laptop.post("/sign-out")
    assert _signed_in(phone) and not _signed_in(laptop)


def test_sign_out_of_every_device_ends_every_session_on_every_server(two_servers):
    first, second, email = two_servers
    laptop, phone, shared_pc = _sign_in(first, email), _sign_in(second, email), _sign_in(first, email)
    phone_cookie = _cookie(phone)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Sign out of every device" in page and 'action="/account/sign-out-everywhere"' in page
    response = laptop.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "You have signed out of every device (3 sessions)" in response.get_data(as_text=True)
    assert not _signed_in(laptop) and not _signed_in(phone) and not _signed_in(shared_pc)
    assert not _signed_in(_on(first, phone_cookie))
    assert _signed_in(_sign_in(second, email))  # signing in again works


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(two_servers):
    first, second, email = two_servers
    laptop, phone = _sign_in(first, email), _sign_in(second, email)
    response = laptop.post(
        "/account",
        data={"current_password": PASSWORD, "password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert _signed_in(laptop) and not _signed_in(phone)


def test_a_remember_me_cookie_cannot_bring_an_ended_session_back(two_servers):
    first, second, email = two_servers
    browser = _sign_in(first, email)
    with browser.session_transaction() as session:
        token = session["_user_id"]
    with second.app_context():
        remembered = encode_cookie(token)  # signed with the real key, as a stolen remember-me cookie would be

    def replay():
        client = second.test_client()
        client.set_cookie("remember_token", remembered)
        return client

    assert _signed_in(replay())  # while the session lives, the cookie works
    browser.post("/sign-out")
    assert not _signed_in(replay())
