"""HTML compressed only where it is safe from BREACH.

BREACH recovers a secret from a compressed HTTPS response when the same response also carries text the attacker
chose: each guess that matches the secret compresses a little better. So a page is compressed only when

- it reflects nothing from the request: a GET without a query string, answered 200 (a re-rendered form after a
  POST, a search, an error echoing input are never compressed), and
- its CSRF token is masked afresh in this response: each occurrence of the session's token is replaced by a
  random pad and the token XOR the pad (as Django and Rails do), so the bytes of the token never repeat from
  one response to the next and there is nothing stable to guess. The CSRF check unmasks what is posted back.

Static files are precompressed separately (`static_build`).
"""

from __future__ import annotations

import base64
import gzip
import os

import brotli
from flask import Flask, g, request
from flask_wtf import CSRFProtect

MASK_PREFIX = "m1."
MIN_BYTES = 1024


def mask(token: str) -> str:
    """`token` under a fresh one-time pad: a different string each time, unmasked by `unmask`."""
    raw = token.encode()
    pad = os.urandom(len(raw))
    masked = bytes(a ^ b for a, b in zip(raw, pad, strict=True))
    return MASK_PREFIX + base64.urlsafe_b64encode(pad + masked).decode().rstrip("=")


def unmask(value: str | None) -> str | None:
    """The token a masked value carries (a value that is not masked is returned as it is)."""
    if not value or not value.startswith(MASK_PREFIX):
        return value
    data = value.removeprefix(MASK_PREFIX)
    try:
        both = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except ValueError:
        return ""
    if not both or len(both) % 2:
        return ""
    half = len(both) // 2
    try:
        return bytes(a ^ b for a, b in zip(both[:half], both[half:], strict=True)).decode()
    except UnicodeDecodeError:
        return ""


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, accepting the token masked (see the module's docstring) or plain."""

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


def _encoding() -> str | None:
    accepted = request.accept_encodings
    if accepted["br"]:
        return "br"
    if accepted["gzip"]:
        return "gzip"
    return None


def _masked(body: bytes) -> bytes:
    token = g.get("csrf_token")
    if not token:
        return body
    parts = body.split(token.encode())
    out = [parts[0]]
    for part in parts[1:]:
        out += [mask(token).encode(), part]
    return b"".join(out)


def compress_html(response):
    if (
        request.method != "GET"
        or request.query_string
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    encoding = _encoding()
    response.vary.add("Accept-Encoding")
    body = response.get_data()
    if encoding is None or len(body) < MIN_BYTES:
        return response
    body = _masked(body)
    data = brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, compresslevel=6, mtime=0)
    response.set_data(data)
    response.headers["Content-Encoding"] = encoding
    return response


def init_app(app: Flask) -> None:
    # Registered first, so it runs last of the after-request functions (Flask runs them in reverse order): the body
    # is final by then.
    app.after_request_funcs.setdefault(None, []).insert(0, compress_html)
