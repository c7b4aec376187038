"""The OpenID Connect relying party: discovery, the authorisation request (code flow, PKCE S256, state, nonce),
the code exchange with client_secret_basic, client_secret_post or private_key_jwt (Authlib), and the checks on
every ID token and logout token (joserfc, Authlib's JOSE library).

Each failure raises `SsoFailure` with a reason (for the audit log) and a sentence for the person; nothing here
touches the database. Calls to a provider time out (SSO_HTTP_TIMEOUT seconds) rather than hang.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jws import extract_compact

from equiptrain.accounts.sso_models import SsoProvider

# Asymmetric algorithms only: `none` and the HMAC family (which a provider's public key could be abused as the
# secret for) are never accepted, whatever a token's header says.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLOCK_SKEW = 120  # seconds of clock difference tolerated either way
MAX_TOKEN_AGE = 600  # an ID token issued longer ago than this is stale (it was meant for a fresh sign-in)
METADATA_SECONDS = 3600  # how long discovery documents are cached
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
TRY_AGAIN = "Go back to the sign-in page and try again."


class SsoFailure(Exception):
    """A refused sign-in: `reason` goes to the audit log, `message` to the person."""

    def __init__(self, reason: str, message: str, *, advice: str = TRY_AGAIN, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.message, self.advice, self.detail = reason, message, advice, detail


def _timeout() -> float:
    return float(current_app.config.get("SSO_HTTP_TIMEOUT", 5))


def _unavailable(provider: SsoProvider, exc: Exception) -> SsoFailure:
    return SsoFailure(
        "provider_unavailable",
        f"{provider.name} did not answer in time, so you could not be signed in.",
        advice="Try again in a few minutes. If it keeps happening, tell your IT service desk.",
        detail=type(exc).__name__,
    )


def _get_json(provider: SsoProvider, url: str, **kwargs: Any) -> dict:
    try:
        response = requests.get(url, timeout=_timeout(), **kwargs)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise _unavailable(provider, exc) from exc
    if not isinstance(data, dict):
        raise _unavailable(provider, ValueError("not a JSON object"))
    return data


# -- discovery and keys (cached per worker; a key the cache does not know makes it fetch the keys again) --------


def _cache() -> dict[str, dict[str, Any]]:
    return current_app.extensions.setdefault("equiptrain.sso_metadata", {})


def metadata(provider: SsoProvider) -> dict:
    """The provider's discovery document, whose `issuer` must be exactly the one configured."""
    entry = _cache().get(provider.issuer)
    if entry and time.monotonic() - entry["at"] < METADATA_SECONDS:
        return entry["metadata"]
    doc = _get_json(provider, provider.issuer.rstrip("/") + "/.well-known/openid-configuration")
    if doc.get("issuer") != provider.issuer:
        raise SsoFailure(
            "discovery_issuer",
            f"{provider.name} describes itself as a different issuer from the one configured here.",
            advice="Tell your training administrator: the provider's issuer address needs correcting.",
            detail=str(doc.get("issuer"))[:200],
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(key), str):
            raise _unavailable(provider, ValueError(f"discovery lacks {key}"))
    _cache()[provider.issuer] = {"at": time.monotonic(), "metadata": doc, "jwks": None, "jwks_at": 0.0}
    return doc


def _key_set(provider: SsoProvider, *, refresh: bool = False) -> KeySet:
    meta = metadata(provider)
    entry = _cache()[provider.issuer]
    min_refresh = float(current_app.config.get("SSO_JWKS_MIN_REFRESH_SECONDS", 30))
    stale = refresh and time.monotonic() - entry["jwks_at"] >= min_refresh
    if entry["jwks"] is None or stale:
        data = _get_json(provider, meta["jwks_uri"])
        keys = [k for k in data.get("keys", []) if isinstance(k, dict) and k.get("kty") in ("RSA", "EC")]
        try:
            entry["jwks"] = KeySet.import_key_set({"keys": keys})
        except (JoseError, ValueError, TypeError) as exc:
            raise _unavailable(provider, exc) from exc
        entry["jwks_at"] = time.monotonic()
    return entry["jwks"]


def _signing_key(provider: SsoProvider, kid: str | None):
    """The provider's key a token names; on an unknown `kid` the keys are fetched again once (key rotation)."""
    for refresh in (False, True):
        keys = _key_set(provider, refresh=refresh)
        if kid is None:
            if len(keys.keys) == 1:
                return keys.keys[0]
        else:
            for key in keys.keys:
                if key.kid == kid:
                    return key
    raise SsoFailure(
        "id_token_kid",
        f"The sign-in answer from {provider.name} was signed with a key it does not publish.",
        detail=str(kid)[:100],
    )


# -- the authorisation request and the code exchange -------------------------------------------------------------


def new_request_secrets() -> dict[str, str]:
    return {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(48),
    }


def _session(provider: SsoProvider, redirect_uri: str) -> OAuth2Session:
    if provider.auth_method == "private_key_jwt":
        key = load_private_key(provider)
        session = OAuth2Session(
            provider.client_id,
            key,
            token_endpoint_auth_method="private_key_jwt",
            redirect_uri=redirect_uri,
            scope="openid email profile",
            code_challenge_method="S256",
        )
        token_endpoint = metadata(provider)["token_endpoint"]
        session.register_client_auth_method(PrivateKeyJWT(token_endpoint, headers={"kid": key.kid}, alg="RS256"))
        return session
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        token_endpoint_auth_method=provider.auth_method,
        redirect_uri=redirect_uri,
        scope="openid email profile",
        code_challenge_method="S256",
    )


def authorization_url(provider: SsoProvider, redirect_uri: str, request_secrets: dict[str, str]) -> str:
    session = OAuth2Session(
        provider.client_id, redirect_uri=redirect_uri, scope="openid email profile", code_challenge_method="S256"
    )
    url, _state = session.create_authorization_url(
        metadata(provider)["authorization_endpoint"],
        state=request_secrets["state"],
        code_verifier=request_secrets["verifier"],
        nonce=request_secrets["nonce"],
    )
    return url


def exchange_code(provider: SsoProvider, code: str, verifier: str, redirect_uri: str) -> dict:
    """Swap the code for tokens (the provider refuses a code used before, or a verifier that does not match)."""
    session = _session(provider, redirect_uri)
    try:
        token = session.fetch_token(
            metadata(provider)["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=verifier,
            timeout=_timeout(),
        )
    except OAuthError as exc:
        raise SsoFailure(
            "token_refused",
            f"{provider.name} would not confirm this sign-in (the sign-in link may have been used already).",
            detail=str(exc.error)[:100],
        ) from exc
    except (requests.RequestException, ValueError) as exc:
        raise _unavailable(provider, exc) from exc
    finally:
        session.close()
    if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
        raise SsoFailure("no_id_token", f"{provider.name} did not say who you are (no ID token).")
    return dict(token)


def userinfo(provider: SsoProvider, access_token: str, subject: str) -> dict:
    """The userinfo claims, when the ID token lacks the email (CIS2 puts most claims here)."""
    endpoint = metadata(provider).get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    data = _get_json(provider, endpoint, headers={"Authorization": f"Bearer {access_token}"})
    return data if data.get("sub") == subject else {}


# -- token checks ----------------------------------------------------------------------------------------------


def _bad(reason: str, provider: SsoProvider, what: str, detail: str = "") -> SsoFailure:
    return SsoFailure(reason, f"The sign-in answer from {provider.name} could not be trusted: {what}.", detail=detail)


def _decode(provider: SsoProvider, token: str) -> tuple[dict, dict]:
    """Header and claims of a compact JWS signed by one of the provider's keys with an allowed algorithm."""
    try:
        header = extract_compact(token.encode()).headers()
    except (JoseError, ValueError, TypeError) as exc:
        raise _bad("id_token_malformed", provider, "it is not a signed token", type(exc).__name__) from exc
    alg = header.get("alg")
    allowed = [
        a for a in ALGORITHMS if a in metadata(provider).get("id_token_signing_alg_values_supported", ALGORITHMS)
    ]
    if alg not in allowed:
        raise _bad("id_token_alg", provider, "it was signed with an algorithm that is not allowed", str(alg)[:20])
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    for attempt in (1, 2):
        key = _signing_key(provider, kid)
        try:
            decoded = jwt.decode(token, key, algorithms=[alg])
        except (JoseError, ValueError) as exc:
            # A provider may re-use a kid for a new key: fetch its keys again once before refusing.
            if attempt == 1 and _key_set(provider, refresh=True) is not None:
                continue
            raise _bad("id_token_signature", provider, "its signature does not match", type(exc).__name__) from exc
        return header, dict(decoded.claims)
    raise AssertionError("unreachable")


def _check_times(provider: SsoProvider, claims: dict, *, prefix: str = "id_token") -> None:
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(iat, (int, float)):
        raise _bad(f"{prefix}_iat", provider, "it does not say when it was issued")
    if iat > now + CLOCK_SKEW:
        raise _bad(f"{prefix}_future", provider, "it was issued in the future (check the server clocks)")
    if iat < now - MAX_TOKEN_AGE - CLOCK_SKEW:
        raise _bad(f"{prefix}_expired", provider, "it is too old")
    if prefix == "id_token" and not isinstance(exp, (int, float)):
        raise _bad(f"{prefix}_exp", provider, "it does not say when it expires")
    if isinstance(exp, (int, float)) and exp < now - CLOCK_SKEW:
        raise _bad(f"{prefix}_expired", provider, "it has expired")


def _check_audience(provider: SsoProvider, claims: dict, prefix: str) -> None:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if provider.client_id not in audiences:
        raise _bad(f"{prefix}_aud", provider, "it was meant for another service", str(aud)[:100])
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise _bad(f"{prefix}_azp", provider, "it was meant for another service", str(claims.get("azp"))[:100])


def verify_id_token(provider: SsoProvider, token: str, nonce: str) -> dict:
    """The ID token's claims once its signature, issuer, audience, times and nonce are all right."""
    _header, claims = _decode(provider, token)
    if claims.get("iss") != provider.issuer:
        raise _bad("id_token_iss", provider, "it came from another issuer", str(claims.get("iss"))[:200])
    _check_audience(provider, claims, "id_token")
    _check_times(provider, claims)
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise _bad("id_token_nonce", provider, "it answers a different sign-in request")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise _bad("id_token_sub", provider, "it does not say who you are")
    return claims


def verify_logout_token(provider: SsoProvider, token: str) -> dict:
    """A back-channel logout token's claims (OpenID Connect Back-Channel Logout 1.0, section 2.6)."""
    _header, claims = _decode(provider, token)
    if claims.get("iss") != provider.issuer:
        raise _bad("logout_token_iss", provider, "it came from another issuer")
    _check_audience(provider, claims, "logout_token")
    _check_times(provider, claims, prefix="logout_token")
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise _bad("logout_token_event", provider, "it is not a logout event")
    if "nonce" in claims:
        raise _bad("logout_token_nonce", provider, "it carries a nonce")
    if not isinstance(claims.get("sub"), str) and not isinstance(claims.get("sid"), str):
        raise _bad("logout_token_subject", provider, "it names neither a person nor a session")
    return claims


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, to find which provider's keys must verify it (nothing is trusted yet)."""
    try:
        value = json.loads(extract_compact(token.encode()).payload).get("iss")
    except (JoseError, ValueError, TypeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def end_session_url(provider: SsoProvider, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout), if it offers it."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except SsoFailure:
        return None
    if not isinstance(endpoint, str):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": provider.client_id,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# -- the private key for private_key_jwt: a file in the instance folder, mode 0600 --------------------------------


def key_folder() -> Path:
    return Path(current_app.instance_path) / "sso_keys"


def save_private_key(pem: bytes) -> tuple[str, RSAKey]:
    """Keep a PEM private key in the instance folder (mode 0600); returns its file name and the key."""
    try:
        key = RSAKey.import_key(pem)
    except (JoseError, ValueError, TypeError) as exc:
        raise ValueError("This is not an RSA private key in PEM format.") from exc
    if not key.is_private:
        raise ValueError("This is a public key: give the private key (the provider is given the public one).")
    folder = key_folder()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    name = f"{secrets.token_hex(8)}.pem"
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.as_pem(private=True))
    return name, key


def generate_private_key() -> tuple[str, RSAKey]:
    key = RSAKey.generate_key(2048, private=True)
    return save_private_key(key.as_pem(private=True))


def load_private_key(provider: SsoProvider) -> RSAKey:
    if not provider.key_file:
        raise SsoFailure("key_missing", "This provider's private key is missing.", advice="Tell your administrator.")
    try:
        pem = (key_folder() / Path(provider.key_file).name).read_bytes()
        key = RSAKey.import_key(pem)
    except (OSError, JoseError, ValueError) as exc:
        raise SsoFailure(
            "key_missing",
            f"EquipTrain's private key for {provider.name} cannot be read.",
            advice="Tell your training administrator: the key file in the instance folder needs restoring.",
        ) from exc
    key.ensure_kid()
    return key


def public_jwks(provider: SsoProvider) -> dict:
    """The public half of the provider's key, as the JWKS to register with the provider."""
    key = load_private_key(provider)
    return {"keys": [{**key.as_dict(private=False), "use": "sig", "alg": "RS256"}]}


def delete_private_key(provider: SsoProvider) -> None:
    if provider.key_file:
        (key_folder() / Path(provider.key_file).name).unlink(missing_ok=True)
