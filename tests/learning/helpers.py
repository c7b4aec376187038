"""Helpers for the learning tests: a small synced course (tests/content/trees.py) and shortcuts through the
services to put a learner at any point of a module."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from equiptrain.content import snapshot
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.content.snapshot import ModuleView
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning import services
from equiptrain.learning.models import ModuleProgress

# Where tests/conftest.py wrote the course it synced at the start of the run.
COURSE: dict[str, Path] = {}


def sync_small_course(root: Path) -> Path:
    """The small valid course (foundations, listening) under `root`: a copy of the files the test run synced
    once at its start (tests/conftest.py), so the database already holds it; a test that edits the copy syncs
    it itself."""
    if not (root / "programme.yaml").exists():
        shutil.copytree(COURSE["root"], root, dirs_exist_ok=True)
    return root


def module(slug: str) -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def unit(module_slug: str, unit_slug: str) -> Unit:
    return db.session.scalar(select(Unit).join(Module).where(Module.slug == module_slug, Unit.slug == unit_slug))


def view(slug: str) -> ModuleView:
    """The module as the course snapshot has it."""
    return snapshot.current().by_slug[slug]


def read_unit(user, module_slug: str, unit_slug: str) -> bool:
    module_view = view(module_slug)
    return services.mark_unit_read(user, records.load(user.id), module_view, module_view.unit(unit_slug)[1])


def read_all_units(user, slug: str) -> None:
    module_view = view(slug)
    record = records.load(user.id)
    for u in module_view.units:
        services.mark_unit_read(user, record, module_view, u)


def right_answers(quiz) -> dict[str, list[int]]:
    return {q.slug: [n for n, o in enumerate(q.options, 1) if o["correct"]] for q in quiz.questions}


def pass_quiz(user, slug: str):
    quiz = module(slug).quiz
    return services.submit_quiz(user, quiz, right_answers(quiz))


def solo(slug: str) -> Scenario:
    return db.session.scalar(select(Scenario).join(Module).where(Module.slug == slug, Scenario.kind == "solo"))


def finish_practice(user, slug: str, choices=(1, 1)):
    """Walk the test tree's solo scenario: (1, 1) reaches the good ending, (2,) the poor one."""
    attempt = services.start_practice(user, solo(slug))
    for choice in choices:
        services.choose(user, attempt, choice)
    return attempt


def write_reflection(user, slug: str) -> None:
    """What the reflection feature's `reflection_written` signal does here (other receivers left out)."""
    services.record_reflection(user, module_slug=slug, entry_id=1, at=utcnow())


def attend_workshop(user, *slugs: str) -> None:
    """What the workshops feature's `workshop_attended` signal does here (other receivers left out)."""
    services.record_workshop(user, module_slugs=list(slugs), hours=3.0, at=utcnow())


def complete(user, slug: str) -> None:
    read_all_units(user, slug)
    pass_quiz(user, slug)
    finish_practice(user, slug)
    write_reflection(user, slug)


def progress(user, slug: str) -> ModuleProgress | None:
    """The learner's summary row for the module, as the database holds it now."""
    return db.session.scalar(
        select(ModuleProgress)
        .join(Module)
        .where(ModuleProgress.user_id == user.id, Module.slug == slug)
        .execution_options(populate_existing=True)
    )
