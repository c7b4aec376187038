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
    description: str = ""
    leads_for: tuple[str, ...] = ()

    @property
    def administration(self) -> bool:
        """Only administrators see it: it is listed on the administration hub, not in the header."""
        return set(self.roles) <= ADMIN_ROLES


ADMIN_ROLES = {"admin", "platform_admin"}
# The role a person mostly comes for, first match wins: their header leads with that role's links.
PRECEDENCE = ("admin", "platform_admin", "programme_lead", "manager", "trainer", "learner")


_NAV: dict[str, NavItem] = {}
# Home page panels: (order, function(user) -> rendered HTML or None)
_HOME_PANELS: dict[str, tuple[int, Callable, tuple[str, ...]]] = {}


def add_nav(
    label: str,
    endpoint: str,
    roles: tuple[str, ...] = ("learner",),
    order: int = 50,
    *,
    description: str = "",
    leads_for: tuple[str, ...] = (),
) -> None:
    """Add a link to the main navigation for people holding any of `roles`. A link only administrators see goes on
    the administration hub (/admin/) with its `description`, not in the header; in the header, the links that
    lead for a person's main role (`leads_for`) come first."""
    _NAV[endpoint] = NavItem(label, endpoint, roles, order, description, leads_for)


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


def main_role(roles: tuple[str, ...]) -> str | None:
    return next((r for r in PRECEDENCE if r in roles), None)


def admin_links(roles: tuple[str, ...]) -> list[NavItem]:
    """The administration pages people holding `roles` may open, for the hub, in order."""
    return sorted((i for i in _NAV.values() if i.administration and set(i.roles) & set(roles)), key=lambda i: i.order)


def nav_links(roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The header's navigation for people holding `roles`: (label, path) in order. Administration first (one link
    to the hub) for administrators, then the links that lead for the person's main role, then the rest."""
    main = main_role(roles)
    items = [i for i in _NAV.values() if set(i.roles) & set(roles) and not i.administration]
    items.sort(key=lambda i: (main not in i.leads_for, i.order))
    links = [(item.label, url_for(item.endpoint)) for item in items]
    if admin_links(roles):
        links.insert(0, ("Administration", url_for("hub.index")))
    return tuple(links)
