"""The page furniture: navigation, the header and footer (rendered once from the NHS.UK macros and cached),
versioned static URLs, URLs built once and remembered, and the panels each feature adds to a person's home
page."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from equiptrain.authz import ROLE_CHECKS


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    order: int


_NAV: dict[str, NavItem] = {}
# Home page panels: (order, function(user) -> rendered HTML or None, roles whose home page it leads)
_HOME_PANELS: dict[str, tuple[int, Callable, tuple[str, ...]]] = {}


def add_nav(label: str, endpoint: str, roles: tuple[str, ...] = ("learner",), order: int = 50) -> None:
    """Add a link to the main navigation for people holding any of `roles`."""
    _NAV[endpoint] = NavItem(label, endpoint, roles, order)


def add_home_panel(key: str, render: Callable, order: int = 50, leads_for: tuple[str, ...] = ()) -> None:
    """Add a panel to the home page: `render(user)` returns HTML, or None to show nothing. For people holding
    one of `leads_for` (roles), the panel comes before the panels that do not lead for them."""
    _HOME_PANELS[key] = (order, render, leads_for)


def home_panels(user) -> list[Markup]:
    roles = set(_roles_of(user))
    panels = []
    for _, render, _ in sorted(_HOME_PANELS.values(), key=lambda p: (not roles & set(p[2]), p[0])):
        html = render(user)
        if html:
            panels.append(Markup(html))
    return panels


def _roles_of(user) -> tuple[str, ...]:
    return tuple(r for r, check in ROLE_CHECKS.items() if check(user))


CSRF_MARK = "<!--csrf-->"

# Most entries a per-worker memo below holds before it starts again.
_MAX_REMEMBERED = 10_000

# Signed CSRF tokens, by the session's raw token. Flask-WTF signs the raw token afresh on every page; with
# WTF_CSRF_TIME_LIMIT off the signature's timestamp is never checked, so one signed token per session serves
# every page that session sees.
_CSRF = "equiptrain.csrf"


def csrf_token() -> str:
    """The CSRF token for this session's forms (Flask-WTF's `generate_csrf`, remembered per worker)."""
    raw = session.get("csrf_token")
    if current_app.config["WTF_CSRF_TIME_LIMIT"] is not None or not isinstance(raw, str):
        return generate_csrf()
    signed = g.get("csrf_token")
    if signed is None:
        cache = current_app.extensions[_CSRF]
        signed = cache.get(raw)
        if signed is None:
            signed = generate_csrf()
            if len(cache) >= _MAX_REMEMBERED:
                cache.clear()
            cache[raw] = signed
        g.csrf_token = signed
    return signed


# Built URLs, by (script root, host, endpoint, arguments). A URL depends only on these once the URL map is
# fixed, and building one through Werkzeug costs more than a cached page fragment, so a page that links to the
# same places on every request builds each link once per worker.
_URLS = "equiptrain.urls"


def url(endpoint: str, **values) -> str:
    """`url_for` for a path inside the site, remembered per worker. Anything unusual (no request, a
    blueprint-relative endpoint, `_external`, `_anchor` and the like, a value that is not a plain string or
    number) goes straight to `url_for`."""
    if (not has_request_context() or endpoint.startswith(".")
            or any(k.startswith("_") or type(v) not in (str, int) for k, v in values.items())):
        return url_for(endpoint, **values)
    cache = current_app.extensions[_URLS]
    key = (request.script_root, request.host, endpoint, *sorted(values.items()))
    built = cache.get(key)
    if built is None:
        built = url_for(endpoint, **values)
        if len(cache) >= _MAX_REMEMBERED:
            cache.clear()
        cache[key] = built
    return built


@lru_cache(maxsize=64)
def _nav_links(_script_root: str, roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The navigation for people holding `roles`: (label, path) in order."""
    items = sorted((i for i in _NAV.values() if set(i.roles) & set(roles)), key=lambda i: i.order)
    return tuple((item.label, url(item.endpoint)) for item in items)


def _header_html(app_name: str, nav: tuple[tuple[str, str, bool], ...], account: tuple[tuple[str, str], ...],
                 sign_out: str | None) -> str:
    items = [{"href": href, "text": label, "current": current} for label, href, current in nav]
    account_items = [{"href": href, "text": text, "icon": i == 0} for i, (text, href) in enumerate(account)]
    if sign_out:
        account_items.append({"action": sign_out, "text": "Sign out"})
    html = render_template("layout/header.html", service_name=app_name, nav_items=items,
                           account_items=account_items)
    # The sign-out form needs this session's CSRF token, added per request to the cached markup.
    return html.replace('novalidate>', 'novalidate>' + CSRF_MARK, 1)


@lru_cache(maxsize=4096)
def _signed_in_header(app_name: str, script_root: str, roles: tuple[str, ...], name: str, current: str | None) -> str:
    """The header for a person with these roles and name, on a page under the `current` navigation link."""
    links = tuple((label, href, href == current) for label, href in _nav_links(script_root, roles))
    return _header_html(app_name, links, ((name, url("accounts.my_account")),), url("accounts.sign_out"))


@lru_cache(maxsize=16)
def _signed_out_header(app_name: str, script_root: str) -> str:
    return _header_html(app_name, (), (("Sign in", url("accounts.sign_in")),), None)


def header() -> Markup:
    """The NHS.UK header for this person: built from the macros once per distinct header, then reused."""
    user = current_user._get_current_object()
    app_name, script_root = current_app.config["ORGANISATION_NAME"], request.script_root
    if not user.is_authenticated:
        return Markup(_signed_out_header(app_name, script_root))
    roles = _roles_of(user)
    path = request.path
    current = next((href for _, href in _nav_links(script_root, roles)
                    if path == href or (href != "/" and path.startswith(href + "/"))), None)
    html = _signed_in_header(app_name, script_root, roles, user.name, current)
    return Markup(html.replace(CSRF_MARK, f'<input type="hidden" name="csrf_token" value="{csrf_token()}">'))


@lru_cache(maxsize=4)
def _footer_html(_app_name: str) -> str:
    return render_template("layout/footer.html")


def footer() -> Markup:
    return Markup(_footer_html(current_app.config["ORGANISATION_NAME"]))


@lru_cache(maxsize=256)
def _file_version(folder: str, filename: str) -> str:
    try:
        return hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(filename: str) -> str:
    """Our static files, with a content hash so they can be cached for a year."""
    return url("static", filename=filename, v=_file_version(current_app.static_folder, filename))


def init_app(app: Flask) -> None:
    app.extensions[_URLS] = {}
    app.extensions[_CSRF] = {}
    app.jinja_env.globals.update(layout_header=header, layout_footer=footer, static_url=static_url, url_for=url,
                                 csrf_token=csrf_token)
    # The versioned file names of the installed NHS.UK frontend (they change when the package is upgraded).
    frontend = Path(app.config["NHSUK_FRONTEND_DIR"])
    css = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.css"))
    js = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.js"))
    if not css or not js:
        app.logger.warning("NHS.UK frontend not found in %s: run `npm install` (see README)", frontend)
    app.jinja_env.globals["nhsuk_css"] = css[-1].name if css else "nhsuk-frontend.min.css"
    app.jinja_env.globals["nhsuk_js"] = js[-1].name if js else "nhsuk-frontend.min.js"
