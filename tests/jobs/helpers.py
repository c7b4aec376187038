"""Rows the route walk needs for the job pages."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain import mail
from equiptrain.extensions import db
from equiptrain.jobs.models import OutboxItem


def jobs_access_world(world: dict) -> dict:
    """One email in the outbox (the jobs page's retry)."""
    mail.send(world["learner"].email, "Route walk", "A message for the route walk.")
    db.session.commit()
    item = db.session.scalar(select(OutboxItem).order_by(OutboxItem.id.desc()).limit(1))
    return {"outbox_item": item}
