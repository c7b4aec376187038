"""Rules for selection records and declared connections."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete, select

from equiptrain.accounts.models import Team, User
from equiptrain.accounts.services import administers
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers.models import DeclaredConnection, SelectionRecord

FIELDS = ("recruited_how", "references", "training", "support_agreed")


def retention_years() -> int:
    return int(current_app.config["TRAINER_SELECTION_RETENTION_YEARS"])


def may_see_selection(actor: User, trainer: User) -> bool:
    """Only the administrators of the trainer's own organisation (not platform administrators, not managers,
    not other trainers, not the trainer's co-facilitators)."""
    return bool(actor.is_org_admin and trainer.organisation_id and actor.organisation_id == trainer.organisation_id)


def _lived_experience(trainer: User) -> bool:
    return bool(trainer.trainer_profile and trainer.trainer_profile.kind.lived_experience)


def selection_record(trainer: User) -> SelectionRecord | None:
    return db.session.scalar(select(SelectionRecord).where(SelectionRecord.user_id == trainer.id))


def save_selection(actor: User, trainer: User, **values: str) -> SelectionRecord:
    """Create or update the record; `keep_until` moves to the retention period after today."""
    if not may_see_selection(actor, trainer):
        raise ServiceError("Only your organisation's administrators keep trainers' selection records.")
    if not _lived_experience(trainer):
        raise ServiceError("Selection records are kept for service-user and carer trainers only.")
    cleaned = {k: (values.get(k) or "").strip() for k in FIELDS}
    for key, text in cleaned.items():
        if not text:
            raise ServiceError("Fill in every part of the record (write 'none' where there is nothing).", key)
        if len(text) > 4000:
            raise ServiceError("Keep each part to 4,000 characters or fewer.", key)
    row = selection_record(trainer)
    today = utcnow().date()
    keep = dt.date(today.year + retention_years(), today.month, min(today.day, 28))
    if row is None:
        row = SelectionRecord(user_id=trainer.id, organisation_id=trainer.organisation_id, keep_until=keep, **cleaned)
        db.session.add(row)
    else:
        for key, text in cleaned.items():
            setattr(row, key, text)
        row.keep_until, row.updated_at = keep, utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    # The audit log names the event, never the record's contents.
    log_event("trainer.selection_saved", actor, trainer, organisation_id=trainer.organisation_id)
    return row


def purge_expired(today: dt.date | None = None) -> int:
    """Delete the records kept past their date; how many."""
    today = today or utcnow().date()
    result = db.session.execute(delete(SelectionRecord).where(SelectionRecord.keep_until < today))
    return int(getattr(result, "rowcount", 0) or 0)


def connections(trainer: User) -> list[DeclaredConnection]:
    return list(
        db.session.scalars(
            select(DeclaredConnection)
            .where(DeclaredConnection.trainer_id == trainer.id)
            .order_by(DeclaredConnection.id)
        )
    )


def declare(actor: User, team: Team) -> DeclaredConnection:
    """A trainer declares a current connection with a team of their organisation: only the fact is kept."""
    if not actor.is_trainer:
        raise ServiceError("Only trainers declare connections with teams.")
    if team.organisation_id != actor.organisation_id:
        raise ServiceError("Choose a team of your own organisation.", "team")
    row = db.session.scalar(
        select(DeclaredConnection).where(
            DeclaredConnection.trainer_id == actor.id, DeclaredConnection.team_id == team.id
        )
    )
    if row is None:
        row = DeclaredConnection(trainer_id=actor.id, team_id=team.id)
        db.session.add(row)
        db.session.flush()
        log_event("trainer.connection_declared", actor, team, organisation_id=team.organisation_id)
    return row


def withdraw(actor: User, connection: DeclaredConnection) -> None:
    if connection.trainer_id != actor.id and not administers(actor, connection.team.organisation_id):
        raise ServiceError("Only the trainer who declared it, or an administrator, can end a connection.")
    team = connection.team
    db.session.delete(connection)
    db.session.flush()
    log_event("trainer.connection_ended", actor, team, organisation_id=team.organisation_id)


def conflicts(trainer_ids: list[int], team_ids: list[int]) -> list[DeclaredConnection]:
    """The declared connections between these trainers and these teams (one query)."""
    if not trainer_ids or not team_ids:
        return []
    return list(
        db.session.scalars(
            select(DeclaredConnection).where(
                DeclaredConnection.trainer_id.in_(trainer_ids), DeclaredConnection.team_id.in_(team_ids)
            )
        )
    )


def register_schedule() -> None:
    """Selection records past their keeping date are deleted daily (`equiptrain trainers purge` does it by hand)."""
    from equiptrain.jobs import schedule

    schedule.register(
        "trainers.purge_selection", purge_expired, every="day", description="Delete selection records past their date"
    )
