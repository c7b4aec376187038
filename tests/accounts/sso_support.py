"""The single sign-on tests' providers: the real node oidc-provider (tests/oidc/provider.mjs) started on
127.0.0.1, a plain HTTP client that fills in its development login and consent forms, and a small Python
provider that answers with whatever ID token a test mints (bad signatures, wrong audiences, alg none...)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests import servers

SCRIPT = Path(__file__).resolve().parents[1] / "oidc" / "provider.mjs"
PUBLIC_URL = "http://equiptrain.test"  # the tests' PUBLIC_URL
SECRET = "test-client-secret-0123456789"


class NodeProvider:
    """node oidc-provider on 127.0.0.1; `restart()` keeps the port (so the issuer) and makes new keys."""

    def __init__(self, clients: list[dict], accounts: dict | None = None) -> None:
        self.port = servers.free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients, self.accounts = clients, accounts or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        node = shutil.which("node")
        assert node, "node is needed for the single sign-on tests (Node 20 or later)"
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_CLIENTS": json.dumps(self.clients),
            "OIDC_ACCOUNTS": json.dumps(self.accounts),
        }
        # Its messages go to a file, never a pipe nobody reads (a full pipe would stop the provider).
        self.log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [node, str(SCRIPT)], env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=SCRIPT.parent
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider did not start: {self.messages()[-2000:]}")
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("oidc-provider did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            servers.stop(self.process)
        self.process = None
        if getattr(self, "log", None) is not None:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
            self.log = None

    def messages(self) -> str:
        return Path(self.log.name).read_text(errors="replace") if getattr(self, "log", None) else ""

    def restart(self) -> None:
        self.stop()
        self.start()


def client_metadata(client_id: str, method: str, *, base: str = PUBLIC_URL, jwks: dict | None = None) -> dict:
    meta = {
        "client_id": client_id,
        "redirect_uris": [f"{base}/sign-in/sso/callback"],
        "post_logout_redirect_uris": [f"{base}/sign-in/sso/signed-out"],
        "token_endpoint_auth_method": method,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    if method == "private_key_jwt":
        meta["jwks"] = jwks
    else:
        meta["client_secret"] = SECRET
    return meta


_FORM = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<input[^>]*>", re.I)
_ATTR = re.compile(r"(\w+)=\"([^\"]*)\"")


def provider_login(authorize_url: str, login: str, *, http: requests.Session | None = None) -> str:
    """Follow the provider's pages as a person would (log in as `login`, agree), until it sends the browser
    back to EquipTrain; returns that callback address."""
    http = http or requests.Session()
    method, url, data = "GET", authorize_url, None
    for _ in range(12):
        response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            method, data = "GET", None
            if url.startswith(PUBLIC_URL) or "/sign-in/sso/" in url:
                return url
            continue
        match = _FORM.search(response.text)
        assert match, f"no form at {url}: {response.status_code} {response.text[:500]}"
        fields = {}
        for tag in _INPUT.findall(match.group(2)):
            attrs = dict(_ATTR.findall(tag))
            if "name" in attrs:
                fields[attrs["name"]] = unescape(attrs.get("value", ""))
        if "login" in fields:
            fields["login"], fields["password"] = login, "any password"
        method, url, data = "POST", urljoin(url, unescape(match.group(1))), fields
    raise AssertionError("the provider never sent the browser back")


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- a provider that answers with minted tokens ------------------------------------------------------------------


class MintingProvider:
    """A minimal OpenID Provider in Python: discovery, JWKS, an authorisation endpoint that sends the browser
    straight back with a code, and a token endpoint that answers with `self.mint(nonce)`'s ID token."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, private=True, parameters={"kid": "good-key"})
        self.port = servers.free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id = "minted-client"
        self.delay = 0.0
        self.nonces: dict[str, str] = {}
        self.mint = self.good_token
        self.claims: dict = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path)
                if path.path == "/.well-known/openid-configuration":
                    return self._json(outer.discovery())
                if path.path == "/jwks":
                    return self._json({"keys": [outer.key.as_dict(private=False)]})
                if path.path == "/auth":
                    query = {k: v[0] for k, v in parse_qs(path.query).items()}
                    code = f"code-{len(outer.nonces)}"
                    outer.nonces[code] = query.get("nonce", "")
                    self.send_response(302)
                    self.send_header(
                        "Location", query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                    )
                    self.end_headers()
                    return None
                self.send_response(404)
                self.end_headers()
                return None

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if outer.delay:
                    time.sleep(outer.delay)  # the relying party has given up by now: answer nobody
                    return None
                nonce = outer.nonces.pop(form.get("code", ""), None)
                if nonce is None:
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json(
                    {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": outer.mint(nonce)}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self) -> dict:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def payload(self, nonce: str, **changes) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "minted-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": "sam.minted@minted.nhs.uk",
            "email_verified": True,
            **self.claims,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict, *, key: RSAKey | None = None, kid: str = "good-key") -> str:
        return jwt.encode({"alg": "RS256", "kid": kid}, claims, key or self.key)

    def good_token(self, nonce: str) -> str:
        return self.sign(self.payload(nonce))

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def client_key() -> RSAKey:
    return RSAKey.generate_key(2048, private=True, parameters={"kid": "equiptrain-test"})


@pytest.fixture(scope="session")
def node_provider(client_key):
    """The real provider, started once for the run, with one client per client authentication method."""
    # EquipTrain names its key by its RFC 7638 thumbprint (the key file is a bare PEM)
    jwks = {
        "keys": [{**client_key.as_dict(private=False), "kid": client_key.thumbprint(), "use": "sig", "alg": "RS256"}]
    }
    provider = NodeProvider(
        [
            client_metadata("et-basic", "client_secret_basic"),
            client_metadata("et-post", "client_secret_post"),
            client_metadata("et-pkjwt", "private_key_jwt", jwks=jwks),
        ],
        accounts={"staff-in-other-tenant": {"tid": "another-tenant"}},
    )
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def minting_provider():
    provider = MintingProvider()
    provider.start()
    yield provider
    provider.stop()


def access_world(world: dict) -> dict:
    """Providers for the route x role walk: one with a client secret, one with a private key."""
    from equiptrain.accounts import sso, sso_oidc
    from equiptrain.accounts.sso_models import SsoIdentity
    from equiptrain.extensions import db

    def fields(name: str, **kw) -> sso.ProviderFields:
        return sso.ProviderFields(
            name=name, issuer="https://login.microsoftonline.com/walk-tenant/v2.0", client_id="walk",
            domains=["walk.nhs.uk"], **kw,
        )  # fmt: skip

    secret = sso.add_provider(None, world["org"], fields("Walk NHSmail", client_secret="walk-secret"))
    # One key for every walk (making a 2048-bit key per test would cost the walk a minute of CPU).
    key_file = "walk-key.pem"
    path = sso_oidc.key_folder() / key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(RSAKey.generate_key(2048, private=True).as_pem(private=True))
        path.chmod(0o600)
    keyed = sso.add_provider(None, world["org"], fields("Walk keyed", auth_method="private_key_jwt", key_file=key_file))
    identity = SsoIdentity(user_id=world["learner"].id, provider_id=secret.id, issuer=secret.issuer, subject="walk")
    db.session.add(identity)
    db.session.commit()
    return {"sso_provider": secret, "sso_key_provider": keyed, "sso_identity": identity}
