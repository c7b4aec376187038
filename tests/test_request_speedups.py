"""What each request is spared, and that nothing it skips changes what it answers: session cookies verified once
per worker, URLs and CSRF tokens remembered, no database session for a page that needs none."""
from __future__ import annotations

import re

from flask import url_for

from equiptrain import config as config_module
from equiptrain import sessions, ui

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_remembered_session_cookie_still_expires(app, client, build, login, monkeypatch):
    login(build.user())
    assert client.get("/account").status_code == 200  # the session gains its CSRF token: a new cookie
    assert client.get("/account").status_code == 200
    assert _cookie(client) in app.session_interface._verified  # the next request takes the remembered answer
    later = sessions.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_tampered_cookie_is_refused_even_after_the_real_one_was_remembered(app, client, build, login):
    login(build.user())
    assert client.get("/account").status_code == 200
    good = _cookie(client)
    payload, _, signature = good.rpartition(".")
    client.set_cookie("session", payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:])
    assert client.get("/account").status_code == 302
    client.set_cookie("session", good)
    assert client.get("/account").status_code == 200


def test_a_session_holding_flash_messages_is_not_shared_between_requests(app, client, build, login):
    login(build.user())
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your changes are saved.")]
    cookie = _cookie(client)
    assert "Your changes are saved." in client.get("/account").get_data(as_text=True)
    assert cookie not in app.session_interface._verified
    assert "Your changes are saved." not in client.get("/account").get_data(as_text=True)


def test_remembered_urls_are_the_urls_url_for_builds(app):
    with app.test_request_context("/"):
        for endpoint, values in [("learning.unit", {"slug": "risk & safety", "unit_slug": "über"}),
                                 ("accounts.home", {}), ("static", {"filename": "css/equiptrain.css", "v": "1"})]:
            assert ui.url(endpoint, **values) == url_for(endpoint, **values)
            assert ui.url(endpoint, **values) == url_for(endpoint, **values)  # and again, from the memo
        assert ui.url("accounts.home", _external=True) == "http://localhost/"
        assert ui.url("learning.module", slug="listening", _anchor="quiz") == "/modules/listening#quiz"
    with app.test_request_context("/", base_url="http://localhost/equip/"):
        assert ui.url("accounts.home") == "/equip/"  # another script root is another URL


def test_one_signed_csrf_token_serves_a_session_and_still_works(app, client, build, login, csrf_on):
    login(build.user())
    first = TOKEN.search(client.get("/account").get_data(as_text=True)).group(1)
    second = TOKEN.search(client.get("/about").get_data(as_text=True)).group(1)
    assert first == second
    other = login(build.user(), app.test_client())
    assert TOKEN.search(other.get("/account").get_data(as_text=True)).group(1) != first
    response = client.post("/sign-out", data={"csrf_token": first})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # signed out
    assert other.post("/sign-out", data={"csrf_token": first}).status_code == 400  # not the other session's


def test_a_page_that_never_touches_the_database_is_still_secured(client):
    response = client.get("/about")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers.getlist("X-Content-Type-Options")) == 1


def test_only_a_database_server_connection_is_pinged_before_use(tmp_path):
    settings = dict(config_module.DEFAULTS, SECRET_KEY="x")
    config_module.finalise(settings, tmp_path)
    assert "pool_pre_ping" not in settings["SQLALCHEMY_ENGINE_OPTIONS"]
    settings = dict(config_module.DEFAULTS, SECRET_KEY="x", DATABASE_URL="postgresql://db.example/equip")
    config_module.finalise(settings, tmp_path)
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
