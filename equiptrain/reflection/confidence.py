"""The confidence self-assessment: the items and scale come from course_content/confidence.yaml (synced to
`confidence_items` and `Programme.confidence_scale`); a learner answers before a module and after it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from equiptrain import signals
from equiptrain.accounts.models import User
from equiptrain.content.models import ConfidenceItem, Module, Programme
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.reflection.models import ConfidenceResponse

PHASES = {"before": "before you start", "after": "now that you have completed it"}
DEFAULT_SCALE = {"min": 1, "max": 5, "labels": {}}


def scale() -> dict:
    programme = db.session.scalar(select(Programme).limit(1))
    found = (programme.confidence_scale if programme else None) or {}
    return {**DEFAULT_SCALE, **found}


def items() -> list[ConfidenceItem]:
    return list(
        db.session.scalars(
            select(ConfidenceItem).where(ConfidenceItem.retired_at.is_(None)).order_by(ConfidenceItem.position)
        )
    )


def response_for(user: User, module: Module, phase: str) -> ConfidenceResponse | None:
    return db.session.scalar(
        select(ConfidenceResponse).where(
            ConfidenceResponse.user_id == user.id,
            ConfidenceResponse.module_id == module.id,
            ConfidenceResponse.phase == phase,
        )
    )


def answer(user: User, module: Module, phase: str, answers: dict[str, int]) -> ConfidenceResponse:
    """Record the learner's answers for one phase of one module (once: the first answer is the baseline)."""
    if phase not in PHASES:
        raise ServiceError("Answer the questions before or after a module.")
    if response_for(user, module, phase) is not None:
        raise ServiceError(f"You have already answered these questions {PHASES[phase]} {module.title}.")
    if phase == "after" and not _completed(user, module):
        raise ServiceError(f"Answer these questions when you have completed {module.title}.")
    s = scale()
    low, high = int(s["min"]), int(s["max"])
    wanted = {i.slug for i in items()}
    clean = {}
    for slug in wanted:
        given = answers.get(slug)
        try:
            if given is None:
                raise ValueError(slug)
            value = int(given)
        except (TypeError, ValueError):
            raise ServiceError(f"Answer every question: choose a number from {low} to {high}.", slug) from None
        if not low <= value <= high:
            raise ServiceError(f"Choose a number from {low} to {high}.", slug)
        clean[slug] = value
    if not clean:
        raise ServiceError("There are no confidence questions yet: the course content has not been loaded.")
    response = ConfidenceResponse(
        user_id=user.id, module_id=module.id, phase=phase, answers=clean, answered_at=utcnow()
    )
    db.session.add(response)
    db.session.flush()
    signals.confidence_answered.send(user, module=module, phase=phase, response_id=response.id, at=response.answered_at)
    return response


@dataclass(frozen=True)
class ModuleChange:
    module: Module
    before: dict | None
    after: dict | None


def my_changes(user: User) -> list[ModuleChange]:
    """The learner's answers grouped by module, in course order (one query)."""
    rows = db.session.execute(
        select(ConfidenceResponse, Module)
        .join(Module, Module.id == ConfidenceResponse.module_id)
        .where(ConfidenceResponse.user_id == user.id)
        .order_by(Module.position)
    ).all()
    by_module: dict[int, dict] = {}
    for response, module in rows:
        slot = by_module.setdefault(module.id, {"module": module, "before": None, "after": None})
        slot[response.phase] = response.answers
    return [ModuleChange(**v) for v in by_module.values()]


def _completed(user: User, module: Module) -> bool:
    return (
        db.session.scalar(
            select(ModuleProgress.completed_at).where(
                ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id
            )
        )
        is not None
    )


def phase_to_ask(user: User, module_id: int, module_complete: bool) -> str | None:
    """The questionnaire a module page invites the learner to answer: "before" until they have, then "after"
    once the module is complete and they have not (1 query)."""
    phase = "after" if module_complete else "before"
    answered = db.session.scalar(
        select(ConfidenceResponse.id)
        .where(
            ConfidenceResponse.user_id == user.id,
            ConfidenceResponse.module_id == module_id,
            ConfidenceResponse.phase == phase,
        )
        .limit(1)
    )
    return None if answered else phase


def pending(user: User) -> list[tuple[Module, str]]:
    """Questionnaires waiting: modules started without a 'before' answer, completed without an 'after' one."""
    progress = ModuleProgress
    answered = {
        (r.module_id, r.phase)
        for r in db.session.execute(
            select(ConfidenceResponse.module_id, ConfidenceResponse.phase).where(ConfidenceResponse.user_id == user.id)
        )
    }
    rows = db.session.execute(
        select(Module, progress.started_at, progress.completed_at)
        .join(progress, progress.module_id == Module.id)
        .where(progress.user_id == user.id, Module.retired_at.is_(None))
        .order_by(Module.position)
    ).all()
    waiting = []
    for module, started_at, completed_at in rows:
        if started_at is not None and completed_at is None and (module.id, "before") not in answered:
            waiting.append((module, "before"))
        if completed_at is not None and (module.id, "after") not in answered:
            waiting.append((module, "after"))
    return waiting
