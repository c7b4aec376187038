"""Rules for trainers' records: the role itself (given, changed, ended and given back, through
`accounts.roles`), prepared modules, train-the-trainers, selection records and declared connections."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete, select

from equiptrain.accounts.models import Team, User
from equiptrain.accounts.roles import TrainerRole
from equiptrain.accounts.services import administers
from equiptrain.auditlog.services import log_event
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers import queries
from equiptrain.trainers.models import (
    DeclaredConnection,
    SelectionRecord,
    TrainerKind,
    TrainerModule,
    TrainerProfile,
    TrainerTraining,
)

FIELDS = ("recruited_how", "references", "training", "support_agreed")

# -- the role ----------------------------------------------------------------------------------------------------


def kind_of(user: User) -> str | None:
    profile = user.trainer_profile
    return profile.kind.value if profile is not None else None


def set_trainer_kind(actor: User | None, user: User, kind: str | None) -> dict[str, object]:
    """Give the trainer role (`kind`, a TrainerKind value), change its kind, or end it (None). Ending it keeps the
    profile and everything that hangs off it (prepared modules, train-the-trainers and selection records): they
    are the person's history, and giving the role back shows them again. Returns the changes, for the audit
    event the caller writes."""
    new_kind = TrainerKind(kind) if kind else None
    profile = queries.profile(user)
    current = profile.kind if profile is not None and profile.active else None
    if current == new_kind:
        return {}
    changes: dict[str, object] = {"trainer": new_kind.value if new_kind else None}
    if new_kind is None:
        assert profile is not None  # (current differs from None)
        profile.ended_at = utcnow()
    elif profile is None:
        db.session.add(TrainerProfile(user_id=user.id, kind=new_kind))
    else:
        if not profile.active:
            profile.ended_at = None
            changes["trainer_records_restored"] = True
        profile.kind = new_kind
    db.session.flush()
    # The active profile and is_trainer are read-only views of these rows: read them again on next use.
    db.session.expire(user, ["trainer_profile", "is_trainer"])
    return changes


ROLE = TrainerRole(
    choices=lambda: [(k.value, k.label) for k in TrainerKind],
    kind_of=kind_of,
    set_kind=set_trainer_kind,
)


# -- prepared modules and train-the-trainers ---------------------------------------------------------------------


def set_prepared_modules(actor: User, profile: TrainerProfile, modules: list[Module]) -> None:
    """Record the modules a trainer is prepared to deliver."""
    db.session.execute(delete(TrainerModule).where(TrainerModule.trainer_profile_id == profile.id))
    for m in modules:
        db.session.add(TrainerModule(trainer_profile_id=profile.id, module_id=m.id))
    db.session.flush()
    log_event("trainer.prepared_modules", actor, profile.user, modules=[m.slug for m in modules])


def save_training(
    actor: User, profile: TrainerProfile, *, completed_on: dt.date | None, sessions_shadowed: int, preparation: str
) -> TrainerTraining:
    """Record a lived-experience trainer's train-the-trainers course, sessions shadowed and preparation."""
    if not profile.kind.lived_experience:
        raise ServiceError("Train-the-trainers records are kept for lived-experience trainers.")
    if completed_on is not None and completed_on > utcnow().date():
        raise ServiceError(
            "The training cannot be completed in the future. Enter the date it was completed, or "
            "leave it empty until then.",
            "completed_on",
        )
    if not 0 <= sessions_shadowed <= 200:
        raise ServiceError("Enter the sessions shadowed as a number from 0 to 200.", "sessions_shadowed")
    row = queries.training(profile.id)
    if row is None:
        row = TrainerTraining(trainer_profile_id=profile.id)
        db.session.add(row)
    row.completed_on, row.sessions_shadowed = completed_on, sessions_shadowed
    row.preparation, row.updated_by_id, row.updated_at = (preparation or "").strip(), actor.id, utcnow()
    db.session.flush()
    log_event(
        "trainer.training",
        actor,
        profile.user,
        completed_on=completed_on.isoformat() if completed_on else None,
        sessions_shadowed=sessions_shadowed,
    )
    return row


def unprepared(facilitators: list[User], modules: list[Module]) -> list[tuple[User, Module]]:
    """(trainer, module) pairs where the trainer is not recorded as prepared to deliver the module."""
    prepared = queries.prepared_pairs([u.trainer_profile.id for u in facilitators if u.trainer_profile])
    return [
        (u, m)
        for u in facilitators
        for m in modules
        if not u.trainer_profile or (u.trainer_profile.id, m.id) not in prepared
    ]


def untrained(people: list[User]) -> list[User]:
    """Those of these lived-experience trainers with no completed train-the-trainers course on record."""
    done = queries.trained_profile_ids([u.trainer_profile.id for u in people if u.trainer_profile])
    return [u for u in people if u.trainer_profile and u.trainer_profile.id not in done]


# -- selection records ---------------------------------------------------------------------------------------------


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
