"""Everything kept about a trainer, in one place: the trainer profile (the role, its kind, the choice to be named
on certificates), the modules they are prepared to deliver, a lived-experience trainer's train-the-trainers record
and selection record, and the current connections a trainer declares with teams.

Removing the trainer role ends the profile (`ended_at`) rather than deleting it: the train-the-trainers and
selection records are someone's history and stay with it; giving the role back reopens the same profile, records
and all. `User.trainer_profile` (the active profile) and `User.is_trainer` are added to accounts' `User` here, so
accounts does not import this package.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, and_, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from equiptrain.accounts.models import Team, User
from equiptrain.content.models import Module
from equiptrain.db import Base, str_enum, utcnow


class TrainerKind(str, enum.Enum):
    PROFESSIONAL = "professional"
    SERVICE_USER = "service_user"
    CARER = "carer"

    @property
    def label(self) -> str:
        return {
            "professional": "Professional trainer",
            "service_user": "Service-user trainer",
            "carer": "Carer trainer",
        }[self.value]

    @property
    def lived_experience(self) -> bool:
        return self is not TrainerKind.PROFESSIONAL


class TrainerProfile(Base):
    """The trainer role. One row per person, ever: removing the role sets `ended_at` (the records that hang off the
    profile are kept), giving it back clears it."""

    __tablename__ = "trainer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    kind: Mapped[TrainerKind] = mapped_column(str_enum(TrainerKind, "trainer_kind"))
    bio: Mapped[str | None] = mapped_column(String(2000))
    # Lived-experience trainers choose whether certificates name them; otherwise they appear by role.
    named_on_certificates: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]  # the role was removed (None: a trainer now)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.ended_at is None


# The active profile, and the role every page's navigation and role check need (a correlated EXISTS loaded with
# the user in the same query). Both read-only: the role is changed through `trainers.services.set_trainer_kind`.
User.trainer_profile = relationship(
    TrainerProfile,
    primaryjoin=and_(TrainerProfile.user_id == User.id, TrainerProfile.ended_at.is_(None)),
    uselist=False,
    viewonly=True,
)
User.is_trainer = column_property(
    select(TrainerProfile.id)
    .where(TrainerProfile.user_id == User.id, TrainerProfile.ended_at.is_(None))
    .correlate_except(TrainerProfile)
    .exists()
)


class TrainerModule(Base):
    """A module a trainer is prepared to deliver (recorded by an admin)."""

    __tablename__ = "trainer_modules"

    trainer_profile_id: Mapped[int] = mapped_column(ForeignKey("trainer_profiles.id"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    trainer_profile: Mapped[TrainerProfile] = relationship()
    module: Mapped[Module] = relationship()


class TrainerTraining(Base):
    """A lived-experience trainer's train-the-trainers record: when they completed the training, how many sessions
    they have shadowed, and the preparation they have done. Publishing a workshop led by a lived-experience
    trainer without a completed training asks for a written override. Kept when the role is removed."""

    __tablename__ = "trainer_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_profile_id: Mapped[int] = mapped_column(ForeignKey("trainer_profiles.id"), unique=True)
    completed_on: Mapped[dt.date | None]
    sessions_shadowed: Mapped[int] = mapped_column(default=0)
    preparation: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    trainer_profile: Mapped[TrainerProfile] = relationship()


class SelectionRecord(Base):
    """How a service-user or carer trainer was selected and what support was agreed. Seen only by the
    administrators of the trainer's organisation; deleted `keep_until` (TRAINER_SELECTION_RETENTION_YEARS after
    the last change) by `equiptrain trainers purge`. Nothing about anyone's care belongs here."""

    __tablename__ = "trainer_selection_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    recruited_how: Mapped[str] = mapped_column(Text)
    references: Mapped[str] = mapped_column(Text)
    training: Mapped[str] = mapped_column(Text)
    support_agreed: Mapped[str] = mapped_column(Text)
    keep_until: Mapped[dt.date]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class DeclaredConnection(Base):
    """A trainer's declared current connection with a team (for example, they or someone close to them is
    supported by it): only the fact, never why. While it stands the trainer is not scheduled with that team."""

    __tablename__ = "trainer_declared_connections"
    __table_args__ = (UniqueConstraint("trainer_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Kept short: the trainer's own words for the kind of connection are not asked for.
    source: Mapped[str] = mapped_column(String(16), default="trainer")  # trainer | admin

    team: Mapped[Team] = relationship()
    trainer: Mapped[User] = relationship()
