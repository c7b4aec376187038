"""Programme-wide rules synced from programme.yaml, as the rest of the platform asks for them."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from equiptrain.content.models import Programme
from equiptrain.extensions import db


def supervision_sessions_required(programme: Programme | None = None) -> int:
    """How many team supervision sessions after the core count (for a certificate that asks for them, attended;
    for a team to count as trained, held): programme.yaml's `supervision.sessions_required`, where `all` (the
    default) means every session the platform plans (SUPERVISION_SESSIONS). Never more than are planned."""
    planned = int(current_app.config["SUPERVISION_SESSIONS"])
    if programme is None:
        programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    wanted = (programme.rules or {}).get("supervision_sessions") if programme is not None else None
    return planned if wanted is None else min(int(wanted), planned)
