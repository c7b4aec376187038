"""A lived-experience trainer's selection record, and the current connections a trainer declares with teams."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Team, User
from equiptrain.db import Base, utcnow


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
