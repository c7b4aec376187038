"""The page furniture: navigation, the header and footer (rendered once from the NHS.UK macros and cached),
versioned static URLs, and the panels each feature adds to a person's home page."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, render_template, request, url_for
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
# Home page panels: (order, function(user) -> rendered HTML or None)
_HOME_PANELS: dict[str, tuple[int, Callable]] = {}


def add_nav(label: str, endpoint: str, roles: tuple[str, ...] = ("learner",), order: int = 50) -> None:
    """Add a link to the main navigation for people holding any of `roles`."""
    _NAV[endpoint] = NavItem(label, endpoint, roles, order)


def add_home_panel(key: str, render: Callable, order: int = 50) -> None:
    """Add a panel to the home page: `render(user)` returns HTML, or None to show nothing."""
    _HOME_PANELS[key] = (order, render)


def home_panels(user) -> list[Markup]:
    panels = []
    for _, render in sorted(_HOME_PANELS.values(), key=lambda p: p[0]):
        html = render(user)
        if html:
            panels.append(Markup(html))
    return panels


def _roles_of(user) -> tuple[str, ...]:
    return tuple(r for r, check in ROLE_CHECKS.items() if check(user))


CSRF_MARK = "<!--csrf-->"


@lru_cache(maxsize=64)
def _nav_links(roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The navigation for people holding `roles`: (label, path) in order."""
    items = sorted((i for i in _NAV.values() if set(i.roles) & set(roles)), key=lambda i: i.order)
    return tuple((item.label, url_for(item.endpoint)) for item in items)


@lru_cache(maxsize=2048)
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


def header() -> Markup:
    """The NHS.UK header for this person: built from the macros once per distinct header, then reused."""
    user = current_user
    path = request.path
    if user.is_authenticated:
        links = tuple((label, href, path == href or (href != "/" and path.startswith(href + "/")))
                      for label, href in _nav_links(_roles_of(user)))
        account = ((user.name, url_for("accounts.my_account")),)
        html = _header_html(current_app.config["ORGANISATION_NAME"], links, account,
                            url_for("accounts.sign_out"))
        return Markup(html.replace(CSRF_MARK, f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'))
    return Markup(_header_html(current_app.config["ORGANISATION_NAME"], (), (("Sign in", url_for("accounts.sign_in")),),
                               None))


@lru_cache(maxsize=4)
def _footer_html(_app_name: str) -> str:
    return render_template("layout/footer.html")


def footer() -> Markup:
    return Markup(_footer_html(current_app.config["ORGANISATION_NAME"]))


@lru_cache(maxsize=256)
def _file_version(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(filename: str) -> str:
    """Our static files, with a content hash so they can be cached for a year."""
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_file_version(str(path)))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(layout_header=header, layout_footer=footer, static_url=static_url)
    # The versioned file names of the installed NHS.UK frontend (they change when the package is upgraded).
    frontend = Path(app.config["NHSUK_FRONTEND_DIR"])
    css = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.css"))
    js = sorted(frontend.glob("nhsuk-frontend-[0-9]*.min.js"))
    if not css or not js:
        app.logger.warning("NHS.UK frontend not found in %s: run `npm install` (see README)", frontend)
    app.jinja_env.globals["nhsuk_css"] = css[-1].name if css else "nhsuk-frontend.min.css"
    app.jinja_env.globals["nhsuk_js"] = js[-1].name if js else "nhsuk-frontend.min.js"
