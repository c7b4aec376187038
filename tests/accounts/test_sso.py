"""Single sign-on against a real OpenID Provider (node oidc-provider on 127.0.0.1) and, for the ID tokens no
real provider would send, a Python provider that answers with minted ones. Every refusal: a clear page, no
session, nothing created or linked, an audit event."""

from __future__ import annotations

import base64
import json
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from equiptrain.accounts import services, sso, sso_oidc, tokens
from equiptrain.accounts.models import User, UserSession
from equiptrain.accounts.sso_models import SsoIdentity, SsoProvider, SsoSignIn
from equiptrain.auditlog.models import AuditEvent
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from tests.accounts.sso_support import SECRET, local_path, provider_login
from tests.builders import PASSWORD
from tests.servers import free_port


@pytest.fixture(autouse=True)
def _fresh_sso_cache(app):
    app.extensions.pop("equiptrain.sso_metadata", None)
    previous = app.config["SSO_JWKS_MIN_REFRESH_SECONDS"]
    app.config["SSO_JWKS_MIN_REFRESH_SECONDS"] = 0  # a restarted provider's new keys are fetched at once
    yield
    app.config["SSO_JWKS_MIN_REFRESH_SECONDS"] = previous
    app.extensions.pop("equiptrain.sso_metadata", None)


def add_provider(org, issuer, client_id="et-basic", method="client_secret_basic", domains=("riverside.nhs.uk",), **kw):
    fields = sso.ProviderFields(
        name=kw.pop("name", "Riverside NHS account"),
        issuer=issuer,
        client_id=client_id,
        domains=list(domains),
        auth_method=method,
        client_secret=SECRET if method != "private_key_jwt" else None,
        **kw,
    )
    provider = sso.add_provider(None, org, fields)
    db.session.commit()
    return provider


def start(client, provider) -> tuple[str, str]:
    response = client.get(f"/sign-in/sso/{provider.id}")
    assert response.status_code == 302, response.text
    url = response.headers["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["response_type"] == ["code"]
    return url, query["state"][0]


def sign_in_via(client, provider, login: str):
    url, _state = start(client, provider)
    back = provider_login(url, login)
    return client.get(local_path(back)), back


def sessions_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def refused(reason: str) -> int:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sso.refused")).all()
    return sum(1 for e in events if e.details.get("reason") == reason)


# -- the real provider ----------------------------------------------------------------------------------------


def test_first_sign_in_links_the_person_then_matches_on_issuer_and_subject(client, build, node_provider):
    org = build.org()
    person = build.user(org=org, email="alice@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    response, _ = sign_in_via(client, provider, "alice")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    identity = db.session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == person.id))
    assert (identity.issuer, identity.subject) == (node_provider.issuer, "alice")
    assert sessions_of(person) == 1
    assert client.get("/account").status_code == 200
    actions = {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == person.id))}
    assert {"sso.linked", "sign_in.sso"} <= actions
    # The email changes here; the link holds, because it is (issuer, sub).
    person.email = "alice.renamed@riverside.nhs.uk"
    db.session.commit()
    other = client.application.test_client()
    response, _ = sign_in_via(other, provider, "alice")
    assert response.status_code == 302
    assert sessions_of(person) == 2


@pytest.mark.parametrize("client_id, method", [("et-post", "client_secret_post"), ("et-pkjwt", "private_key_jwt")])
def test_client_authentication_methods(client, build, node_provider, client_key, client_id, method):
    org = build.org()
    person = build.user(org=org, email="bob@riverside.nhs.uk")
    key_file = None
    if method == "private_key_jwt":
        key_file, _key = sso_oidc.save_private_key(client_key.as_pem(private=True))
        path = sso_oidc.key_folder() / key_file
        assert path.stat().st_mode & 0o777 == 0o600
    provider = add_provider(org, node_provider.issuer, client_id, method, key_file=key_file)
    assert provider.client_secret is None or method != "private_key_jwt"
    response, _ = sign_in_via(client, provider, "bob")
    assert response.status_code == 302, [e.details for e in db.session.scalars(select(AuditEvent))]
    assert sessions_of(person) == 1
    if key_file:
        assert client_key.as_pem(private=True).decode() not in json.dumps(
            [e.details for e in db.session.scalars(select(AuditEvent))]
        )


def test_key_rotation_at_the_provider(client, build, node_provider, app):
    org = build.org()
    person = build.user(org=org, email="carol@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    assert sign_in_via(client, provider, "carol")[0].status_code == 302
    old_keys = {k.kid for k in app.extensions["equiptrain.sso_metadata"][provider.issuer]["jwks"].keys}
    node_provider.restart()  # new signing keys
    again = app.test_client()
    assert sign_in_via(again, provider, "carol")[0].status_code == 302
    new_keys = {k.kid for k in app.extensions["equiptrain.sso_metadata"][provider.issuer]["jwks"].keys}
    assert new_keys and not (new_keys & old_keys)
    assert sessions_of(person) == 2


def test_replayed_state_and_reused_code_are_refused(client, build, node_provider, app):
    org = build.org()
    person = build.user(org=org, email="dan@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    response, back = sign_in_via(client, provider, "dan")
    assert response.status_code == 302
    # The same answer again: its state was used.
    replay = app.test_client()
    response = replay.get(local_path(back))
    assert response.status_code == 400 and "already used" in response.text
    # A fresh state with the old code: the provider refuses the code.
    _url, state = start(replay, provider)
    code = parse_qs(urlsplit(back).query)["code"][0]
    response = replay.get(f"/sign-in/sso/callback?code={code}&state={state}")
    assert response.status_code == 400 and "could not be signed in" in response.text
    assert refused("state") == 1 and refused("token_refused") == 1
    assert sessions_of(person) == 1


def test_the_provider_refusing_ends_on_a_clear_page(client, build, node_provider):
    org = build.org()
    provider = add_provider(org, node_provider.issuer)
    _url, state = start(client, provider)
    response = client.get(f"/sign-in/sso/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "did not agree" in response.text and "nothing has been changed" in response.text
    assert refused("provider_error") == 1


def test_unknown_person_is_created_only_when_the_organisation_allows_it(client, build, node_provider, app):
    org = build.org()
    admin = build.user("admin", org=org, name="Ada Admin")
    provider = add_provider(org, node_provider.issuer)
    response, _ = sign_in_via(client, provider, "newstarter")
    assert response.status_code == 400
    assert "no EquipTrain account" in response.text and "Ada Admin" in response.text and admin.email in response.text
    assert db.session.scalar(select(User).where(User.email == "newstarter@riverside.nhs.uk")) is None
    assert refused("no_account") == 1
    sso.set_settings(None, org, create_accounts=True, password_sign_in=True)
    db.session.commit()
    response, _ = sign_in_via(app.test_client(), provider, "newstarter")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "newstarter@riverside.nhs.uk"))
    assert user.organisation_id == org.id and not user.is_admin and user.password_hash is None
    assert user.name == "Test newstarter"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sso.account_created"))


def test_group_mappings_give_teams_and_roles(client, build, node_provider):
    org = build.org()
    team = build.team(org, name="Riverside CMHT")
    sso.set_settings(None, org, create_accounts=True, password_sign_in=True)
    mappings = sso.parse_mappings("equip-staff = manager: Riverside CMHT\nother = org_admin", org)
    provider = add_provider(org, node_provider.issuer, group_mappings=mappings, required_group="equip-staff")
    assert sign_in_via(client, provider, "mapped")[0].status_code == 302
    user = db.session.scalar(select(User).where(User.email == "mapped@riverside.nhs.uk"))
    assert {(m.team_id, m.role.value) for m in user.memberships} == {(team.id, "manager")}
    assert not user.is_org_admin
    with pytest.raises(ServiceError, match="no team called"):
        sso.parse_mappings("x = member: Nowhere", org)


def test_person_linked_to_another_subject_is_refused(client, build, node_provider, login):
    org = build.org()
    person = build.user(org=org, email="erin@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    db.session.add(SsoIdentity(user_id=person.id, issuer=provider.issuer, subject="someone-else"))
    db.session.commit()
    response, _ = sign_in_via(client, provider, "erin")
    assert response.status_code == 400 and "already linked" in response.text
    assert refused("linked_elsewhere") == 1 and sessions_of(person) == 0
    # The administrator removes the old link on the person's page; the next sign-in links the new account.
    admin = build.user("admin", org=org)
    other = client.application.test_client()
    login(admin, other)
    identity = db.session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == person.id))
    page = other.get(f"/admin/people/{person.id}").text
    assert "Remove this link" in page
    assert other.post(f"/admin/people/{person.id}/sso-links/{identity.id}/remove").status_code == 302
    response, _ = sign_in_via(client, provider, "erin")
    assert response.status_code == 302 and sessions_of(person) == 1


def test_deactivated_person_is_refused(client, build, node_provider):
    org = build.org()
    admin = build.user("admin", org=org)
    person = build.user(org=org, email="finn@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    assert sign_in_via(client, provider, "finn")[0].status_code == 302
    services.deactivate(admin, person)
    db.session.commit()
    assert client.get("/account").status_code in (302, 401)  # the session ended with the deactivation
    response, _ = sign_in_via(client, provider, "finn")
    assert response.status_code == 400 and "deactivated" in response.text
    assert refused("deactivated") == 1 and sessions_of(person) == 0


def test_tenant_and_group_rules(client, build, node_provider, app):
    org = build.org()
    build.user(org=org, email="staff-in-other-tenant@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer, tenant_id="riverside-tenant")
    response, _ = sign_in_via(client, provider, "staff-in-other-tenant")
    assert response.status_code == 400 and refused("tenant") == 1
    other = add_provider(org, node_provider.issuer, name="Group rule", required_group="not-a-group")
    response, _ = sign_in_via(app.test_client(), other, "staff-in-other-tenant")
    assert response.status_code == 400 and refused("group") == 1


def test_unverified_email_is_refused(client, build, node_provider):
    org = build.org()
    build.user(org=org, email="unverified1@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    response, _ = sign_in_via(client, provider, "unverified1")
    assert response.status_code == 400 and "not confirmed" in response.text
    assert refused("email_unverified") == 1


def test_sign_out_ends_the_session_and_the_provider_session(client, build, node_provider):
    org = build.org()
    person = build.user(org=org, email="gwen@riverside.nhs.uk")
    provider = add_provider(org, node_provider.issuer)
    sign_in_via(client, provider, "gwen")
    assert db.session.scalar(select(func.count()).select_from(SsoSignIn)) == 1
    response = client.post("/sign-out")
    assert response.status_code == 200
    location = unescape(re.search(r'url=([^"]+)"', response.text).group(1))
    assert location.startswith(f"{node_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://equiptrain.test/sign-in/sso/signed-out"]
    assert query["id_token_hint"][0].count(".") == 2
    assert sessions_of(person) == 0 and db.session.scalar(select(func.count()).select_from(SsoSignIn)) == 0
    assert client.get("/sign-in/sso/signed-out").status_code == 200


# -- single sign-on only ---------------------------------------------------------------------------------------


def test_sso_only_organisation(client, build, node_provider, outbox):
    org = build.org()
    person = build.user(org=org, email="hana@riverside.nhs.uk")
    platform_admin = build.user("platform_admin", org=org, email="root@riverside.nhs.uk")
    with pytest.raises(ServiceError, match="Add a single sign-on provider"):
        sso.set_settings(None, org, create_accounts=False, password_sign_in=False)
    provider = add_provider(org, node_provider.issuer)
    sso.set_settings(None, org, create_accounts=False, password_sign_in=False)
    db.session.commit()
    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 200 and "signs in with your NHS account" in response.text
    assert sessions_of(person) == 0
    # An address the provider vouches for, without a password: off to the provider.
    response = client.post("/sign-in", data={"email": person.email, "password": ""})
    assert response.status_code == 200 and f"url=/sign-in/sso/{provider.id}" in response.text
    # Break-glass: platform administrators keep their password.
    response = client.post("/sign-in", data={"email": platform_admin.email, "password": PASSWORD})
    assert response.status_code == 302 and sessions_of(platform_admin) == 1
    # Invitations say how to sign in.
    newcomer = build.user(org=org, email="ivan@riverside.nhs.uk", password=None)
    services.invite(None, newcomer)
    db.session.commit()
    assert "sign in with your NHS account" in outbox.to(newcomer.email)[-1].get_content()
    # No password by the back door: a reset sends no link, and a link sent before the switch no longer works.
    services.request_password_reset(person.email)
    db.session.commit()
    assert "no password to reset" in outbox.to(person.email)[-1].get_content()

    old_link = tokens.make_token(person, tokens.RESET)
    response = client.get(f"/set-password/{old_link}?reset=1")
    assert response.status_code == 400 and "no password to set" in response.text


def test_sign_in_page_offers_each_provider(client, build, node_provider):
    org = build.org()
    add_provider(org, node_provider.issuer, name="NHSmail")
    page = client.get("/sign-in").text
    assert "Sign in with NHSmail" in page


# -- provider settings -------------------------------------------------------------------------------------------


def test_provider_rules(build):
    org = build.org()
    with pytest.raises(ServiceError, match="shared by every NHSmail user"):
        add_provider(org, "https://login.microsoftonline.com/abc/v2.0", domains=("nhs.net",))
    with pytest.raises(ServiceError, match="never the common"):
        add_provider(org, "https://login.microsoftonline.com/common/v2.0")
    with pytest.raises(ServiceError, match="https"):
        add_provider(org, "http://idp.example.org")
    with pytest.raises(ServiceError, match="not an email domain"):
        sso.parse_domains("not a domain!")
    ok = add_provider(org, "https://login.microsoftonline.com/abc/v2.0", domains=("nhs.net",), tenant_id="abc")
    assert ok.domains == ["nhs.net"]


def test_admin_page_adds_a_provider_with_a_write_only_secret(client, build, login):
    org = build.org()
    admin = build.user("admin", org=org)
    login(admin)
    page = client.get("/admin/sign-in")
    assert page.status_code == 200 and "http://equiptrain.test/sign-in/sso/callback" in page.text
    data = {
        "provider-name": "NHSmail",
        "provider-issuer": "https://login.microsoftonline.com/tenant-1/v2.0",
        "provider-client_id": "abc",
        "provider-auth_method": "client_secret_post",
        "provider-client_secret": "very-secret-value",
        "provider-domains": "riverside.nhs.uk, nhs.net",
        "provider-email_claim": "preferred_username",
        "provider-tenant_id": "tenant-1",
        "provider-groups_claim": "groups",
    }
    response = client.post("/admin/sign-in", data=data)
    assert response.status_code == 302, response.text
    provider = db.session.scalar(select(SsoProvider).where(SsoProvider.organisation_id == org.id))
    page = client.get(f"/admin/sign-in/providers/{provider.id}").text
    assert "very-secret-value" not in page and "Saved (never shown)" in page
    assert "very-secret-value" not in json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    # Saving without a secret keeps it.
    data.pop("provider-client_secret")
    assert client.post(f"/admin/sign-in/providers/{provider.id}", data=data).status_code == 302
    db.session.refresh(provider)
    assert provider.client_secret == "very-secret-value"
    response = client.post(
        "/admin/sign-in",
        data={**data, "provider-name": "Bare", "provider-tenant_id": "", "provider-client_secret": "s"},
    )
    assert response.status_code == 200 and "shared by every NHSmail user" in response.text
    settings = client.post(
        "/admin/sign-in",
        data={"settings-create_accounts": "y", "settings-password_sign_in": "off", "settings-submit": "1"},
    )
    assert settings.status_code == 302
    assert sso.settings_for(org.id).password_sign_in is False
    assert client.post(f"/admin/sign-in/providers/{provider.id}/remove").status_code == 302
    assert db.session.get(SsoProvider, provider.id) is None


def test_cli_add_list_remove(app, build, tmp_path, client_key):
    org = build.org("CLI Trust")
    runner = app.test_cli_runner()
    key = tmp_path / "key.pem"
    key.write_bytes(client_key.as_pem(private=True))
    result = runner.invoke(
        args=[
            "sso", "add", "--organisation", "CLI Trust", "--name", "CIS2", "--issuer", "https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
            "--client-id", "cis2-client", "--private-key", str(key), "--domains", "cli.nhs.uk",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "http://equiptrain.test/sign-in/sso/callback" in result.output and '"kty": "RSA"' in result.output
    provider = db.session.scalar(select(SsoProvider).where(SsoProvider.organisation_id == org.id))
    assert provider.auth_method == "private_key_jwt" and provider.client_secret is None
    assert (sso_oidc.key_folder() / provider.key_file).stat().st_mode & 0o777 == 0o600
    listed = runner.invoke(args=["sso", "list"])
    assert "CIS2" in listed.output and "CLI Trust" in listed.output
    bad = runner.invoke(
        args=["sso", "add", "--organisation", "CLI Trust", "--name", "X", "--issuer", "https://x.example",
              "--client-id", "x", "--client-secret", "s", "--domains", "nhs.net"]
    )  # fmt: skip
    assert bad.exit_code != 0 and "shared by every NHSmail user" in bad.output
    removed = runner.invoke(args=["sso", "remove", "--organisation", "CLI Trust", "--name", "CIS2"])
    assert removed.exit_code == 0, removed.output
    assert db.session.scalar(select(SsoProvider).where(SsoProvider.organisation_id == org.id)) is None


# -- minted ID tokens: every bad one -----------------------------------------------------------------------------


def _unsigned(claims: dict) -> str:
    def part(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': 'good-key'})}.{part(claims)}."


BAD_TOKENS = {
    "id_token_signature": lambda p, n: p.sign(p.payload(n), key=RSAKey.generate_key(2048, private=True)),
    "id_token_aud": lambda p, n: p.sign(p.payload(n, aud="someone-else")),
    "id_token_expired": lambda p, n: p.sign(p.payload(n, exp=int(time.time()) - 3600, iat=int(time.time()) - 4000)),
    "id_token_future": lambda p, n: p.sign(p.payload(n, iat=int(time.time()) + 3600, exp=int(time.time()) + 4000)),
    "id_token_nonce": lambda p, n: p.sign(p.payload("another-nonce")),
    "id_token_alg": lambda p, n: _unsigned(p.payload(n)),
    "id_token_kid": lambda p, n: p.sign(p.payload(n), key=RSAKey.generate_key(2048, private=True), kid="unknown"),
    "id_token_iss": lambda p, n: p.sign(p.payload(n, iss="https://elsewhere.example")),
    "email_unverified": lambda p, n: p.sign(p.payload(n, email_verified=False)),
    "domain": lambda p, n: p.sign(p.payload(n, email="sam@elsewhere.nhs.uk")),
    "email_missing": lambda p, n: p.sign(p.payload(n, email=None)),
}


@pytest.mark.parametrize("reason", sorted(BAD_TOKENS))
def test_every_bad_id_token_is_refused(client, build, minting_provider, reason):
    org = build.org()
    sso.set_settings(None, org, create_accounts=True, password_sign_in=True)
    person = build.user(org=org, email="sam.minted@minted.nhs.uk")
    provider = add_provider(
        org, minting_provider.issuer, client_id=minting_provider.client_id, domains=("minted.nhs.uk",)
    )
    minting_provider.mint = lambda nonce: BAD_TOKENS[reason](minting_provider, nonce)
    try:
        url, _ = start(client, provider)
        back = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
        response = client.get(local_path(back))
    finally:
        minting_provider.mint = minting_provider.good_token
    assert response.status_code == 400, response.text
    assert "You could not be signed in" in response.text and "nothing has been changed" in response.text
    assert refused(reason) == 1
    assert sessions_of(person) == 0
    assert db.session.scalar(select(func.count()).select_from(SsoIdentity)) == 0
    assert db.session.scalar(select(func.count()).select_from(User).where(User.organisation_id == org.id)) == 1


def test_minted_good_token_signs_in_and_backchannel_logout_ends_it(client, build, minting_provider):
    org = build.org()
    person = build.user(org=org, email="sam.minted@minted.nhs.uk")
    provider = add_provider(
        org, minting_provider.issuer, client_id=minting_provider.client_id, domains=("minted.nhs.uk",)
    )
    minting_provider.claims = {"sid": "session-1"}
    try:
        url, _ = start(client, provider)
        back = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
        assert client.get(local_path(back)).status_code == 302
    finally:
        minting_provider.claims = {}
    assert sessions_of(person) == 1
    now = int(time.time())
    logout = {
        "iss": minting_provider.issuer,
        "aud": minting_provider.client_id,
        "iat": now,
        "exp": now + 120,
        "jti": "j1",
        "sid": "session-1",
        "events": {sso_oidc.BACKCHANNEL_EVENT: {}},
    }
    forged = minting_provider.sign(logout, key=RSAKey.generate_key(2048, private=True))
    assert client.post("/sign-in/sso/backchannel-logout", data={"logout_token": forged}).status_code == 400
    assert client.post("/sign-in/sso/backchannel-logout", data={"logout_token": "junk"}).status_code == 400
    assert sessions_of(person) == 1
    response = client.post("/sign-in/sso/backchannel-logout", data={"logout_token": minting_provider.sign(logout)})
    assert response.status_code == 200
    assert sessions_of(person) == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sso.backchannel_logout"))


def test_slow_or_down_provider_times_out_with_a_clear_page(client, build, minting_provider, app):
    org = build.org()
    build.user(org=org, email="sam.minted@minted.nhs.uk")
    provider = add_provider(
        org, minting_provider.issuer, client_id=minting_provider.client_id, domains=("minted.nhs.uk",)
    )
    previous = app.config["SSO_HTTP_TIMEOUT"]
    app.config["SSO_HTTP_TIMEOUT"] = 0.5
    minting_provider.delay = 2
    try:
        url, _ = start(client, provider)
        back = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
        response = client.get(local_path(back))
    finally:
        minting_provider.delay = 0
        app.config["SSO_HTTP_TIMEOUT"] = previous
    assert response.status_code == 502 and "did not answer in time" in response.text
    down = add_provider(org, f"http://127.0.0.1:{free_port()}", name="Down")
    response = client.get(f"/sign-in/sso/{down.id}")
    assert response.status_code == 502 and "did not answer in time" in response.text
    assert refused("provider_unavailable") == 2


def test_demo_sso_gives_the_trust_the_test_provider(build, app):
    from equiptrain.demo import sso as demo_sso

    org = build.org("Demo SSO Trust")
    text = demo_sso.set_up(org.name)
    assert "node tests/oidc/provider.mjs" in text and "EQUIPTRAIN_URL=http://equiptrain.test" in text
    demo_sso.set_up(org.name)  # twice: still one provider
    providers = sso.providers_of(org)
    assert [p.issuer for p in providers] == [demo_sso.ISSUER]
    assert "Load the demo first" in demo_sso.set_up("No such trust")


def test_private_key_jwks_is_published(client, build, client_key):
    org = build.org()
    key_file, _key = sso_oidc.save_private_key(client_key.as_pem(private=True))
    provider = add_provider(org, "https://cis2.example", "cis2", "private_key_jwt", key_file=key_file)
    jwks = client.get(f"/sign-in/sso/{provider.id}/jwks.json").get_json()
    assert jwks["keys"][0]["kid"] == client_key.thumbprint() and "d" not in jwks["keys"][0]
    with pytest.raises(ValueError, match="public key"):
        sso_oidc.save_private_key(client_key.as_pem(private=False))
    with pytest.raises(ValueError, match="not an RSA private key"):
        sso_oidc.save_private_key(b"not a key")


def test_refused_sign_ins_are_limited_per_address(client, app):
    limit = int(app.config["SIGNIN_LIMIT_PER_ADDRESS"].split()[0])
    for _ in range(limit):
        assert client.get("/sign-in/sso/callback?state=forged&code=x").status_code == 400
    assert client.get("/sign-in/sso/callback?state=forged&code=x").status_code == 429
