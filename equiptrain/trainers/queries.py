"""Read-only questions about trainers: who they are, what they are prepared to deliver, their training."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import User
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerModule, TrainerProfile, TrainerTraining


def trainers(organisation_id: int | None) -> list[User]:
    """The people who hold the trainer role now (of one organisation, or all), by name, profiles loaded."""
    q = (
        select(User)
        .join(TrainerProfile, TrainerProfile.user_id == User.id)
        .where(TrainerProfile.ended_at.is_(None))
        .options(selectinload(User.trainer_profile))
        .order_by(User.name)
    )
    if organisation_id is not None:
        q = q.where(User.organisation_id == organisation_id)
    return list(db.session.scalars(q))


def profile(user: User) -> TrainerProfile | None:
    """The person's profile, active or ended (the records hang off it either way)."""
    return db.session.scalar(select(TrainerProfile).where(TrainerProfile.user_id == user.id))


def training(profile_id: int) -> TrainerTraining | None:
    return db.session.scalar(select(TrainerTraining).where(TrainerTraining.trainer_profile_id == profile_id))


def prepared_module_ids(profile_id: int) -> set[int]:
    return set(
        db.session.scalars(select(TrainerModule.module_id).where(TrainerModule.trainer_profile_id == profile_id))
    )


def prepared_pairs(profile_ids: list[int]) -> set[tuple[int, int]]:
    """(profile id, module id) for every module these trainers are prepared to deliver (one query)."""
    if not profile_ids:
        return set()
    rows = db.session.execute(
        select(TrainerModule.trainer_profile_id, TrainerModule.module_id).where(
            TrainerModule.trainer_profile_id.in_(profile_ids)
        )
    ).all()
    return {(p, m) for p, m in rows}


def trained_profile_ids(profile_ids: list[int]) -> set[int]:
    """Those of these profiles with a completed train-the-trainers course on record (one query)."""
    if not profile_ids:
        return set()
    return set(
        db.session.scalars(
            select(TrainerTraining.trainer_profile_id).where(
                TrainerTraining.trainer_profile_id.in_(profile_ids), TrainerTraining.completed_on.is_not(None)
            )
        )
    )


def prepared_for(user: User, module_id: int) -> bool:
    """Whether the person, a trainer now, is recorded as prepared to deliver the module."""
    p = user.trainer_profile
    if p is None:
        return False
    return (
        db.session.scalar(
            select(TrainerModule.module_id).where(
                TrainerModule.trainer_profile_id == p.id, TrainerModule.module_id == module_id
            )
        )
        is not None
    )
