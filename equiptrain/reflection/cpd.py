"""The CPD record: entries added by module completions and workshop attendance (idempotently, through the
signals), entries added by hand, and totals over a 3-year revalidation window against the NMC requirements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from equiptrain.accounts.models import User
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection.models import CPDEntry, ReflectiveEntry

# NMC revalidation, every 3 years: 35 hours of CPD (20 participatory) and 5 written reflective accounts.
REQUIRED_HOURS = 35
REQUIRED_PARTICIPATORY = 20
REQUIRED_ACCOUNTS = 5
WINDOW_YEARS = 3
KINDS = {"participatory": "Participatory", "individual": "Individual"}
SOURCES = {"module": "Course module", "workshop": "Workshop", "manual": "Added by you"}


def _add_automatic(
    user: User, source: str, ref: str, *, title: str, hours: float, kind: str, at: dt.datetime
) -> CPDEntry | None:
    existing = db.session.scalar(select(CPDEntry).where(CPDEntry.user_id == user.id, CPDEntry.source_ref == ref))
    if existing is not None or not hours or hours <= 0:
        return existing
    entry = CPDEntry(
        user_id=user.id,
        date=at.date(),
        hours=float(hours),
        kind=kind,
        title=title[:200],
        source=source,
        source_ref=ref,
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_module_cpd(user: User, module, at: dt.datetime) -> CPDEntry | None:
    """Individual CPD for completing a module (once per module)."""
    return _add_automatic(
        user,
        "module",
        f"module:{module.slug}",
        title=f"EQUIP module: {module.title}",
        hours=module.cpd_individual_hours,
        kind="individual",
        at=at,
    )


def record_workshop_cpd(user: User, workshop, hours: float, at: dt.datetime, module_slugs=()) -> CPDEntry | None:
    """Participatory CPD for attending a workshop (once per workshop)."""
    title = getattr(workshop, "title", None) or "EQUIP workshop"
    return _add_automatic(
        user, "workshop", f"workshop:{workshop.id}", title=title, hours=hours, kind="participatory", at=at
    )


def on_module_completed(user, module, at, **_):
    record_module_cpd(user, module, at)


def on_workshop_attended(user, workshop, hours, at, module_slugs=(), **_):
    """Participatory CPD for a workshop attended in full or in part."""
    record_workshop_cpd(user, workshop, hours, at, module_slugs)


def add_manual(
    user: User, *, date: dt.date, hours: float, kind: str, title: str, description: str | None = None
) -> CPDEntry:
    """CPD the learner did elsewhere: a course, a conference, supervision, reading."""
    if kind not in KINDS:
        raise ServiceError("Choose whether the activity was participatory or individual.", "kind")
    if hours is None or hours <= 0 or hours > 100:
        raise ServiceError("Enter the hours as a number between 0.25 and 100, for example 1.5.", "hours")
    if date > dt.date.today():
        raise ServiceError("The date cannot be in the future: enter the date you did the activity.", "date")
    if not (title or "").strip():
        raise ServiceError("Enter what the activity was.", "title")
    entry = CPDEntry(
        user_id=user.id,
        date=date,
        hours=round(float(hours), 2),
        kind=kind,
        title=title.strip()[:200],
        description=(description or "").strip() or None,
        source="manual",
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def delete_manual(user: User, entry: CPDEntry) -> None:
    """Remove an entry the learner added by hand (automatic ones follow the learning record)."""
    if entry.user_id != user.id:
        raise ServiceError("You can only remove your own CPD entries.")
    if entry.source != "manual":
        raise ServiceError(
            "This entry was added by the platform when you completed a module or attended a "
            "workshop, so it cannot be removed."
        )
    db.session.delete(entry)
    db.session.flush()


def window_for(ends: dt.date) -> tuple[dt.date, dt.date]:
    """The 3 years up to and including `ends` (your revalidation date)."""
    try:
        starts = ends.replace(year=ends.year - WINDOW_YEARS)
    except ValueError:  # 29 February
        starts = ends.replace(year=ends.year - WINDOW_YEARS, day=28)
    return starts + dt.timedelta(days=1), ends


@dataclass(frozen=True)
class Totals:
    starts: dt.date
    ends: dt.date
    hours: float
    participatory: float
    accounts: int

    @property
    def individual(self) -> float:
        return round(self.hours - self.participatory, 2)

    @property
    def hours_left(self) -> float:
        return max(0.0, round(REQUIRED_HOURS - self.hours, 2))

    @property
    def participatory_left(self) -> float:
        return max(0.0, round(REQUIRED_PARTICIPATORY - self.participatory, 2))

    @property
    def accounts_left(self) -> int:
        return max(0, REQUIRED_ACCOUNTS - self.accounts)

    @property
    def met(self) -> bool:
        return not (self.hours_left or self.participatory_left or self.accounts_left)


def totals(user: User, ends: dt.date) -> Totals:
    """CPD hours, participatory hours and NMC reflective accounts inside the window ending on `ends`."""
    starts, ends = window_for(ends)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(CPDEntry.hours), 0.0),
            func.coalesce(func.sum(CPDEntry.hours).filter(CPDEntry.kind == "participatory"), 0.0),
        ).where(CPDEntry.user_id == user.id, CPDEntry.date >= starts, CPDEntry.date <= ends)
    ).one()
    start_at = dt.datetime.combine(starts, dt.time.min, tzinfo=dt.UTC)
    end_at = dt.datetime.combine(ends + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    accounts = db.session.scalar(
        select(func.count(ReflectiveEntry.id)).where(
            ReflectiveEntry.author_id == user.id,
            ReflectiveEntry.template == "nmc",
            ReflectiveEntry.created_at >= start_at,
            ReflectiveEntry.created_at < end_at,
        )
    )
    return Totals(starts, ends, round(float(row[0]), 2), round(float(row[1]), 2), accounts or 0)


def entries_in_window(user: User, starts: dt.date, ends: dt.date) -> list[CPDEntry]:
    return list(
        db.session.scalars(
            select(CPDEntry)
            .where(CPDEntry.user_id == user.id, CPDEntry.date >= starts, CPDEntry.date <= ends)
            .order_by(CPDEntry.date.desc(), CPDEntry.id.desc())
        )
    )
