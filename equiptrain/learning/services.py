"""The learner's path, as rules: reading units, taking the knowledge check, solo practice, module completion.

Every service takes the acting user, records the learning event with its time, keeps ModuleProgress up to
date and flushes; the request (or the CLI command) commits. Graduated order is enforced here: nothing can be
recorded against a module whose prerequisites are not complete.
"""
from __future__ import annotations

from sqlalchemy import func, select

from equiptrain import signals
from equiptrain.accounts.services import ServiceError
from equiptrain.content.models import Module, Quiz, QuizQuestion, Scenario, Unit
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.workshops import services as workshop_services

from .models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead


class Standing:
    """One learner's place in the programme: the active modules in order and their progress rows (2 queries)."""

    def __init__(self, user):
        self.user = user
        self.modules: list[Module] = list(db.session.scalars(
            select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))
        self.by_slug = {m.slug: m for m in self.modules}
        self.progress: dict[int, ModuleProgress] = {p.module_id: p for p in db.session.scalars(
            select(ModuleProgress).where(ModuleProgress.user_id == user.id))}

    def completed(self, module: Module) -> bool:
        p = self.progress.get(module.id)
        return p is not None and p.completed_at is not None

    def lock_reason(self, module: Module) -> str | None:
        """Why the module is locked ("Complete X first"), or None when it is open to this learner."""
        return lock_reason(module, self.by_slug, lambda m: self.completed(m))


def lock_reason(module, by_slug: dict, completed) -> str | None:
    """Why `module` is locked for a learner ("Complete X first"), or None; `completed(module)` says which
    prerequisite modules they have finished. Works on content rows and on snapshot views alike."""
    missing = [by_slug[s].title for s in module.prerequisites if s in by_slug and not completed(by_slug[s])]
    if not missing:
        return None
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return f"Complete {names} first: this module builds on {'it' if len(missing) == 1 else 'them'}."


def _ensure_open(user, module: Module) -> Standing:
    if module.retired_at is not None:
        raise ServiceError("This module is no longer part of the programme. Go to My programme to continue.")
    standing = Standing(user)
    reason = standing.lock_reason(module)
    if reason:
        raise ServiceError(reason)
    return standing


def progress_for(user, module: Module) -> ModuleProgress:
    """The learner's progress row for the module, created (started now) when there is none."""
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id,
                                                              ModuleProgress.module_id == module.id))
    if progress is None:
        progress = ModuleProgress(user_id=user.id, module_id=module.id, started_at=utcnow(), units_read=0)
        db.session.add(progress)
        db.session.flush()
    return progress


def _units_status(user, module: Module) -> tuple[int, int]:
    """(active units in the module, how many of them the learner has read)."""
    row = db.session.execute(
        select(func.count(Unit.id), func.count(UnitRead.id))
        .select_from(Unit)
        .outerjoin(UnitRead, (UnitRead.unit_id == Unit.id) & (UnitRead.user_id == user.id))
        .where(Unit.module_id == module.id, Unit.retired_at.is_(None))).one()
    return row[0], row[1]


# Units

def mark_unit_read(user, unit: Unit) -> UnitRead:
    """Record that the learner read `unit` (once: marking it again keeps the first time)."""
    if unit.retired_at is not None:
        raise ServiceError("This page is no longer part of the course. Go back to the module to continue.")
    module = unit.module
    _ensure_open(user, module)
    read = db.session.scalar(select(UnitRead).where(UnitRead.user_id == user.id, UnitRead.unit_id == unit.id))
    if read is None:
        read = UnitRead(user_id=user.id, unit_id=unit.id, read_at=utcnow())
        db.session.add(read)
        db.session.flush()
    progress = progress_for(user, module)
    progress.units_read = _units_status(user, module)[1]
    check_completion(user, module)
    return read


# Knowledge check

def score_question(question: QuizQuestion, chosen: list[int]) -> bool:
    """Right when exactly the correct options are chosen (all that apply, for a multiple-answer question)."""
    correct = {n for n, option in enumerate(question.options, 1) if option["correct"]}
    return set(chosen) == correct


def submit_quiz(user, quiz: Quiz, answers: dict[str, list[int]]) -> QuizAttempt:
    """Score and keep an attempt; answers map question slug -> chosen option positions (from 1)."""
    if quiz.retired_at is not None:
        raise ServiceError("This knowledge check is no longer part of the course. Go back to the module.")
    _ensure_open(user, quiz.module)
    questions = [q for q in quiz.questions if q.retired_at is None]
    clean: dict[str, list[int]] = {}
    right = 0
    for n, q in enumerate(questions, 1):
        chosen = sorted(set(answers.get(q.slug) or []))
        if not chosen:
            raise ServiceError(f"Answer question {n}: choose {'all the options that apply' if q.multiple else 'one option'}.",
                               field=q.slug)
        if any(c < 1 or c > len(q.options) for c in chosen) or (not q.multiple and len(chosen) > 1):
            raise ServiceError(f"Question {n}: choose {'from the options shown' if q.multiple else 'one option'}.",
                               field=q.slug)
        clean[q.slug] = chosen
        right += score_question(q, chosen)
    total = len(questions)
    passed = total > 0 and right * 100 >= quiz.pass_mark * total
    attempt = QuizAttempt(user_id=user.id, quiz_id=quiz.id, answers=clean, correct=right, total=total,
                          score=right * 100 // total if total else 0, passed=passed, submitted_at=utcnow())
    db.session.add(attempt)
    progress = progress_for(user, quiz.module)
    if passed and progress.quiz_passed_at is None:
        progress.quiz_passed_at = attempt.submitted_at
    db.session.flush()
    check_completion(user, quiz.module)
    return attempt


# Solo practice

def start_practice(user, scenario: Scenario) -> PracticeAttempt:
    """Begin a new attempt at a solo scenario (earlier attempts stay as they were)."""
    if scenario.kind != "solo" or scenario.retired_at is not None:
        raise ServiceError("This scenario is not available for solo practice. Choose one from the module page.")
    _ensure_open(user, scenario.module)
    progress_for(user, scenario.module)
    attempt = PracticeAttempt(user_id=user.id, scenario_id=scenario.id, path=[], current_node=scenario.data["start"],
                              started_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    return attempt


def choose(user, attempt: PracticeAttempt, choice: int) -> PracticeAttempt:
    """Take response number `choice` (from 1) at the attempt's current node; record the ending when reached."""
    if attempt.user_id != user.id:
        raise ServiceError("This is not your practice attempt. Start your own from the module page.")
    if attempt.finished:
        raise ServiceError("This attempt has reached its ending. Start again to try a different path.")
    scenario = attempt.scenario
    _ensure_open(user, scenario.module)
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
        progress = progress_for(user, scenario.module)
        if progress.practice_done_at is None:
            progress.practice_done_at = now
        db.session.flush()
        check_completion(user, scenario.module)
    else:
        attempt.current_node = nxt
        db.session.flush()
    return attempt


# Completion

def unmet_requirements(user, module: Module, progress: ModuleProgress | None) -> list[str]:
    """The module's completion rules the learner has not met yet (empty: all met)."""
    unmet = []
    if module.requires_units:
        total, read = _units_status(user, module)
        if read < total:
            unmet.append("units")
    for name, done in (("quiz", progress and progress.quiz_passed_at), ("practice", progress and progress.practice_done_at),
                       ("reflection", progress and progress.reflection_done_at),
                       ("workshop", progress and progress.workshop_done_at)):
        if getattr(module, f"requires_{name}") and not done:
            unmet.append(name)
    # "Attended the core": the workshops feature's multi-session rule (every session of a core workshop).
    if module.requires_core and not workshop_services.attended_core(user.id):
        unmet.append("core")
    return unmet


def check_completion(user, module: Module) -> bool:
    """Complete the module when its last requirement is met (announcing `module_completed`); True if complete.

    A module whose prerequisites are not complete cannot complete; completing one re-checks the modules that
    were waiting on it (their other requirements may already be met, e.g. by a workshop covering both).
    """
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id,
                                                              ModuleProgress.module_id == module.id))
    if progress is not None and progress.completed_at is not None:
        return True
    if module.retired_at is not None or Standing(user).lock_reason(module):
        return False
    if unmet_requirements(user, module, progress):
        return False
    progress = progress or progress_for(user, module)
    progress.completed_at = utcnow()
    db.session.flush()
    signals.module_completed.send(user, module=module, at=progress.completed_at)
    for later in db.session.scalars(select(Module).where(Module.retired_at.is_(None),
                                                         Module.position > module.position)):
        if module.slug in later.prerequisites and db.session.scalar(
                select(ModuleProgress.id).where(ModuleProgress.user_id == user.id,
                                                ModuleProgress.module_id == later.id)):
            check_completion(user, later)
    return True


def _active_module(slug: str | None) -> Module | None:
    if not slug:
        return None
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))


def record_reflection(user, module_slug: str | None, at=None, **_ignored) -> None:
    """The "reflection written" rule: a reflective entry linked to a module counts for it."""
    module = _active_module(module_slug)
    if module is None:
        return
    progress = progress_for(user, module)
    if progress.reflection_done_at is None:
        progress.reflection_done_at = at or utcnow()
        db.session.flush()
    check_completion(user, module)


def record_workshop(user, module_slugs: list[str] | None = None, at=None, workshop=None, **_ignored) -> None:
    """The "workshop attended" rule: attending a workshop counts for each module it covers (only a workshop of
    the module's `workshop_kind`, when it names one). Attending a core workshop re-checks the modules that require
    the core, for learners who have started them."""
    kind = getattr(getattr(workshop, "kind", None), "value", None)
    for slug in module_slugs or []:
        module = _active_module(slug)
        if module is None or (module.workshop_kind and kind and module.workshop_kind != kind):
            continue
        progress = progress_for(user, module)
        if progress.workshop_done_at is None:
            progress.workshop_done_at = at or utcnow()
            db.session.flush()
        check_completion(user, module)
    if kind == "core":
        started = db.session.scalars(select(Module).join(ModuleProgress, ModuleProgress.module_id == Module.id).where(
            ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_(None), Module.requires_core.is_(True),
            Module.retired_at.is_(None)).order_by(Module.position)).all()
        for module in started:
            check_completion(user, module)


signals.reflection_written.connect(record_reflection)
signals.workshop_attended.connect(record_workshop)
