"""The header and footer. Each is rendered from the NHS.UK macros once per distinct version (signed out; signed
in with a given name, roles and current section) and kept per app in `app.extensions`; the entries depend only
on the navigation registry and the configuration, fixed once the app is built, so nothing invalidates them and
the cache is simply emptied when it reaches its size limit.

The sign-out form needs the session's CSRF token, which differs per person: the header template renders a
placeholder where the token goes, and the cached header is kept as the markup before and after it.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .nav import nav_links, roles_of

CSRF_PLACEHOLDER = "<!-- csrf token -->"
_CACHE = "equiptrain.layout"
MAX_ENTRIES = 4096


class LayoutCache:
    """Rendered headers and footers by what they depend on."""

    def __init__(self) -> None:
        self.entries: dict[tuple, object] = {}

    def get(self, key: tuple, build):
        found = self.entries.get(key)
        if found is None:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            found = self.entries[key] = build()
        return found


def _cache() -> LayoutCache:
    return current_app.extensions[_CACHE]


def _render_header(
    nav: tuple[tuple[str, str, bool], ...], account: tuple[tuple[str, str], ...], sign_out: str | None
) -> tuple[str, str]:
    html = render_template(
        "layout/header.html",
        service_name=current_app.config["ORGANISATION_NAME"],
        nav_items=[{"href": href, "text": label, "current": current} for label, href, current in nav],
        account_items=[{"href": href, "text": text, "icon": i == 0} for i, (text, href) in enumerate(account)],
        sign_out=sign_out,
        csrf_placeholder=Markup(CSRF_PLACEHOLDER),
    )
    before, _, after = html.partition(CSRF_PLACEHOLDER)
    return before, after


def header() -> Markup:
    """The NHS.UK header for this person, with this session's CSRF token in its sign-out form."""
    user = current_user._get_current_object()
    script_root = request.script_root
    if not user.is_authenticated:
        before, after = _cache().get(
            ("signed out", script_root), lambda: _render_header((), (("Sign in", url_for("accounts.sign_in")),), None)
        )
        return Markup(before + after)
    roles = roles_of(user)
    links = _cache().get(("nav", script_root, roles), lambda: nav_links(roles))
    path = request.path
    current = next((href for _, href in links if path == href or (href != "/" and path.startswith(href + "/"))), None)
    before, after = _cache().get(
        ("signed in", script_root, roles, user.name, current),
        lambda: _render_header(
            tuple((label, href, href == current) for label, href in links),
            ((user.name, url_for("accounts.my_account")),),
            url_for("accounts.sign_out"),
        ),
    )
    token = f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
    return Markup(before + token + after)


def footer() -> Markup:
    return Markup(_cache().get(("footer",), lambda: render_template("layout/footer.html")))


def init_app(app: Flask) -> None:
    app.extensions[_CACHE] = LayoutCache()
    app.jinja_env.globals.update(layout_header=header, layout_footer=footer)
