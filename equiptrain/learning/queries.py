"""Read-only queries for the learner's pages: a fixed handful of queries each, whatever the course's size."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import bindparam, func, literal_column, select, union_all

from equiptrain.content import snapshot
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.extensions import db

from .models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead
from .services import lock_reason

LOCKED, AVAILABLE, IN_PROGRESS, COMPLETE = "locked", "available", "in progress", "complete"


@dataclass
class Step:
    label: str
    url: str


@dataclass
class ModuleState:
    module: object  # a snapshot ModuleView
    status: str
    reason: str | None
    progress: ModuleProgress | None
    units_total: int
    units_read: int
    next_step: Step | None = None
    unread: object | None = None  # the first unit not read yet

    @property
    def steps_total(self) -> int:
        m = self.module
        return ((self.units_total if m.requires_units else 0) + m.requires_quiz + m.requires_practice
                + m.requires_reflection + m.requires_workshop)

    @property
    def steps_done(self) -> int:
        m, p = self.module, self.progress
        if self.status == COMPLETE:
            return self.steps_total
        done = self.units_read if m.requires_units else 0
        if p is not None:
            done += sum(bool(on and at) for on, at in (
                (m.requires_quiz, p.quiz_passed_at), (m.requires_practice, p.practice_done_at),
                (m.requires_reflection, p.reflection_done_at), (m.requires_workshop, p.workshop_done_at)))
        return done

    @property
    def percent(self) -> int:
        total = self.steps_total
        return 100 * self.steps_done // total if total else (100 if self.status == COMPLETE else 0)


# My programme's progress rows, with the statement built once (the page is opened often, and building a
# statement costs more than running one this small).
_PROGRESS = select(ModuleProgress).where(ModuleProgress.user_id == bindparam("user_id"))


def module_states(user) -> list[ModuleState]:
    """Every active module in order with its status for this learner: the course from the worker's snapshot,
    the learner's progress and units read in 2 queries."""
    course = snapshot.current()
    progress = {p.module_id: p for p in db.session.scalars(_PROGRESS, {"user_id": user.id})}
    read = learner_state(user).read_unit_ids

    def completed(m) -> bool:
        p = progress.get(m.id)
        return p is not None and p.completed_at is not None

    states = []
    for m in course.modules:
        p = progress.get(m.id)
        reason = None
        if completed(m):
            status = COMPLETE
        elif reason := lock_reason(m, course.by_slug, completed):
            status = LOCKED
        else:
            status = IN_PROGRESS if p is not None else AVAILABLE
        state = ModuleState(m, status, reason, p, len(m.units), sum(u.id in read for u in m.units))
        state.unread = next((u for u in m.units if u.id not in read), None)
        states.append(state)
    return states


def next_step(user, state: ModuleState) -> Step | None:
    """The one next thing to do in an open module (no queries: the state carries what it needs)."""
    m, p = state.module, state.progress
    if state.status in (LOCKED, COMPLETE):
        return None
    if (m.requires_units and state.units_read < state.units_total or not p) and state.unread is not None:
        verb = "Start" if not p else "Continue"
        return Step(f"{verb} {m.title}: {state.unread.title}",
                    url_for("learning.unit", slug=m.slug, unit_slug=state.unread.slug))
    if m.requires_quiz and not (p and p.quiz_passed_at):
        return Step(f"Take the knowledge check for {m.title}", url_for("learning.quiz", slug=m.slug))
    if m.requires_practice and not (p and p.practice_done_at) and m.solo:
        scenario = m.solo[0]
        return Step(f"Practise: {scenario.title}",
                    url_for("learning.practice", slug=m.slug, scenario_slug=scenario.slug))
    if m.requires_reflection and not (p and p.reflection_done_at):
        return Step(f"Write a reflective log entry about {m.title}", url_for("reflection.new", module=m.slug))
    if m.requires_workshop and not (p and p.workshop_done_at):
        return Step(f"Attend a workshop covering {m.title}", url_for("learning.module", slug=m.slug))
    return Step(f"Go to {m.title}", url_for("learning.module", slug=m.slug))


def continue_step(user, states: list[ModuleState]) -> Step | None:
    """The single "continue" for the programme: the first module in progress, else the first one open."""
    for wanted in (IN_PROGRESS, AVAILABLE):
        for state in states:
            if state.status == wanted:
                state.next_step = next_step(user, state)
                return state.next_step
    return None


def module_page(user, module: Module) -> dict:
    """What the module overview shows: units with read ticks, quiz, scenarios, requirements (4 queries)."""
    units = active_units(module)
    read_ids = set(db.session.scalars(select(UnitRead.unit_id).where(UnitRead.user_id == user.id,
                                                                     UnitRead.unit_id.in_([u.id for u in units]))))
    scenarios = list(db.session.scalars(select(Scenario).where(Scenario.module_id == module.id,
                                                               Scenario.retired_at.is_(None))
                                        .order_by(Scenario.position)))
    best = None
    if module.quiz is not None and module.quiz.retired_at is None:
        best = db.session.scalar(select(func.max(QuizAttempt.score)).where(QuizAttempt.user_id == user.id,
                                                                           QuizAttempt.quiz_id == module.quiz.id))
    return {"units": units, "read_ids": read_ids, "best_score": best,
            "solo": [s for s in scenarios if s.kind == "solo"],
            "roleplays": [s for s in scenarios if s.kind == "roleplay"]}


# What the module pages need to know about the learner, in one statement built once and run on the connection
# (no ORM rows): the modules they have completed (for the locks) and every unit they have read (a few dozen
# rows at most, so the page picks its module's units out of them rather than sending their ids).
_COMPLETED_MODULE, _READ_UNIT = 1, 2
_LEARNER_STATE = union_all(
    select(literal_column(str(_COMPLETED_MODULE)), ModuleProgress.module_id)
    .where(ModuleProgress.user_id == bindparam("user_id"), ModuleProgress.completed_at.is_not(None)),
    select(literal_column(str(_READ_UNIT)), UnitRead.unit_id).where(UnitRead.user_id == bindparam("user_id")))


@dataclass(frozen=True)
class LearnerState:
    completed_module_ids: frozenset[int]
    read_unit_ids: frozenset[int]


def learner_state(user) -> LearnerState:
    """The learner's completed modules and read units (1 query)."""
    completed, read = set(), set()
    for kind, ident in db.session.connection().execute(_LEARNER_STATE, {"user_id": user.id}):
        (completed if kind == _COMPLETED_MODULE else read).add(ident)
    return LearnerState(frozenset(completed), frozenset(read))


def active_units(module: Module) -> list[Unit]:
    """The module's active units in order, as rows (for the pages that change the learner's record)."""
    return list(db.session.scalars(select(Unit).where(Unit.module_id == module.id, Unit.retired_at.is_(None))
                                   .order_by(Unit.position)))


def quiz_attempts(user, quiz_id: int) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                                             QuizAttempt.quiz_id == quiz_id)
                                   .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())))


def practice_attempts(user, scenario_id: int) -> list[PracticeAttempt]:
    return list(db.session.scalars(select(PracticeAttempt).where(PracticeAttempt.user_id == user.id,
                                                                 PracticeAttempt.scenario_id == scenario_id)
                                   .order_by(PracticeAttempt.started_at.desc(), PracticeAttempt.id.desc())))
