"""The security headers every response carries: the pages (added after each request) and the static files
WhiteNoise serves before Flask sees the request (a stylesheet framed or sniffed is as much a risk as a page)."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(production: bool) -> list[tuple[str, str]]:
    """The headers, in the order they are sent; HSTS only in production (a developer's plain-HTTP site would
    otherwise be unreachable by name for a year)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if production:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers
