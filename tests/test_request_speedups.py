"""What each request is spared, and that nothing it skips changes what it answers: the header rendered once per
app (with each session's own CSRF token), no database session for a page that needs none."""

from __future__ import annotations

import re

from equiptrain import config as config_module

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_cached_header_carries_each_sessions_own_csrf_token(app, client, build, login, csrf_on):
    login(build.user())
    first = TOKEN.search(client.get("/account").get_data(as_text=True)).group(1)
    other = login(build.user(), app.test_client())
    assert TOKEN.search(other.get("/account").get_data(as_text=True)).group(1) != first
    assert "csrf token" not in client.get("/about").get_data(as_text=True)  # the placeholder never shows
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
