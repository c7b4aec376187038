"""Who may do what. Route-level role checks, and the one helper that loads an object and checks access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from equiptrain.accounts.models import GuestAccess
from equiptrain.extensions import db

T = TypeVar("T")

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
# A guest's account opens only the pages below. Every other endpoint, including every route added in future, is
# closed to guests by default. The value names the URL argument that must be one of the guest's own workshops
# (None: the page takes no workshop, or is open to anyone).
GUEST_PAGES: dict[str, str | None] = {
    # their workshop: the invitation and reply, the calendar file, their role brief in a round, feedback
    "workshops.detail": "workshop_id",
    "workshops.reply": "workshop_id",
    "workshops.ics": "workshop_id",
    "workshops.my_role": "workshop_id",
    "workshops.brief": "workshop_id",
    "workshops.observe": "workshop_id",
    "workshops.feedback": "workshop_id",
    "guests.attendance_certificate": "workshop_id",  # their certificate of attendance, once signed off
    "workshops.check_in": None,  # the service checks the code belongs to a workshop they are invited to
    # their own account, signing in and out, and the public pages
    "accounts.home": None,
    "accounts.my_account": None,
    "accounts.sign_in": None,
    "accounts.sign_out": None,
    "accounts.request_reset": None,
    "accounts.set_password": None,
    "accounts.about": None,
    "accounts.accessibility": None,
    "accounts.privacy": None,
    # anyone may verify a certificate or fetch its Open Badges documents
    "certificates.lookup": None,
    "certificates.verify": None,
    "certificates.assertion": None,
    "certificates.credential": None,
    "certificates.issuer": None,
    "certificates.badge_class": None,
    "certificates.badge_image": None,
    "certificates.jwks": None,
    "certificates.key": None,
    "certificates.revocations": None,
    "certificates.status_list": None,
    # single sign-on's public pages: the page after signing out at the provider, the key it checks us with
    "sso.signed_out": None,
    "sso.provider_jwks": None,
    "measure_public.respond": None,  # the involvement measure's public questionnaire (anyone, no account)
    "measure_public.thanks": None,
    "static": None,
    "assets.nhsuk_asset": None,
    "assets.nhsuk_vendor": None,
}


def guest_workshop_ids(user) -> set[int]:
    """The workshops a guest was invited to (empty for everyone else); one query, once per request."""
    if not user.is_authenticated or not user.is_guest:
        return set()
    cached = g.get("_guest_workshop_ids")
    if cached is None or cached[0] != user.id:
        ids = set(db.session.scalars(select(GuestAccess.workshop_id).where(GuestAccess.user_id == user.id)))
        g._guest_workshop_ids = cached = (user.id, ids)
    return cached[1]


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


def get_or_abort(model: type[T], ident, action: str = "view", user=None, hide: bool = False) -> T:
    """Load `model` by id: 404 if there is none, 403 if the user may not do `action` to it; 404 for a private
    model or with `hide` (things whose existence is itself private, such as someone else's attempt), so that
    someone else's row and a missing one look the same."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if not can(user or current_user, action, obj):
        abort(404 if hide or is_private(model) else 403)
    return obj
