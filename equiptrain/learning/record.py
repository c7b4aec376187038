"""The learner's record: what the pages and the rules need to know about one person's learning, in one query.

The record holds their per-module summaries (the `module_progress` rows, as plain values) and the units they
have read. Together with the course snapshot it answers every question the learner pages ask (is a module
locked, what is done, what comes next) without another query. The services keep the record in step with
what they write, so one request loads it once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, String, bindparam, cast, func, null, select, union_all

from equiptrain.content.snapshot import CourseSnapshot, ModuleView
from equiptrain.extensions import db

from .models import ModuleProgress, ProgressStatus, UnitRead

# The stored statuses, and what a module with no summary is, worked out from its prerequisites (see ProgressStatus)
IN_PROGRESS, COMPLETE = ProgressStatus.IN_PROGRESS, ProgressStatus.COMPLETE
LOCKED, AVAILABLE = ProgressStatus.LOCKED, ProgressStatus.AVAILABLE

STEPS = ("quiz", "practice", "reflection", "workshop")  # the completion steps besides reading the units
REQUIRES = tuple(f"requires_{step}" for step in STEPS)  # the module's switch for each step
STAMPS = {
    "quiz": "quiz_passed_at",
    "practice": "practice_done_at",
    "reflection": "reflection_done_at",
    "workshop": "workshop_done_at",
}


@dataclass
class Summary:
    """One `module_progress` row's values."""

    module_id: int
    status: str
    started_at: dt.datetime
    units_read: int
    steps_done: int
    quiz_passed_at: dt.datetime | None = None
    practice_done_at: dt.datetime | None = None
    reflection_done_at: dt.datetime | None = None
    workshop_done_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    def done(self, step: str) -> bool:
        return getattr(self, STAMPS[step]) is not None


SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(Summary))


@dataclass
class LearnerRecord:
    user_id: int
    summaries: dict[int, Summary] = field(default_factory=dict)
    read_unit_ids: set[int] = field(default_factory=set)

    def summary(self, module_id: int) -> Summary | None:
        return self.summaries.get(module_id)

    def completed(self, module_id: int) -> bool:
        found = self.summaries.get(module_id)
        return found is not None and found.complete


# The progress rows and the units read in one statement: a row per module summary, then one row carrying the ids of
# every unit read (joined with commas by the database), so the statement returns one row per module the learner has
# started plus one, however many units they have read.
_RECORD: CompoundSelect = union_all(
    select(*(getattr(ModuleProgress, f) for f in SUMMARY_FIELDS), cast(null(), String)).where(
        ModuleProgress.user_id == bindparam("user_id")
    ),
    select(*(null() for _ in SUMMARY_FIELDS), func.aggregate_strings(cast(UnitRead.unit_id, String), ",")).where(
        UnitRead.user_id == bindparam("user_id")
    ),
)


def load(user_id: int) -> LearnerRecord:
    """The learner's record (1 query)."""
    record = LearnerRecord(user_id)
    for row in db.session.execute(_RECORD, {"user_id": user_id}):
        if row[0] is not None:
            summary = Summary(*row[:-1])
            record.summaries[summary.module_id] = summary
        elif row[-1]:
            record.read_unit_ids.update(map(int, row[-1].split(",")))
    return record


def summary_from(row: Any) -> Summary:
    return Summary(*(getattr(row, f) for f in SUMMARY_FIELDS))


def lock_reason(course: CourseSnapshot, record: LearnerRecord, module: ModuleView) -> str | None:
    """Why `module` is locked for this learner ("Complete X first: ..."), or None when it is open."""
    missing = [
        course.by_slug[s].title
        for s in module.prerequisites
        if s in course.by_slug and not record.completed(course.by_slug[s].id)
    ]
    if not missing:
        return None
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return f"Complete {names} first: this module builds on {'it' if len(missing) == 1 else 'them'}."


def steps_total(module: ModuleView) -> int:
    """The module's completion steps: each unit when reading them all is required, and each other rule."""
    return (len(module.units) if module.requires_units else 0) + sum(bool(getattr(module, r)) for r in REQUIRES)


def unmet(module: ModuleView, summary: Summary | None) -> list[str]:
    """The module's completion rules this summary does not meet yet, in the order a learner meets them."""
    missing = []
    if module.requires_units and (summary is None or summary.units_read < len(module.units)):
        missing.append("units")
    for step, required in zip(STEPS, REQUIRES, strict=True):
        if getattr(module, required) and (summary is None or not summary.done(step)):
            missing.append(step)
    return missing
