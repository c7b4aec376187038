"""An in-process, read-only copy of the active course for the pages learners open most.

Content changes only at sync, so each worker keeps one snapshot and checks at most every
CONTENT_CACHE_SECONDS (one small query) whether a sync has happened since; a sync in this process drops it
at once. The snapshot holds plain frozen objects, never ORM rows, so it is safe to share between requests.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlalchemy import select

from equiptrain.content import provenance
from equiptrain.content.models import Module, Programme, Quiz, Scenario, Unit
from equiptrain.db import Base
from equiptrain.extensions import db

# Columns no page reads: the sync's bookkeeping (and a scenario's data, which holds the role briefs).
_SKIPPED = frozenset({"content_hash", "retired_at", "data"})


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    return value


class ContentView:
    """A read-only copy of one content row: every column of its model (bar `_SKIPPED`), read by name.

    The views are derived from the models, so a column added to a model reaches the snapshot without being
    listed again here.
    """

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._values.get('slug') or self._values.get('id')}>"


class UnitView(ContentView):
    __slots__ = ()


class ScenarioView(ContentView):
    __slots__ = ()


class QuizView(ContentView):
    __slots__ = ()


class ModuleView(ContentView):
    """A module with its active units, scenarios (`solo`, `roleplays`) and knowledge check (`quiz`), in order."""

    __slots__ = ()
    requirements = Module.requirements  # the same rule as the row's, read from the same attributes

    def unit(self, slug: str) -> tuple[int, UnitView] | None:
        return next(((i, u) for i, u in enumerate(self.units) if u.slug == slug), None)


@dataclass(frozen=True)
class CourseSnapshot:
    key: tuple | None
    title: str | None  # the programme's
    modules: tuple[ModuleView, ...]
    by_slug: dict[str, ModuleView] = field(hash=False)
    by_id: dict[int, ModuleView] = field(hash=False)


def _key():
    row = db.session.execute(
        select(Programme.id, Programme.tree_hash, Programme.synced_at).order_by(Programme.id).limit(1)
    ).first()
    return tuple(row) if row else None


def _active(model: type[Base], *order: Any, extra: tuple[Any, ...] = ()) -> Iterable[dict[str, Any]]:
    """The model's active rows as {column: frozen value}, every column but the skipped ones, plus `extra`
    (labelled column expressions)."""
    table = model.__table__
    columns = [c for c in table.columns if c.key not in _SKIPPED]
    query = select(*columns, *extra).where(table.c.retired_at.is_(None)).order_by(*order)
    for row in db.session.execute(query):
        yield {k: _freeze(v) for k, v in row._asdict().items()}


def _build(key) -> CourseSnapshot:
    title = db.session.scalar(select(Programme.title).where(Programme.id == key[0])) if key else None
    children: dict[int, dict[str, list]] = {}

    def add(kind: str, view: ContentView) -> None:
        children.setdefault(view.module_id, {}).setdefault(kind, []).append(view)

    for values in _active(Unit, Unit.module_id, Unit.position):
        # Who wrote and reviewed the page, in the words the page shows: content, so worked out here, not per view.
        add("units", UnitView({**values, "made_by": tuple(provenance.describe(values["provenance"]))}))
    # A scenario's data holds its role briefs, which no page lists; only who wrote and reviewed it is kept.
    scenario_provenance = Scenario.data["provenance"].label("provenance")
    for values in _active(Scenario, Scenario.module_id, Scenario.position, extra=(scenario_provenance,)):
        add("solo" if values["kind"] == "solo" else "roleplays", ScenarioView(values))
    for values in _active(Quiz, Quiz.module_id):
        add("quiz", QuizView(values))
    views = []
    for values in _active(Module, Module.position):
        mine = children.get(values["id"], {})
        quiz = mine.get("quiz")
        views.append(
            ModuleView(
                {
                    **values,
                    "units": tuple(mine.get("units", ())),
                    "solo": tuple(mine.get("solo", ())),
                    "roleplays": tuple(mine.get("roleplays", ())),
                    "quiz": quiz[0] if quiz else None,
                }
            )
        )
    modules = tuple(views)
    return CourseSnapshot(key, title, modules, {m.slug: m for m in modules}, {m.id: m for m in modules})


def current() -> CourseSnapshot:
    """The active course as this worker last saw it (rebuilt when a sync has happened since)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
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
