"""Demo step: learners at every stage of the programme, created through the learning services.

Requirements that belong to other features (a reflective log entry, a workshop) are met by their demo steps:
they announce `reflection_written` / `workshop_attended`, and the learning receivers complete the module then.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain.content import snapshot
from equiptrain.content.models import Module, Scenario
from equiptrain.content.sync import current_tree_hash, sync_course
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning import services


def _active(model, module: Module):
    return list(
        db.session.scalars(
            select(model).where(model.module_id == module.id, model.retired_at.is_(None)).order_by(model.position)
        )
    )


def _read(user, module: Module, how_many: int | None = None) -> None:
    view = snapshot.current().by_id[module.id]
    record = records.load(user.id)
    for unit in view.units[:how_many]:
        services.mark_unit_read(user, record, view, unit)


def _quiz(user, module: Module, first_try_wrong: bool = False) -> None:
    quiz = module.quiz
    if quiz is None:
        return
    right = {q.slug: [n for n, o in enumerate(q.options, 1) if o["correct"]] for q in quiz.questions}
    if first_try_wrong:
        wrong = {slug: [1 if answer != [1] else 2] for slug, answer in right.items()}
        services.submit_quiz(user, quiz, wrong)
    services.submit_quiz(user, quiz, right)


def _route(nodes: dict, start: str, want_good: bool) -> list[int]:
    """Choice positions along the shortest path to a good ending (or to any other ending), by breadth-first search."""
    queue: list[tuple[str, list[int]]] = [(start, [])]
    seen = {start}
    fallback = None
    while queue:
        slug, path = queue.pop(0)
        ending = nodes[slug]["ending"]
        if ending:
            if (ending["outcome"] == "good") == want_good:
                return path
            fallback = fallback or path
            continue
        for n, choice in enumerate(nodes[slug]["choices"], 1):
            if choice["next"] not in seen:
                seen.add(choice["next"])
                queue.append((choice["next"], path + [n]))
    return fallback or []


def _practise(user, module: Module, best: bool = True) -> None:
    """Walk the module's first solo scenario to a good ending (or, with best=False, a poorer one)."""
    solo = [s for s in _active(Scenario, module) if s.kind == "solo"]
    if not solo:
        return
    scenario = solo[0]
    attempt = services.start_practice(user, scenario)
    for pick in _route(scenario.data["nodes"], scenario.data["start"], best):
        services.choose(user, attempt, pick)


def _everything_open(user, module: Module) -> None:
    _read(user, module)
    _quiz(user, module, first_try_wrong=module.position == 1)
    _practise(user, module, best=module.position != 1)
    if module.position == 1:
        _practise(user, module, best=True)  # a second go after a poorer first ending


def load(world: dict) -> None:
    if current_tree_hash() is None:
        sync_course(Path(current_app.config["CONTENT_DIR"]))
    people = world["people"]
    modules = list(db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))
    if not modules:
        return
    by_slug = {m.slug: m for m in modules}
    # Finished modules 1 and 2 (module 2 completes once the reflection demo links an entry to it).
    for slug in ("foundations", "listening"):
        if slug in by_slug:
            _everything_open(people["nurse"], by_slug[slug])
    # Part-way through module 1.
    _read(people["social-worker"], modules[0], 3)
    # Module 1 complete on the ward; a first page read in crisis.
    _everything_open(people["ward-nurse-1"], modules[0])
    _read(people["crisis-nurse"], modules[0], 1)
    _read(people["psychiatrist"], modules[0])  # every page read, knowledge check not yet taken
    # Everything the graduated order allows.
    ot = people["ot"]
    for module in modules:
        course = snapshot.current()
        if records.lock_reason(course, records.load(ot.id), course.by_id[module.id]) is None:
            _everything_open(ot, module)
    world["learning"] = {"modules": by_slug}
