"""An in-process, read-only copy of the active course for the pages learners open most.

Content changes only at sync, so each worker keeps one snapshot and checks at most every
CONTENT_CACHE_SECONDS (one small query) whether a sync has happened since; a sync in this process drops it
at once. The snapshot holds plain frozen objects, never ORM rows, so it is safe to share between requests.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from equiptrain.content.models import Module, Programme, Scenario, Unit
from equiptrain.content.provenance import describe
from equiptrain.extensions import db


@dataclass(frozen=True)
class UnitView:
    id: int
    slug: str
    title: str
    minutes: int
    position: int
    body_html: str
    made_by: tuple[str, ...] = ()  # "Written by ...", "Reviewed by ..." (content.provenance.describe)


@dataclass(frozen=True)
class ScenarioView:
    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class ModuleView:
    id: int
    slug: str
    position: int
    title: str
    summary: str
    estimated_minutes: int
    cpd_individual_hours: float
    cpd_participatory_hours: float
    prerequisites: tuple[str, ...]
    requires_units: bool
    requires_quiz: bool
    requires_practice: bool
    requires_reflection: bool
    requires_workshop: bool
    units: tuple[UnitView, ...]
    solo: tuple[ScenarioView, ...]  # solo practice scenarios, in order

    def unit(self, slug: str) -> tuple[int, UnitView] | None:
        return next(((i, u) for i, u in enumerate(self.units) if u.slug == slug), None)


@dataclass(frozen=True)
class CourseSnapshot:
    key: tuple | None
    title: str | None  # the programme's
    modules: tuple[ModuleView, ...]
    by_slug: dict[str, ModuleView] = field(hash=False)


def _key():
    row = db.session.execute(select(Programme.id, Programme.tree_hash, Programme.synced_at)
                             .order_by(Programme.id).limit(1)).first()
    return tuple(row) if row else None


def _build(key) -> CourseSnapshot:
    title = db.session.scalar(select(Programme.title).where(Programme.id == key[0])) if key else None
    modules = db.session.execute(
        select(Module.id, Module.slug, Module.position, Module.title, Module.summary, Module.estimated_minutes,
               Module.cpd_individual_hours, Module.cpd_participatory_hours, Module.prerequisites,
               Module.requires_units, Module.requires_quiz, Module.requires_practice, Module.requires_reflection,
               Module.requires_workshop)
        .where(Module.retired_at.is_(None)).order_by(Module.position)).all()
    units: dict[int, list[UnitView]] = {}
    for row in db.session.execute(select(Unit.module_id, Unit.id, Unit.slug, Unit.title, Unit.minutes,
                                         Unit.position, Unit.body_html, Unit.provenance)
                                  .where(Unit.retired_at.is_(None)).order_by(Unit.module_id, Unit.position)):
        units.setdefault(row.module_id, []).append(UnitView(row.id, row.slug, row.title, row.minutes, row.position,
                                                            row.body_html, tuple(describe(row.provenance))))
    solo: dict[int, list[ScenarioView]] = {}
    for row in db.session.execute(select(Scenario.module_id, Scenario.id, Scenario.slug, Scenario.title)
                                  .where(Scenario.retired_at.is_(None), Scenario.kind == "solo")
                                  .order_by(Scenario.module_id, Scenario.position)):
        solo.setdefault(row.module_id, []).append(ScenarioView(row.id, row.slug, row.title))
    views = tuple(ModuleView(
        m.id, m.slug, m.position, m.title, m.summary, m.estimated_minutes, m.cpd_individual_hours,
        m.cpd_participatory_hours, tuple(m.prerequisites or ()), m.requires_units, m.requires_quiz,
        m.requires_practice, m.requires_reflection, m.requires_workshop, tuple(units.get(m.id, ())),
        tuple(solo.get(m.id, ()))) for m in modules)
    return CourseSnapshot(key, title, views, {m.slug: m for m in views})


def current() -> CourseSnapshot:
    """The active course as this worker last saw it (rebuilt when a sync has happened since)."""
    app = current_app._get_current_object()
    seconds = app.config["CONTENT_CACHE_SECONDS"]
    if seconds is None:  # no copy kept (the tests' setting)
        return _build(_key())
    cached: tuple[float, CourseSnapshot] | None = app.extensions.get("equiptrain.course_snapshot")
    now = time.monotonic()
    if cached is not None and seconds and now - cached[0] < seconds:
        return cached[1]
    key = _key()
    if cached is not None and key is not None and cached[1].key == key:
        app.extensions["equiptrain.course_snapshot"] = (now, cached[1])
        return cached[1]
    snapshot = _build(key)
    if key is not None:
        app.extensions["equiptrain.course_snapshot"] = (now, snapshot)
    return snapshot


def invalidate() -> None:
    """Forget this worker's snapshot (called after a sync)."""
    current_app.extensions.pop("equiptrain.course_snapshot", None)
