"""What the learner's pages show, worked out from the course snapshot and the learner's record (no queries),
plus the few read-only queries a page needs beyond them (attempts, best score)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import func, select

from equiptrain.content.snapshot import CourseSnapshot, ModuleView, UnitView
from equiptrain.extensions import db

from .models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead
from .record import AVAILABLE, COMPLETE, IN_PROGRESS, LOCKED, LearnerRecord, Summary, lock_reason, steps_total

__all__ = [
    "AVAILABLE",
    "COMPLETE",
    "IN_PROGRESS",
    "LOCKED",
    "ModuleState",
    "Step",
    "module_state",
    "module_states",
    "continue_step",
    "best_score",
    "quiz_attempts",
    "practice_attempts",
    "personal_data",
]


@dataclass
class Step:
    label: str
    url: str


@dataclass
class ModuleState:
    """One module as one learner stands in it: its status, the reason when locked, their summary of it."""

    module: ModuleView
    status: str
    reason: str | None
    summary: Summary | None
    read_unit_ids: set[int] = field(repr=False)
    next_step: Step | None = None
    # The module's completion steps: fixed by the course snapshot, so worked out once, not at every mention.
    steps_total: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.steps_total = steps_total(self.module)

    @property
    def units_total(self) -> int:
        return len(self.module.units)

    @property
    def units_read(self) -> int:
        return min(self.summary.units_read, self.units_total) if self.summary else 0

    @property
    def unread(self) -> UnitView | None:
        """The first unit not read yet."""
        return next((u for u in self.module.units if u.id not in self.read_unit_ids), None)

    @property
    def steps_done(self) -> int:
        if self.status == COMPLETE:
            return self.steps_total
        return min(self.summary.steps_done, self.steps_total) if self.summary else 0

    @property
    def percent(self) -> int:
        total = self.steps_total
        return 100 * self.steps_done // total if total else (100 if self.status == COMPLETE else 0)

    def still_needed(self) -> list[str]:
        """What is left to complete the module, in words, in the order a learner meets it."""
        m, s = self.module, self.summary
        if self.status == COMPLETE:
            return []
        needed = []
        if m.requires_units and self.units_read < self.units_total:
            left = self.units_total - self.units_read
            needed.append(f"read the {left} page{'s' if left != 1 else ''} you have not read yet")
        if m.requires_quiz and not (s and s.quiz_passed_at):
            needed.append("pass the knowledge check")
        if m.requires_practice and not (s and s.practice_done_at):
            needed.append("finish a solo practice scenario")
        if m.requires_reflection and not (s and s.reflection_done_at):
            needed.append("write a reflective log entry linked to this module")
        if m.requires_workshop and not (s and s.workshop_done_at):
            needed.append("attend a workshop covering this module")
        return needed


def module_state(course: CourseSnapshot, record: LearnerRecord, module: ModuleView) -> ModuleState:
    summary = record.summary(module.id)
    reason = None
    if summary is not None and summary.complete:
        status = COMPLETE
    elif reason := lock_reason(course, record, module):
        status = LOCKED
    else:
        status = IN_PROGRESS if summary is not None else AVAILABLE
    return ModuleState(module, status, reason, summary, record.read_unit_ids)


def module_states(course: CourseSnapshot, record: LearnerRecord) -> list[ModuleState]:
    """Every active module in order with its status for this learner."""
    return [module_state(course, record, m) for m in course.modules]


def next_step(state: ModuleState) -> Step | None:
    """The one next thing to do in an open module."""
    m, p = state.module, state.summary
    if state.status in (LOCKED, COMPLETE):
        return None
    unread = state.unread
    if (m.requires_units and state.units_read < state.units_total or not p) and unread is not None:
        verb = "Start" if not p else "Continue"
        return Step(f"{verb} {m.title}: {unread.title}", url_for("learning.unit", slug=m.slug, unit_slug=unread.slug))
    if m.requires_quiz and not (p and p.quiz_passed_at):
        return Step(f"Take the knowledge check for {m.title}", url_for("learning.quiz", slug=m.slug))
    if m.requires_practice and not (p and p.practice_done_at) and m.solo:
        scenario = m.solo[0]
        return Step(
            f"Practise: {scenario.title}", url_for("learning.practice", slug=m.slug, scenario_slug=scenario.slug)
        )
    if m.requires_reflection and not (p and p.reflection_done_at):
        return Step(f"Write a reflective log entry about {m.title}", url_for("reflection.new", module=m.slug))
    if m.requires_workshop and not (p and p.workshop_done_at):
        return Step(f"Attend a workshop covering {m.title}", url_for("learning.module", slug=m.slug))
    return Step(f"Go to {m.title}", url_for("learning.module", slug=m.slug))


def continue_step(states: list[ModuleState]) -> Step | None:
    """The single "continue" for the programme: the first module in progress, else the first one open."""
    for wanted in (IN_PROGRESS, AVAILABLE):
        for state in states:
            if state.status == wanted:
                state.next_step = next_step(state)
                return state.next_step
    return None


def best_score(user, quiz_id: int) -> int | None:
    return db.session.scalar(
        select(func.max(QuizAttempt.score)).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)
    )


def quiz_attempts(user, quiz_id: int) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
    )


def practice_attempts(user, scenario_id: int) -> list[PracticeAttempt]:
    return list(
        db.session.scalars(
            select(PracticeAttempt)
            .where(PracticeAttempt.user_id == user.id, PracticeAttempt.scenario_id == scenario_id)
            .order_by(PracticeAttempt.started_at.desc(), PracticeAttempt.id.desc())
        )
    )


def personal_data(user) -> dict[str, list]:
    """This feature's section of the person's subject access download: every learning row about them."""
    return {
        model.__tablename__: list(db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.id)))
        for model in (ModuleProgress, UnitRead, QuizAttempt, PracticeAttempt)
    }
