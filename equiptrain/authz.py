"""Who may do what: route-level role checks, the guests' allow-list, and the one registry of object rules keyed by
(model, action), with `get_or_abort` and `can` to ask it.

This module imports no feature. Each feature states its rules in its own `<feature>/policy.py`:

    @policy(Team, "audit")
    def may_audit(user, team) -> bool: ...

    @scope(Team)
    def team_scope(user, team) -> bool: ...   # may the person know that this team exists?

`get_or_abort` answers 404 for a missing row and for one outside the person's scope (another organisation's team,
someone else's reflective entry), and 403 only for a row the person may know of but not act on, so an id never
reveals that something exists. The guests feature registers the lookup of a guest's workshops, and each feature
the pages a guest may open (`allow_guests`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user, login_required

from equiptrain.extensions import db

T = TypeVar("T")
Rule = Callable[[Any, Any], bool]

# The roles a route can ask for. A person can hold several; a guest holds only "guest".
ROLE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "learner": lambda u: not u.is_guest,  # anyone signed in, except guests
    "trainer": lambda u: u.is_trainer,
    "manager": lambda u: u.is_manager,
    "admin": lambda u: u.is_admin,
    "programme_lead": lambda u: u.is_programme_lead,
    "platform_admin": lambda u: u.is_platform_admin,
    "guest": lambda u: u.is_guest,
}

# -- guests --------------------------------------------------------------------------------------------------------
# A guest's account opens only the pages features allow-list here. Every other endpoint, including every route added
# in future, is closed to guests by default. The value names the URL argument that must be one of the guest's own
# workshops (None: the page takes no workshop, or is open to anyone).
GUEST_PAGES: dict[str, str | None] = {"static": None}
_guest_lookup: list[Callable[[Any], set[int]]] = []


def allow_guests(pages: dict[str, str | None]) -> None:
    """A feature opens these endpoints to guests (see GUEST_PAGES)."""
    GUEST_PAGES.update(pages)


def guest_lookup(fn: Callable[[Any], set[int]]) -> Callable[[Any], set[int]]:
    """Register the function that lists a guest's workshop ids (the guests feature does, once)."""
    _guest_lookup[:] = [fn]
    return fn


def guest_workshop_ids(user) -> set[int]:
    """The workshops a guest was invited to (empty for everyone else); one query, once per request."""
    if not user.is_authenticated or not user.is_guest or not _guest_lookup:
        return set()
    cached = g.get("_guest_workshop_ids")
    if cached is None or cached[0] != user.id:
        g._guest_workshop_ids = cached = (user.id, _guest_lookup[0](user))
    return cached[1]


def forget_guest_workshops() -> None:
    """Drop the per-request list (after a guest's invitations changed in this request)."""
    g.pop("_guest_workshop_ids", None)


def guest_may_open(user, endpoint: str | None, view_args: dict | None) -> bool:
    """Whether a guest may open this endpoint with these URL arguments."""
    if endpoint not in GUEST_PAGES:
        return False
    arg = GUEST_PAGES[endpoint]
    return arg is None or (view_args or {}).get(arg) in guest_workshop_ids(user)


def guard_guests():
    """Before every request: a guest reaches only the allow-listed pages of their own workshops (403 otherwise),
    and their home page is their workshop."""
    if request.endpoint is None or not current_user.is_authenticated or not current_user.is_guest:
        return None
    if request.endpoint == "accounts.home":
        ids = sorted(guest_workshop_ids(current_user))
        return redirect(url_for("workshops.detail", workshop_id=ids[-1])) if ids else abort(403)
    if not guest_may_open(current_user, request.endpoint, request.view_args):
        abort(403, "Your guest account opens only the workshop you were invited to.")
    return None


def init_app(app) -> None:
    app.before_request(guard_guests)


def roles_required(*roles: str):
    """Signed in, and holding at least one of `roles`; otherwise sign-in redirect or 403."""
    unknown = set(roles) - set(ROLE_CHECKS)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.is_guest:
                # A guest holds no other role: only the guest pages (checked by `guard_guests`) let them in.
                if not guest_may_open(current_user, request.endpoint, request.view_args):
                    abort(403)
            elif not any(ROLE_CHECKS[r](current_user) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


# -- object rules --------------------------------------------------------------------------------------------------
_RULES: dict[tuple[type, str], Rule] = {}
_REFUSALS: dict[tuple[type, str], str] = {}
# Who may know that a row exists at all; a model without a scope is known to anyone its rules let in or refuse.
_SCOPES: dict[type, Rule] = {}
# Models whose rows belong to one person (a reflective entry, a CPD record, an attempt, a certificate): to anyone
# the rules refuse, such a row answers exactly as a missing one does.
_PRIVATE: set[type] = set()


def policy(model: type, *actions: str, refusal: str | None = None):
    """Register `fn(user, obj) -> bool` as the rule for each of `actions` on `model` (and its subclasses);
    `refusal` is what the 403 page says to someone the rule refuses."""
    if not actions:
        raise ValueError("name at least one action")

    def register(fn: Rule) -> Rule:
        for action in actions:
            if (model, action) in _RULES:
                raise ValueError(f"two rules for ({model.__name__}, {action!r})")
            _RULES[(model, action)] = fn
            if refusal:
                _REFUSALS[(model, action)] = refusal
        return fn

    return register


def scope(model: type):
    """Register `fn(user, obj) -> bool`: whether the person may know the row exists. Outside it, every action is
    refused and `get_or_abort` answers 404, exactly as for a missing row."""

    def register(fn: Rule) -> Rule:
        _SCOPES[model] = fn
        return fn

    return register


def private(model: type) -> None:
    """Mark `model`'s rows as private to the people its rules let in (see _PRIVATE)."""
    _PRIVATE.add(model)


def _lookup(table: dict, obj) -> Rule | None:
    for cls in type(obj).__mro__:
        found = table.get(cls)
        if found is not None:
            return found
    return None


def in_scope(user, obj) -> bool:
    rule = _lookup(_SCOPES, obj)
    return rule is None or rule(user, obj)


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` to `obj`; templates ask it too, before showing a link."""
    if user is None or not user.is_authenticated:
        return False
    for cls in type(obj).__mro__:
        rule = _RULES.get((cls, action))
        if rule is not None:
            return in_scope(user, obj) and rule(user, obj)
    raise LookupError(f"no rule for ({type(obj).__name__}, {action!r})")


def get_or_abort(model: type[T], ident, action: str = "view", user=None) -> T:
    """Load `model` by id: 404 if there is none or it is outside the person's scope, 403 if they may know of it but
    not do `action` to it."""
    user = user or current_user
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if not can(user, action, obj):
        known = user.is_authenticated and in_scope(user, obj) and not any(c in _PRIVATE for c in model.__mro__)
        if not known:
            abort(404)
        refusal = next((_REFUSALS[k] for c in model.__mro__ if (k := (c, action)) in _REFUSALS), None)
        abort(403, refusal) if refusal else abort(403)
    return obj
