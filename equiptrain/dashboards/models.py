"""Mandatory training and deadlines (per organisation, a later date per team) and the reminders managers send."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, false
from sqlalchemy.orm import Mapped, mapped_column

from equiptrain.db import Base, utcnow


class TrainingRequirements(Base):
    """What an organisation requires of its staff, and by when.

    A person's deadline is the later of the organisation's date (or their team's later date) and `joiner_days`
    after they joined the team, so someone who joins after the deadline still gets time to finish.
    """

    __tablename__ = "training_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    deadline: Mapped[dt.date | None]
    joiner_days: Mapped[int | None]
    core_workshop_mandatory: Mapped[bool] = mapped_column(default=False)
    # Attending the core expires this many months later (none: it does not expire); each mandatory module has its
    # own (`MandatoryModule.expiry_months`).
    core_expiry_months: Mapped[int | None]
    # A refresher before a completion expires repeats the whole module (its units too), not only its knowledge
    # check and solo practice.
    refresher_whole_module: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MandatoryModule(Base):
    __tablename__ = "mandatory_modules"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    # A completion of this module expires this many months later (none: it does not expire).
    expiry_months: Mapped[int | None]


class TeamDeadline(Base):
    """A team given longer than the rest of its organisation (never earlier)."""

    __tablename__ = "team_deadlines"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    deadline: Mapped[dt.date]
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """A reminder email a manager sent to one person (at most one a week per person)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
