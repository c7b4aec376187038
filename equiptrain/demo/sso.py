"""`equiptrain demo --sso`: the demo trust signs in through the test OpenID Provider (tests/oidc/provider.mjs,
node oidc-provider on 127.0.0.1:4011), so anyone can try single sign-on locally without an NHS tenant."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from equiptrain.accounts import sso
from equiptrain.accounts.models import Organisation
from equiptrain.accounts.sso_models import SsoProvider
from equiptrain.demo.accounts import DOMAIN
from equiptrain.extensions import db

PORT = 4011
ISSUER = f"http://127.0.0.1:{PORT}"
CLIENT_ID = "equiptrain-demo"
CLIENT_SECRET = "equiptrain-demo-secret"  # the test provider's demo client; never a real secret
NAME = "Northbridge NHS account (test provider)"


def set_up(organisation_name: str) -> str:
    """Give the demo trust the test provider (once) and say how to start it and sign in through it."""
    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if org is None:
        return "Load the demo first: equiptrain demo"
    exists = db.session.scalar(
        select(SsoProvider).where(SsoProvider.organisation_id == org.id, SsoProvider.name == NAME)
    )
    if exists is None:
        sso.add_provider(
            None,
            org,
            sso.ProviderFields(
                name=NAME, issuer=ISSUER, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domains=[DOMAIN]
            ),
        )
        db.session.commit()
    site = current_app.config["PUBLIC_URL"].rstrip("/")
    return "\n".join(
        [
            f"The demo trust signs in with '{NAME}' ({ISSUER}).",
            "1. Start the test provider (Node 20 or later; `npm install` first, it is a development package):",
            f"     OIDC_PORT={PORT} EQUIPTRAIN_URL={site} node tests/oidc/provider.mjs",
            "2. Start EquipTrain in another terminal: equiptrain serve",
            f"3. Open {site}/sign-in and choose 'Sign in with {NAME}', or type a demo address with no password.",
            f"4. At the provider's login form, give a demo person's address as the login (e.g. olivia.grant@{DOMAIN})",
            "   and any password; agree, and you are back in EquipTrain, signed in as them.",
            "   An address nobody has shows the 'who to ask' page (switch on account creation on the",
            "   'Sign-in and single sign-on' admin page to create learners instead).",
            "Signing out signs you out of the provider too; signing out at the provider ends the EquipTrain session",
            "(back-channel logout). The test provider keeps everything in memory and makes new keys at each start.",
        ]
    )
