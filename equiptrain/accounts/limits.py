"""The device cookie behind lockout-safe sign-in limits (OWASP's "device cookies").

A successful sign-in leaves a signed cookie naming the account (by a digest, not the address); a browser that
carries it is exempt from the account's all-addresses limit, so someone guessing a person's password from
elsewhere can slow new browsers down but never lock the person out of the ones they use.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

DEVICE_COOKIE = "equiptrain_device"
DEVICE_DAYS = 365
MAX_ACCOUNTS = 5  # a shared computer may be used by a few people


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="equiptrain.device")


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:20]


def _accounts(cookie: str | None) -> list[str]:
    if not cookie:
        return []
    try:
        value = _serializer().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []


def known_browser(cookie: str | None, email: str) -> bool:
    return bool(email) and _digest(email) in _accounts(cookie)


def remember_browser(response, email: str) -> None:
    """Add the account to this browser's device cookie (after a successful sign-in)."""
    from flask import request

    accounts = [a for a in _accounts(request.cookies.get(DEVICE_COOKIE)) if a != _digest(email)]
    accounts = [_digest(email), *accounts][:MAX_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(accounts),
        max_age=DEVICE_DAYS * 86400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
