"""Guests: the lookup `authz` asks for the workshops a guest was invited to (each feature allow-lists its own
guest pages in its policy.py)."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.accounts.models import GuestAccess
from equiptrain.authz import guest_lookup
from equiptrain.extensions import db


@guest_lookup
def invited_workshop_ids(user) -> set[int]:
    return set(db.session.scalars(select(GuestAccess.workshop_id).where(GuestAccess.user_id == user.id)))
