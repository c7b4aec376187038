"""The main navigation and the home page's panels: each feature adds its own when its views are imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
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
_HOME_PANELS: dict[str, tuple[int, Callable, tuple[str, ...]]] = {}


def add_nav(label: str, endpoint: str, roles: tuple[str, ...] = ("learner",), order: int = 50) -> None:
    """Add a link to the main navigation for people holding any of `roles`."""
    _NAV[endpoint] = NavItem(label, endpoint, roles, order)


def add_home_panel(key: str, render: Callable, order: int = 50, leads_for: tuple[str, ...] = ()) -> None:
    """Add a panel to the home page: `render(user)` returns HTML, or None to show nothing. For people holding
    one of `leads_for` (roles), the panel comes before the panels that do not lead for them."""
    _HOME_PANELS[key] = (order, render, leads_for)


def home_panels(user) -> list[Markup]:
    roles = set(roles_of(user))
    panels = []
    for _, render, _leads in sorted(_HOME_PANELS.values(), key=lambda p: (not roles & set(p[2]), p[0])):
        html = render(user)
        if html:
            panels.append(Markup(html))
    return panels


def roles_of(user) -> tuple[str, ...]:
    return tuple(r for r, check in ROLE_CHECKS.items() if check(user))


def nav_links(roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The navigation for people holding `roles`: (label, path) in order."""
    items = sorted((i for i in _NAV.values() if set(i.roles) & set(roles)), key=lambda i: i.order)
    return tuple((item.label, url_for(item.endpoint)) for item in items)
