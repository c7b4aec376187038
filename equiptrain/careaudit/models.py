"""Audit rounds, audited care plans and their scores.

Privacy is structural: an `AuditedPlan` has no column for anything about the person whose plan it is (no name,
NHS number, record number, date of birth or address), and its one free-text field, the excerpt, passes the
anonymisation guard before it is stored.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Team, User
from equiptrain.content.models import AuditCriterion
from equiptrain.db import Base, str_enum, utcnow

EXCERPT_MAX = 500


class RoundKind(str, enum.Enum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return {
            "baseline": "Baseline (before the core workshop)",
            "follow_up": "Follow-up (after the supervision sessions)",
        }[self.value]


class RoundState(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AuditRound(Base):
    __tablename__ = "audit_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[RoundKind] = mapped_column(str_enum(RoundKind, "audit_round_kind"))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    state: Mapped[RoundState] = mapped_column(str_enum(RoundState, "audit_round_state"), default=RoundState.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    # Sampling (careaudit.sampling): the rule's inputs and the positions it drew, reproducible from the seed.
    caseload_size: Mapped[int | None]
    sample_size: Mapped[int | None]
    sample_seed: Mapped[str | None] = mapped_column(String(32))
    sample_positions: Mapped[list | None] = mapped_column(JSON)
    double_share: Mapped[int] = mapped_column(default=20)  # percent of plans scored blind by a second auditor

    team: Mapped[Team] = relationship()
    plans: Mapped[list[AuditedPlan]] = relationship(back_populates="round", order_by="AuditedPlan.id")

    @property
    def is_open(self) -> bool:
        return self.state is RoundState.OPEN


audited_plan_co_auditors = Table(
    "audited_plan_co_auditors",
    Base.metadata,
    Column("audited_plan_id", ForeignKey("audited_plans.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class AuditedPlan(Base):
    """One care plan scored against every criterion, by an auditor with any co-auditors (a lived-experience
    trainer auditing with staff, for example). Nothing here says whose plan it was."""

    __tablename__ = "audited_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"), index=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    excerpt: Mapped[str | None] = mapped_column(Text)  # at most EXCERPT_MAX characters, checked by the guard
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sample_position: Mapped[int | None]  # "the 11th on the caseload list", never who it is
    # A blind second scoring of the same plan by another auditor (for agreement); reports count the first only.
    second_of_id: Mapped[int | None] = mapped_column(ForeignKey("audited_plans.id"), index=True)

    round: Mapped[AuditRound] = relationship(back_populates="plans")
    auditor: Mapped[User] = relationship()
    co_auditors: Mapped[list[User]] = relationship(secondary=audited_plan_co_auditors, order_by=User.name)
    scores: Mapped[list[PlanScore]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanScore(Base):
    __tablename__ = "audited_plan_scores"
    __table_args__ = (UniqueConstraint("plan_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("audited_plans.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("audit_criteria.id"), index=True)
    score: Mapped[int]  # 0 not met, 1 partly met, 2 met

    plan: Mapped[AuditedPlan] = relationship(back_populates="scores")
    criterion: Mapped[AuditCriterion] = relationship()
