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
# Models whose rows belong to one person (a reflective entry, a CPD record): to anyone else such a row answers
# exactly as a missing one does (404), so its id does not reveal that it exists.
_PRIVATE: set[type] = set()


def policy(model: type, *, private: bool = False):
    """Register the access policy for a model class (used by `get_or_abort` and `can`). With `private=True`,
    `get_or_abort` answers 404, not 403, to anyone the policy refuses."""
    def register(fn):
        _POLICIES[model] = fn
        if private:
            _PRIVATE.add(model)
        return fn
    return register


def can(user, action: str, obj) -> bool:
    if user is None or not user.is_authenticated:
        return False
    for cls in type(obj).__mro__:
        if cls in _POLICIES:
            return _POLICIES[cls](user, action, obj)
    raise LookupError(f"no access policy for {type(obj).__name__}")


def is_private(model: type) -> bool:
    return any(cls in _PRIVATE for cls in model.__mro__)


def get_or_abort(model: type[T], ident, action: str = "view", user=None) -> T:
    """Load `model` by id: 404 if there is none, 403 if the user may not do `action` to it (404 for a private
    model, so that someone else's row and a missing one look the same)."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if not can(user or current_user, action, obj):
        abort(404 if is_private(model) else 403)
    return obj
