"""The learner's path, as rules: reading units, taking the knowledge check, solo practice, module completion.

Every service takes the acting user and their `LearnerRecord` (loaded once per request; loaded here when not
given), records the learning event with its time, brings the learner's summary of the module
(`module_progress`) up to date, and keeps the record in step. The request (or the CLI command) commits.
Graduated order is enforced here: nothing can be recorded against a module whose prerequisites are not
complete. The course comes from the worker's snapshot.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from equiptrain import signals
from equiptrain.content import snapshot
from equiptrain.content.models import Module, Quiz, QuizQuestion, Scenario, Unit
from equiptrain.content.snapshot import CourseSnapshot, ModuleView, UnitView
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers import queries as trainer_queries

from . import facts
from . import record as records
from .models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead
from .record import COMPLETE, IN_PROGRESS, STAMPS, STEPS, SUMMARY_FIELDS, LearnerRecord, lock_reason

_PROGRESS = cast(Table, ModuleProgress.__table__)
_READS = cast(Table, UnitRead.__table__)


def check_open(course: CourseSnapshot, record: LearnerRecord, module: ModuleView) -> None:
    """Refuse to record anything against a module whose prerequisites the learner has not completed."""
    reason = lock_reason(course, record, module)
    if reason:
        raise ServiceError(reason)


def may_preview(user, module: ModuleView) -> bool:
    """Whether `user` may open a module's pages without the learner's locks, as a preview that records nothing:
    admins; service-user and carer trainers, who review the whole course; and trainers who deliver the module
    (prepared to, or facilitating a workshop covering it)."""
    if user.is_admin:
        return True
    if not user.is_trainer:
        return False
    profile = user.trainer_profile
    if profile is not None and profile.kind.lived_experience:
        return True
    return trainer_queries.prepared_for(user, module.id) or facts.delivers(user, module.id)


def _insert(table):
    """INSERT with ON CONFLICT for the database in use (SQLite and PostgreSQL spell it the same way)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _add_to_summary(
    record: LearnerRecord, module: ModuleView, at, units_read: int = 0, steps: tuple[str, ...] = ()
) -> records.Summary:
    """Add to the learner's summary of `module` in one statement: `units_read` more units read and each of
    `steps` done at `at` (a step already done keeps its first time). A learner with no summary yet starts
    the module now. The database adds to what it holds, so concurrent requests do not undo each other."""
    stamps = {STAMPS[step]: at for step in steps}
    stmt = _insert(_PROGRESS)
    units = len(module.units)
    new_units = _PROGRESS.c.units_read + stmt.excluded.units_read
    new_stamps = {column: func.coalesce(_PROGRESS.c[column], stmt.excluded[column]) for column in STAMPS.values()}
    new_steps = sum(
        (
            case((new_stamps[STAMPS[step]].is_not(None), 1), else_=0)
            for step in STEPS
            if getattr(module, f"requires_{step}")
        ),
        case((new_units > units, units), else_=new_units) if module.requires_units else 0,
    )
    first_steps = (min(units_read, units) if module.requires_units else 0) + sum(
        bool(getattr(module, f"requires_{step}")) for step in steps
    )
    stmt = (
        stmt.values(
            user_id=record.user_id,
            module_id=module.id,
            status=IN_PROGRESS.value,
            started_at=at,
            units_read=units_read,
            steps_done=first_steps,
            **stamps,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "module_id"],
            set_={
                "units_read": new_units,
                **new_stamps,
                "steps_done": case((_PROGRESS.c.completed_at.is_(None), new_steps), else_=_PROGRESS.c.steps_done),
            },
        )
        .returning(*(_PROGRESS.c[f] for f in SUMMARY_FIELDS))
    )
    summary = records.summary_from(db.session.execute(stmt).one())
    record.summaries[module.id] = summary
    return summary


def complete_if_done(
    user, course: CourseSnapshot, record: LearnerRecord, module: ModuleView, attended_core: bool | None = None
) -> bool:
    """Complete the module when its last requirement is met (announcing `module_completed`); True if complete.

    A module whose prerequisites are not complete cannot complete; completing one re-checks the modules that
    were waiting on it (their other requirements may already be met, e.g. by a workshop covering both).
    `attended_core` is the fact when the caller knows it (the `workshop_attended` event carries it); otherwise
    it is read from `facts.attended_core` (established by workshops), only for a module that requires the core.
    """
    summary = record.summary(module.id)
    if summary is None:
        return False
    if summary.complete:
        return True
    student = bool(getattr(user, "is_student", False))  # no team-only parts: no workshop, no core
    missing = records.unmet(module, summary)
    if student:
        missing = [m for m in missing if m != "workshop"]
    if missing or lock_reason(course, record, module):
        return False
    # "Attended the core" is the workshops feature's multi-session rule (every session of a core workshop).
    if module.requires_core and not student:
        if attended_core is None:
            attended_core = facts.attended_core(user.id)
        if not attended_core:
            return False
    now = utcnow()
    done = (
        db.session.execute(
            update(_PROGRESS)
            .where(
                _PROGRESS.c.user_id == record.user_id,
                _PROGRESS.c.module_id == module.id,
                _PROGRESS.c.completed_at.is_(None),
            )
            .values(status=COMPLETE.value, completed_at=now, steps_done=records.steps_total(module))
            .returning(_PROGRESS.c.id)
        ).first()
        is not None
    )
    summary.status, summary.completed_at, summary.steps_done = COMPLETE.value, now, records.steps_total(module)
    if done:  # (another request that completed it first has announced it)
        signals.module_completed.send(user, module=db.session.get(Module, module.id), at=now)
        for later in course.modules:
            if module.slug in later.prerequisites and record.summary(later.id) is not None:
                complete_if_done(user, course, record, later, attended_core)
    return True


def _context(
    user, record: LearnerRecord | None, module_id: int, retired: str
) -> tuple[CourseSnapshot, LearnerRecord, ModuleView]:
    course = snapshot.current()
    module = course.by_id.get(module_id)
    if module is None:
        raise ServiceError(retired)
    record = record if record is not None else records.load(user.id)
    check_open(course, record, module)
    return course, record, module


# Units


def mark_unit_read(user, record: LearnerRecord, module: ModuleView, unit: UnitView) -> bool:
    """Record that the learner read `unit` of `module` (once: marking it again keeps the first time).

    True when this call recorded it. The unique constraint on (user, unit) decides between two requests
    marking the same unit at once: only the one whose row went in counts it in the summary.
    """
    course = snapshot.current()
    check_open(course, record, module)
    if unit.id in record.read_unit_ids:
        return False
    at = utcnow()
    inserted = db.session.execute(
        _insert(_READS)
        .values(user_id=record.user_id, unit_id=unit.id, read_at=at)
        .on_conflict_do_nothing(index_elements=["user_id", "unit_id"])
        .returning(_READS.c.id)
    ).first()
    record.read_unit_ids.add(unit.id)
    if inserted is None:
        return False
    _add_to_summary(record, module, at, units_read=1)
    complete_if_done(user, course, record, module)
    return True


# Knowledge check


def score_question(question: QuizQuestion, chosen: list[int]) -> bool:
    """Right when exactly the correct options are chosen (all that apply, for a multiple-answer question)."""
    correct = {n for n, option in enumerate(question.options, 1) if option["correct"]}
    return set(chosen) == correct


def submit_quiz(user, quiz: Quiz, answers: dict[str, list[int]], record: LearnerRecord | None = None) -> QuizAttempt:
    """Score and keep an attempt; answers map question slug -> chosen option positions (from 1)."""
    retired = "This knowledge check is no longer part of the course. Go back to the module."
    if quiz.retired_at is not None:
        raise ServiceError(retired)
    course, record, module = _context(user, record, quiz.module_id, retired)
    questions = [q for q in quiz.questions if q.retired_at is None]
    clean: dict[str, list[int]] = {}
    right = 0
    for n, q in enumerate(questions, 1):
        chosen = sorted(set(answers.get(q.slug) or []))
        if not chosen:
            what = "all the options that apply" if q.multiple else "one option"
            raise ServiceError(f"Answer question {n}: choose {what}.", field=q.slug)
        if any(c < 1 or c > len(q.options) for c in chosen) or (not q.multiple and len(chosen) > 1):
            what = "from the options shown" if q.multiple else "one option"
            raise ServiceError(f"Question {n}: choose {what}.", field=q.slug)
        clean[q.slug] = chosen
        right += score_question(q, chosen)
    total = len(questions)
    passed = total > 0 and right * 100 >= quiz.pass_mark * total
    at = utcnow()
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        answers=clean,
        correct=right,
        total=total,
        score=right * 100 // total if total else 0,
        passed=passed,
        submitted_at=at,
    )
    db.session.add(attempt)
    db.session.flush()
    signals.quiz_submitted.send(user, attempt=attempt, module=db.session.get(Module, quiz.module_id))
    _add_to_summary(record, module, at, steps=("quiz",) if passed else ())
    complete_if_done(user, course, record, module)
    return attempt


# Solo practice


def start_practice(user, scenario: Scenario, record: LearnerRecord | None = None) -> PracticeAttempt:
    """Begin a new attempt at a solo scenario (earlier attempts stay as they were)."""
    retired = "This scenario is not available for solo practice. Choose one from the module page."
    if scenario.kind != "solo" or scenario.retired_at is not None:
        raise ServiceError(retired)
    _, record, module = _context(user, record, scenario.module_id, retired)
    at = utcnow()
    _add_to_summary(record, module, at)
    attempt = PracticeAttempt(
        user_id=user.id, scenario_id=scenario.id, path=[], current_node=scenario.data["start"], started_at=at
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def choose(user, attempt: PracticeAttempt, choice: int, record: LearnerRecord | None = None) -> PracticeAttempt:
    """Take response number `choice` (from 1) at the attempt's current node; record the ending when reached."""
    if attempt.user_id != user.id:
        raise ServiceError("This is not your practice attempt. Start your own from the module page.")
    if attempt.finished:
        raise ServiceError("This attempt has reached its ending. Start again to try a different path.")
    scenario = attempt.scenario
    course, record, module = _context(
        user, record, scenario.module_id, "This scenario is no longer part of the course. Go back to the module."
    )
    nodes = scenario.data["nodes"]
    node = nodes.get(attempt.current_node or "")
    if node is None or not node["choices"]:
        raise ServiceError("The scenario has changed since you started this attempt. Start again.")
    if not 1 <= choice <= len(node["choices"]):
        raise ServiceError("Choose one of the responses shown.", field="choice")
    nxt = node["choices"][choice - 1]["next"]
    attempt.path = [*attempt.path, {"node": attempt.current_node, "choice": choice}]
    ending = nodes.get(nxt, {}).get("ending")
    if ending:
        now = utcnow()
        attempt.current_node, attempt.ending, attempt.outcome, attempt.finished_at = None, nxt, ending["outcome"], now
        db.session.flush()
        signals.practice_completed.send(user, attempt=attempt, scenario=scenario)
        _add_to_summary(record, module, now, steps=("practice",))
        complete_if_done(user, course, record, module)
    else:
        attempt.current_node = nxt
        db.session.flush()
    return attempt


# Steps recorded by other features


def _record_step(user, step: str, module_slugs, at, attended_core: bool | None = None) -> None:
    course = snapshot.current()
    modules = [course.by_slug[slug] for slug in module_slugs if slug in course.by_slug]
    if not modules:
        return
    record = records.load(user.id)
    for module in modules:
        summary = record.summary(module.id)
        if summary is None or not summary.done(step):
            _add_to_summary(record, module, at or utcnow(), steps=(step,))
        complete_if_done(user, course, record, module, attended_core)


def record_reflection(user, module_slug: str | None, at=None, **_ignored) -> None:
    """The "reflection written" rule: a reflective entry linked to a module counts for it."""
    _record_step(user, "reflection", [module_slug] if module_slug else [], at)


def record_workshop(
    user, module_slugs: list[str] | None = None, at=None, workshop=None, attended_core: bool | None = None, **_ignored
) -> None:
    """The "workshop attended" rule: attending a workshop counts for each module it covers (only a workshop of
    the module's `workshop_kind`, when it names one). Attending a core workshop re-checks the started modules
    that require the core."""
    kind = getattr(getattr(workshop, "kind", None), "value", None)
    course = snapshot.current()
    slugs = [
        slug
        for slug in module_slugs or []
        if slug in course.by_slug
        and not (course.by_slug[slug].workshop_kind and kind and course.by_slug[slug].workshop_kind != kind)
    ]
    _record_step(user, "workshop", slugs, at, attended_core)
    if kind == "core":
        record = records.load(user.id)
        for module in course.modules:
            summary = record.summary(module.id)
            if module.requires_core and summary is not None and not summary.complete:
                complete_if_done(user, course, record, module, attended_core)


def recount_summaries(*_args, **_ignored) -> None:
    """After a sync, count again what each unfinished summary holds against the units now active (a unit may
    have been retired or added), in one statement. Completed modules keep their summaries as they were."""
    units, reads, modules = cast(Table, Unit.__table__), _READS, cast(Table, Module.__table__)
    read = (
        select(func.count())
        .select_from(reads.join(units, units.c.id == reads.c.unit_id))
        .where(
            reads.c.user_id == _PROGRESS.c.user_id,
            units.c.module_id == _PROGRESS.c.module_id,
            units.c.retired_at.is_(None),
        )
        .scalar_subquery()
    )
    steps: ColumnElement[Any] = case((modules.c.requires_units, read), else_=0)
    for step, column in STAMPS.items():
        steps = steps + case((and_(modules.c[f"requires_{step}"], _PROGRESS.c[column].is_not(None)), 1), else_=0)
    db.session.execute(
        update(_PROGRESS)
        .where(_PROGRESS.c.module_id == modules.c.id, _PROGRESS.c.completed_at.is_(None))
        .values(units_read=read, steps_done=steps)
    )
