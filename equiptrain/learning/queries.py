"""Read-only queries for the learner's pages: a fixed handful of queries each, whatever the course's size."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from equiptrain.content.models import Module, Programme, Scenario, Unit
from equiptrain.extensions import db

from .models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead
from .services import Standing

LOCKED, AVAILABLE, IN_PROGRESS, COMPLETE = "locked", "available", "in progress", "complete"


@dataclass
class Step:
    label: str
    url: str


@dataclass
class ModuleState:
    module: Module
    status: str
    reason: str | None
    progress: ModuleProgress | None
    units_total: int
    units_read: int
    next_step: Step | None = None

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


def programme() -> Programme | None:
    return db.session.scalar(select(Programme).order_by(Programme.id).limit(1))


def _unit_counts(user) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Unit.module_id, func.count(Unit.id), func.count(UnitRead.id))
        .outerjoin(UnitRead, (UnitRead.unit_id == Unit.id) & (UnitRead.user_id == user.id))
        .where(Unit.retired_at.is_(None)).group_by(Unit.module_id))
    return {module_id: (total, read) for module_id, total, read in rows}


def module_states(user, standing: Standing | None = None) -> list[ModuleState]:
    """Every active module in order with its status for this learner (3 queries)."""
    standing = standing or Standing(user)
    counts = _unit_counts(user)
    states = []
    for m in standing.modules:
        p = standing.progress.get(m.id)
        reason = None
        if p is not None and p.completed_at is not None:
            status = COMPLETE
        elif reason := standing.lock_reason(m):
            status = LOCKED
        else:
            status = IN_PROGRESS if p is not None else AVAILABLE
        total, read = counts.get(m.id, (0, 0))
        states.append(ModuleState(m, status, reason, p, total, read))
    return states


def next_step(user, state: ModuleState) -> Step | None:
    """The one next thing to do in an open module (at most 2 queries)."""
    m, p = state.module, state.progress
    if state.status in (LOCKED, COMPLETE):
        return None
    if m.requires_units and state.units_read < state.units_total or not p:
        unit = db.session.scalar(
            select(Unit).where(Unit.module_id == m.id, Unit.retired_at.is_(None),
                               ~select(UnitRead.id).where(UnitRead.unit_id == Unit.id,
                                                          UnitRead.user_id == user.id).exists())
            .order_by(Unit.position).limit(1))
        if unit is not None:
            verb = "Start" if not p else "Continue"
            return Step(f"{verb} {m.title}: {unit.title}",
                        url_for("learning.unit", slug=m.slug, unit_slug=unit.slug))
    if m.requires_quiz and not (p and p.quiz_passed_at):
        return Step(f"Take the knowledge check for {m.title}", url_for("learning.quiz", slug=m.slug))
    if m.requires_practice and not (p and p.practice_done_at):
        scenario = db.session.scalar(select(Scenario).where(Scenario.module_id == m.id, Scenario.kind == "solo",
                                                            Scenario.retired_at.is_(None))
                                     .order_by(Scenario.position).limit(1))
        if scenario is not None:
            return Step(f"Practise: {scenario.title}",
                        url_for("learning.practice", slug=m.slug, scenario_slug=scenario.slug))
    if m.requires_reflection and not (p and p.reflection_done_at):
        return Step(f"Write a reflective log entry about {m.title}", url_for("learning.module", slug=m.slug))
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
    units = list(db.session.scalars(select(Unit).where(Unit.module_id == module.id, Unit.retired_at.is_(None))
                                    .order_by(Unit.position)))
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


def unit_page(user, module: Module, unit_slug: str):
    """The module's active units (for previous/next) and which the learner has read (2 queries)."""
    units = list(db.session.scalars(select(Unit).where(Unit.module_id == module.id, Unit.retired_at.is_(None))
                                    .order_by(Unit.position)))
    read_ids = set(db.session.scalars(select(UnitRead.unit_id).where(UnitRead.user_id == user.id,
                                                                     UnitRead.unit_id.in_([u.id for u in units]))))
    return units, read_ids


def quiz_attempts(user, quiz_id: int) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                                             QuizAttempt.quiz_id == quiz_id)
                                   .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())))


def practice_attempts(user, scenario_id: int) -> list[PracticeAttempt]:
    return list(db.session.scalars(select(PracticeAttempt).where(PracticeAttempt.user_id == user.id,
                                                                 PracticeAttempt.scenario_id == scenario_id)
                                   .order_by(PracticeAttempt.started_at.desc(), PracticeAttempt.id.desc())))
