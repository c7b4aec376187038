"""A team's supervision plan after the core, its sessions (due dates, the supervision workshop that delivers
each) and the team action plan agreed and reviewed at those sessions."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Team, User
from equiptrain.db import Base, str_enum, utcnow
from equiptrain.workshops.models import Workshop


class ActionStatus(str, enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Not started", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[self.value]


class SupervisionPlan(Base):
    """One plan per team, counted from the end of the core workshop it follows."""

    __tablename__ = "supervision_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), unique=True)
    core_workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"))
    starts_on: Mapped[dt.date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()
    core_workshop: Mapped[Workshop | None] = relationship()
    sessions: Mapped[list[SupervisionSession]] = relationship(
        back_populates="plan", order_by="SupervisionSession.number", cascade="all, delete-orphan"
    )
    actions: Mapped[list[TeamAction]] = relationship(
        back_populates="plan", order_by="TeamAction.id", cascade="all, delete-orphan"
    )


class SupervisionSession(Base):
    """A planned supervision session: due by a date, delivered by a supervision workshop once scheduled, held
    once that workshop's register is signed off."""

    __tablename__ = "supervision_sessions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id"), index=True)
    number: Mapped[int]
    due_on: Mapped[dt.date]
    minutes: Mapped[int]
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), unique=True)

    plan: Mapped[SupervisionPlan] = relationship(back_populates="sessions")
    workshop: Mapped[Workshop | None] = relationship()

    @property
    def held_at(self) -> dt.datetime | None:
        return self.workshop.signed_off_at if self.workshop is not None else None

    def overdue(self, today: dt.date) -> bool:
        return self.held_at is None and self.due_on < today


class TeamAction(Base):
    """One action of the team's action plan: agreed at a session, reviewed at the next."""

    __tablename__ = "team_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id"), index=True)
    agreed_at_session: Mapped[int]  # the session number
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date]
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "team_action_status"), default=ActionStatus.OPEN
    )
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at_session: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[SupervisionPlan] = relationship(back_populates="actions")
    created_by: Mapped[User | None] = relationship()
