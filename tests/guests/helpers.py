"""Builders for guest tests: a guest invited through the service, with a password set."""

from __future__ import annotations

import itertools

from equiptrain.accounts import services as account_services
from equiptrain.extensions import db
from equiptrain.guests import services
from tests.builders import PASSWORD

_seq = itertools.count(1)


def make_guest(workshop, actor, *, role: str = "GP, Riverside Surgery", email: str | None = None):
    """A guest of `workshop`, invited by `actor` (a facilitator or an administrator), password set."""
    n = next(_seq)
    guest = services.invite_guest(
        actor, workshop, name=f"Guest {n}", email=email or f"guest{n}@surgery.example", role_description=role
    )
    account_services.set_password(guest, PASSWORD)
    db.session.commit()
    return guest


def access_world(build, world: dict) -> dict:
    """For tests/test_access.py: a guest of the world's workshop, invited by its trainer."""
    return {"guest": make_guest(world["workshop"], world["trainer"])}
