"""Signing in, rate limits, CSRF, invitations, password reset and sessions."""

from __future__ import annotations

import re

from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from tests.builders import PASSWORD


def _sign_in(client, email, password, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_sign_in_and_out(client, build):
    user = build.user(email="Nurse.Kay@Example.NHS.uk")
    response = _sign_in(client, "nurse.kay@example.nhs.uk", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert db.session.get(type(user), user.id).last_sign_in_at is not None
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_same_message_for_unknown_email_and_wrong_password(client, build):
    user = build.user()
    wrong = _sign_in(client, user.email, "not the right password").get_data(as_text=True)
    unknown = _sign_in(client, "nobody@example.nhs.uk", PASSWORD).get_data(as_text=True)
    message = "The email address or password is not right"
    assert message in wrong and message in unknown
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "sign_in.failed")).all()
    assert len(actions) == 2


def test_deactivated_person_cannot_sign_in(client, build):
    user = build.user()
    admin = build.user("admin", org=user.organisation)
    from equiptrain.accounts import services

    services.deactivate(admin, user)
    db.session.commit()  # as the admin's request would
    response = _sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "The email address or password is not right" in response.get_data(as_text=True)


def test_sixth_wrong_password_in_a_minute_gets_429(client, build):
    user = build.user()
    for _ in range(5):
        assert _sign_in(client, user.email, "wrong password here").status_code == 200
    assert _sign_in(client, user.email, "wrong password here").status_code == 429
    # the right password is refused too while the account is throttled
    assert _sign_in(client, user.email, PASSWORD).status_code == 429


def test_limit_per_address_spans_accounts(client, build):
    for i in range(20):
        assert _sign_in(client, f"guess{i}@example.nhs.uk", "wrong password here").status_code == 200
    assert _sign_in(client, "guess-last@example.nhs.uk", "wrong password here").status_code == 429


def test_post_without_csrf_token_gets_400(client, build, csrf_on):
    user = build.user()
    assert _sign_in(client, user.email, PASSWORD).status_code == 400
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_next_redirect_stays_on_site(client, build):
    user = build.user()
    assert _sign_in(client, user.email, PASSWORD, "/account").headers["Location"] == "/account"
    client.post("/sign-out")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example"):
        response = _sign_in(client, user.email, PASSWORD, evil)
        assert response.headers["Location"] == "/", evil
        client.post("/sign-out")


def test_security_headers_and_cookie_flags(client, build):
    user = build.user()
    response = _sign_in(client, user.email, PASSWORD)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "<script>" not in client.get("/").get_data(as_text=True)  # no inline script anywhere


def test_production_cookies_are_secure(tmp_path):
    from equiptrain import create_app

    app = create_app(
        {
            "PRODUCTION": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            "SECRET_KEY": "x" * 32,
            "PUBLIC_URL": "https://equiptrain.example.nhs.uk",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def _link(message) -> str:
    body = message.get_content()
    return re.search(r"http://equiptrain.test(/set-password/\S+)", body).group(1)


def test_invitation_sets_password_once(client, build, outbox, login):
    admin = build.user("admin")
    team = build.team(admin.organisation)
    login(admin)
    response = client.post(
        "/admin/people/new",
        data={
            "name": "Ruth Adams",
            "email": "ruth.adams@example.nhs.uk",
            "profession": "social_worker",
            "team": str(team.id),
            "team_role": "member",
            "org": admin.organisation_id,
        },
    )
    assert response.status_code == 302
    [message] = outbox.to("ruth.adams@example.nhs.uk")
    link = _link(message)
    client.post("/sign-out")
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert "at least 12 characters" in weak.get_data(as_text=True)
    for common_password in ("qwerty123456", "password2026!!", "aaaaaaaaaaaaaa"):
        common = client.post(link, data={"password": common_password, "confirm": common_password})
        assert "most common passwords" in common.get_data(as_text=True), common_password
    ok = client.post(link, data={"password": "a kettle on the moon", "confirm": "a kettle on the moon"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # signed in
    client.post("/sign-out")
    reused = client.get(link)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)
    assert _sign_in(client, "ruth.adams@example.nhs.uk", "a kettle on the moon").status_code == 302


def test_expired_and_tampered_links_are_refused(app, client, build, monkeypatch):
    from equiptrain.accounts import tokens

    user = build.user(password=None)
    token = tokens.make_token(user, tokens.INVITE)
    assert client.get(f"/set-password/{token[:-3]}xyz").status_code == 400
    monkeypatch.setitem(app.config, "INVITE_EXPIRY_DAYS", -1)
    response = client.get(f"/set-password/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_password_reset_says_the_same_for_unknown_email(client, build, outbox):
    user = build.user()
    known = client.post("/reset-password", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/reset-password", data={"email": "nobody@example.nhs.uk"}).get_data(as_text=True)
    assert "Check your email" in known and "Check your email" in unknown
    assert len(outbox.messages) == 1
    link = _link(outbox.to(user.email)[0])
    assert "reset=1" in link
    new = {"password": "new pass phrase 42", "confirm": "new pass phrase 42"}
    assert client.post(link, data=new).status_code == 302
    client.post("/sign-out")
    assert _sign_in(client, user.email, PASSWORD).status_code == 200  # the old password no longer works
    assert _sign_in(client, user.email, "new pass phrase 42").status_code == 302


def test_password_change_ends_other_sessions(app, build):
    user = build.user()
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        assert _sign_in(c, user.email, PASSWORD).status_code == 302
    response = laptop.post(
        "/account",
        data={"current_password": PASSWORD, "password": "brand new passphrase", "confirm": "brand new passphrase"},
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200  # this session carries on
    assert phone.get("/account").status_code == 302  # the other one has ended


def test_mail_is_not_sent_when_the_request_fails(client, build, outbox, login):
    admin = build.user("admin")
    existing = build.user(org=admin.organisation)
    login(admin)
    response = client.post(
        "/admin/people/new",
        data={"name": "Dup", "email": existing.email.upper(), "profession": "nurse", "team_role": "member"},
    )
    assert "already has an account" in response.get_data(as_text=True)
    assert outbox.messages == []


def test_an_application_wide_limit_still_applies_to_every_page(tmp_path):
    # The before-request check is only dropped when there is nothing for it to enforce.
    from equiptrain import create_app

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/l.db", "SECRET_KEY": "x" * 32, "RATELIMIT_APPLICATION": "2 per minute"}
    )
    client = app.test_client()
    assert [client.get("/about").status_code for _ in range(3)][-1] == 429
