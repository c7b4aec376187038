"""Learning events (UnitRead, QuizAttempt, PracticeAttempt) and ModuleProgress, one row per user and module.

Records point at content rows by id; content rows are never deleted (only retired), so a reworded unit keeps
its reads and a retired one keeps its history.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.content.models import Module, Quiz, Scenario, Unit
from equiptrain.db import Base, utcnow


class UnitRead(Base):
    __tablename__ = "unit_reads"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)  # {question_slug: [option positions, from 1]}
    correct: Mapped[int]  # questions answered right
    total: Mapped[int]
    score: Mapped[int]  # percent
    passed: Mapped[bool]
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    quiz: Mapped[Quiz] = relationship()


class PracticeAttempt(Base):
    __tablename__ = "practice_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    path: Mapped[list] = mapped_column(JSON, default=list)  # [{node, choice}] choice = position from 1
    current_node: Mapped[str | None] = mapped_column(String(80))  # None once an ending is reached
    ending: Mapped[str | None] = mapped_column(String(80))  # the ending node's slug
    outcome: Mapped[str | None] = mapped_column(String(16))  # good, mixed or poor
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    scenario: Mapped[Scenario] = relationship()

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class ProgressStatus(enum.StrEnum):
    """Where a person stands in a module: one word, one label and one colour on every page (the learner's pages,
    the dashboards, the exports). Only IN_PROGRESS and COMPLETE are stored (`ModuleProgress.status`); the others
    are worked out: NOT_STARTED (no row), and on the learner's own pages LOCKED or AVAILABLE (from the
    prerequisites)."""

    LOCKED = "locked"
    AVAILABLE = "available"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def colour(self) -> str:
        """The NHS.UK tag colour."""
        return _COLOURS[self]


_COLOURS = {
    ProgressStatus.LOCKED: "grey",
    ProgressStatus.AVAILABLE: "blue",
    ProgressStatus.NOT_STARTED: "grey",
    ProgressStatus.IN_PROGRESS: "yellow",
    ProgressStatus.COMPLETE: "green",
}


class ModuleProgress(Base):
    """THE summary of one person's place in one module, one row per user and module, created when they start it.

    The services keep it up to date as events are recorded; every page and dashboard reads it rather than
    counting events. `status` is a ProgressStatus, "in_progress" or "complete" (a module with no row is not started);
    `units_read` counts the module's units read, `steps_done` its completion steps met (each unit read counts
    as a step when reading every unit is required; a complete module has every step done).
    """

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default=ProgressStatus.IN_PROGRESS.value, server_default=ProgressStatus.IN_PROGRESS.value
    )
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    units_read: Mapped[int] = mapped_column(default=0)
    steps_done: Mapped[int] = mapped_column(default=0, server_default="0")
    quiz_passed_at: Mapped[dt.datetime | None]
    practice_done_at: Mapped[dt.datetime | None]
    reflection_done_at: Mapped[dt.datetime | None]
    workshop_done_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship()
