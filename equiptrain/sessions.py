"""Flask's signed-cookie sessions, with each distinct cookie verified once per worker.

A browser sends the same session cookie with every request until the session changes. Checking its signature
and decoding it is the same work each time with the same answer, so a worker keeps the answer for cookies it
has already verified; only the expiry, which does depend on when, is checked again on every request.
"""
from __future__ import annotations

import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Values copied into a fresh session dict can be shared between requests only if nothing can change them in
# place (a flash message list can), so only sessions holding these types are remembered.
_IMMUTABLE = (str, int, float, bool, type(None))
MAX_REMEMBERED = 4096


class RememberingSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified: dict[str, tuple[dict, float]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        remembered = self._verified.get(value)
        if remembered is not None:
            data, signed_at = remembered
            if time.time() - signed_at > max_age:
                self._verified.pop(value, None)
                return self.session_class()
            return self.session_class(data)
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(v) in _IMMUTABLE for v in data.values()):
            if len(self._verified) >= MAX_REMEMBERED:
                self._verified.clear()
            self._verified[value] = (dict(data), signed.timestamp())
        return self.session_class(data)
