"""Single sign-on in a real browser against a real OpenID Provider (node oidc-provider on 127.0.0.1): an
administrator sets the provider up on the page, staff sign in through the provider's login form, sign out of
both, and a sign-out at the provider ends the session here by back-channel logout. Every EquipTrain page on the
way is scanned with axe."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from equiptrain.accounts import services, sso
from equiptrain.accounts.models import Profession, User, UserSession
from equiptrain.accounts.sso_models import SsoProvider
from tests.accounts.sso_support import SECRET, NodeProvider, client_metadata

PASSWORD = "browser test passphrase"
_n = itertools.count()


@pytest.fixture(scope="module")
def op(live_server):
    """The provider, with EquipTrain's live server registered as its client (redirect, sign-out, back-channel)."""
    meta = client_metadata("et-browser", "client_secret_basic", base=live_server.url)
    meta["backchannel_logout_uri"] = f"{live_server.url}/sign-in/sso/backchannel-logout"
    meta["backchannel_logout_session_required"] = True
    provider = NodeProvider([meta])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def trust(live_app, live_server, live_db, op):
    """An organisation with an admin, and the live app's PUBLIC_URL pointing at the live server for the test."""
    previous = live_app.config["PUBLIC_URL"]
    live_app.config["PUBLIC_URL"] = live_server.url
    live_app.extensions.pop("equiptrain.sso_metadata", None)
    n = next(_n)
    org = services.create_organisation(None, f"SSO Browser Trust {n}")
    admin = services.create_user(
        None,
        name=f"Ada Admin {n}",
        email=f"ada{n}@admin.example",
        profession=Profession.OTHER,
        organisation=org,
        password=PASSWORD,
        is_org_admin=True,
    )
    live_db.session.commit()
    yield {"org": org, "admin": admin, "n": n}
    live_app.config["PUBLIC_URL"] = previous
    live_db.session.rollback()
    for provider in live_db.session.scalars(select(SsoProvider).where(SsoProvider.organisation_id == org.id)):
        sso.remove_provider(None, provider)
    live_db.session.commit()


def _add_provider(live_db, trust, op, **kw):
    provider = sso.add_provider(
        None,
        trust["org"],
        sso.ProviderFields(
            name=f"Riverside {trust['n']}",
            issuer=op.issuer,
            client_id="et-browser",
            client_secret=SECRET,
            domains=["riverside.nhs.uk"],
            **kw,
        ),
    )
    live_db.session.commit()
    return provider


def _log_in_at_provider(page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    consent = page.locator("button[type=submit]")
    if "/interaction/" in page.url and consent.count():
        consent.first.click()
        page.wait_for_load_state()


def _scan_interstitial(tab, pattern: str, click) -> None:
    """Scan the same-site page that sends the browser on (a meta refresh): hold the onward navigation with a
    204 (the browser stays put), scan, then let it go and follow the page's link as a person would."""
    page = tab.page
    page.route(pattern, lambda route: route.fulfill(status=204))
    click()
    page.wait_for_selector("meta[http-equiv=refresh]", state="attached")
    page.wait_for_timeout(300)  # the refresh has fired and been held
    tab.scan()
    page.unroute(pattern)
    page.locator("main a.nhsuk-button").click()


def _sessions(live_db, email: str) -> int:
    live_db.session.rollback()  # a fresh read: what the server has committed since
    user = live_db.session.scalar(select(User).where(User.email == email))
    return live_db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_administrator_adds_a_provider_on_the_page(browse, trust, op, live_server):
    tab = browse()
    tab.sign_in(trust["admin"].email, PASSWORD)
    tab.goto("/admin/sign-in")
    page = tab.page
    assert f"{live_server.url}/sign-in/sso/callback" in page.content()
    page.get_by_label("Name on the button").fill(f"Page NHSmail {trust['n']}")
    page.get_by_label("Issuer address").fill(op.issuer)
    page.get_by_label("Client ID").fill("et-browser")
    page.get_by_label("Client secret", exact=True).fill(SECRET)
    page.get_by_label("Email domains it vouches for").fill("riverside.nhs.uk, nhs.net")
    page.get_by_role("button", name="Add provider").click()
    page.wait_for_load_state()
    tab.scan()  # the form again, with the shared-tenant error
    assert "shared by every NHSmail user" in page.content()
    page.get_by_label("Client secret", exact=True).fill(SECRET)
    page.get_by_label("Tenant ID (tid)").fill("riverside-tenant")
    page.get_by_role("button", name="Add provider").click()
    page.wait_for_load_state()
    tab.scan()  # the provider's page
    assert "Saved (never shown)" in page.content() and SECRET not in page.content()


def test_staff_sign_in_with_their_nhs_account_and_sign_out_of_both(browse, trust, op, live_db):
    provider = _add_provider(live_db, trust, op)
    email = f"nurse{trust['n']}@riverside.nhs.uk"
    services.create_user(
        None, name="Nia Nurse", email=email, profession=Profession.NURSE, organisation=trust["org"]
    )  # fmt: skip
    live_db.session.commit()
    tab = browse({"width": 320, "height": 640})
    tab.goto("/sign-in")
    page = tab.page
    page.get_by_role("link", name=provider.label).click()
    page.wait_for_load_state()
    _log_in_at_provider(page, f"nurse{trust['n']}")
    assert page.url.startswith(tab.base_url), page.url
    tab.scan()  # home
    assert _sessions(live_db, email) == 1
    page.set_viewport_size({"width": 1024, "height": 800})
    _scan_interstitial(tab, f"{op.issuer}/session/end*", page.get_by_role("button", name="Sign out").click)
    page.wait_for_url(f"{op.issuer}/**")
    # The provider asks whether to sign out there too.
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/sign-in/sso/signed-out")
    assert page.url.endswith("/sign-in/sso/signed-out"), page.url
    tab.scan()
    assert _sessions(live_db, email) == 0
    # The administrator sees the link on the person's page, and can remove it.
    admin = browse()
    admin.sign_in(trust["admin"].email, PASSWORD)
    person = live_db.session.scalar(select(User).where(User.email == email))
    admin.goto(f"/admin/people/{person.id}")
    admin.page.get_by_role("button", name=f"Remove this link to {provider.name}").click()
    admin.page.wait_for_load_state()
    admin.scan()
    assert "has not signed in with an NHS account yet" in admin.page.content()


def test_sign_out_at_the_provider_ends_the_session_here(browse, trust, op, live_db):
    _add_provider(live_db, trust, op)
    email = f"ot{trust['n']}@riverside.nhs.uk"
    services.create_user(None, name="Olu OT", email=email, profession=Profession.OCCUPATIONAL_THERAPIST,
                         organisation=trust["org"])  # fmt: skip
    live_db.session.commit()
    tab = browse()
    page = tab.page
    # Typing an address the provider vouches for, without a password, goes to the provider.
    tab.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    _scan_interstitial(tab, "**/sign-in/sso/*", page.get_by_role("button", name="Sign in").click)
    page.wait_for_url(f"{op.issuer}/**")
    _log_in_at_provider(page, f"ot{trust['n']}")
    tab.scan()
    assert _sessions(live_db, email) == 1
    # Signing out at the provider itself (as from NHSmail): it tells EquipTrain by back-channel logout.
    page.goto(f"{op.issuer}/session/end")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{op.issuer}/**/success*")
    assert _sessions(live_db, email) == 0, op.messages()
    tab.goto("/account", scan=False)
    assert "/sign-in" in page.url
    tab.scan()


def test_someone_without_an_account_is_told_who_to_ask(browse, trust, op, live_db):
    _add_provider(live_db, trust, op)
    tab = browse()
    tab.goto("/sign-in")
    page = tab.page
    page.get_by_role("link", name=f"Sign in with Riverside {trust['n']}").click()
    page.wait_for_load_state()
    _log_in_at_provider(page, f"stranger{trust['n']}")
    tab.scan()
    assert "no EquipTrain account" in page.content() and trust["admin"].name in page.content()
