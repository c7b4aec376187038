"""Who may do what. Route-level role checks, and the one helper that loads an object and checks access."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from equiptrain.extensions import db

T = TypeVar("T")

# The roles a route can ask for. A person can hold several.
ROLE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "learner": lambda u: True,  # anyone signed in
    "trainer": lambda u: u.is_trainer,
    "manager": lambda u: u.is_manager,
    "admin": lambda u: u.is_admin,
    "programme_lead": lambda u: u.is_programme_lead,
    "platform_admin": lambda u: u.is_platform_admin,
}


def roles_required(*roles: str):
    """Signed in, and holding at least one of `roles`; otherwise sign-in redirect or 403."""
    unknown = set(roles) - set(ROLE_CHECKS)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(ROLE_CHECKS[r](current_user) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


# Object policies: one function per model class, answering whether `user` may do `action` to `obj`.
_POLICIES: dict[type, Callable[[Any, str, Any], bool]] = {}


def policy(model: type):
    """Register the access policy for a model class (used by `get_or_abort` and `can`)."""
    def register(fn):
        _POLICIES[model] = fn
        return fn
    return register


def can(user, action: str, obj) -> bool:
    if user is None or not user.is_authenticated:
        return False
    for cls in type(obj).__mro__:
        if cls in _POLICIES:
            return _POLICIES[cls](user, action, obj)
    raise LookupError(f"no access policy for {type(obj).__name__}")


def get_or_abort(model: type[T], ident, action: str = "view", user=None) -> T:
    """Load `model` by id: 404 if there is none, 403 if the user may not do `action` to it."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if not can(user or current_user, action, obj):
        abort(403)
    return obj
