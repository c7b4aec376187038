"""One-time, expiring, signed links for invitations and password resets."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from equiptrain.accounts.models import User
from equiptrain.extensions import db

INVITE = "invite"
RESET = "reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="equiptrain.account-link")


def make_token(user: User, purpose: str) -> str:
    # The nonce changes when the password is set, so a link works once.
    return _serializer().dumps({"u": user.id, "p": purpose, "n": user.session_nonce})


def max_age(purpose: str) -> int:
    if purpose == INVITE:
        return int(current_app.config["INVITE_EXPIRY_DAYS"]) * 86400
    return int(current_app.config["RESET_EXPIRY_HOURS"]) * 3600


def read_token(token: str, purpose: str) -> tuple[User | None, str | None]:
    """The user a link is for, or None and the reason it cannot be used."""
    try:
        data = _serializer().loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        return None, "This link has expired."
    except BadSignature:
        return None, "This link is not valid. Check you copied the whole address from the email."
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("p") != purpose:
        return None, "This link is not valid. Check you copied the whole address from the email."
    if data.get("n") != user.session_nonce:
        return None, "This link has already been used."
    if not user.is_active:
        return None, "This account has been deactivated. Ask your administrator."
    return user, None
