"""Periodic tasks, run once per period however many consumers (or cron jobs) call `run_due`.

A feature registers one with `register(name, fn, every=..., description=...)` (e.g. the xAPI sender and the
nightly export). Each consumer's huey scheduler calls `run_due()` every minute; for every registered task whose
period has come, `run_due` first inserts its (name, period) row in `schedule_runs`: the unique pair means only
one consumer's insert succeeds (on PostgreSQL a second waits for the first to commit, then fails), and the task
runs in that same transaction, so its work and its claim commit together or not at all. `equiptrain jobs run-due`
calls the same function, for sites that prefer cron and for tests.

Cadences: "5min", "hour", "day" (at DAILY_HOUR UTC, or after it on the first tick of the day).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs.models import ScheduleRun

log = logging.getLogger(__name__)
CADENCES = ("5min", "hour", "day")


@dataclass(frozen=True)
class Periodic:
    name: str
    fn: Callable[[], object]
    every: str
    description: str

    def period(self, now: dt.datetime) -> str | None:
        """This moment's period key, or None while today's daily run is not yet due."""
        if self.every == "5min":
            return now.strftime("%Y-%m-%dT%H:") + f"{now.minute - now.minute % 5:02d}"
        if self.every == "hour":
            return now.strftime("%Y-%m-%dT%H")
        if now.hour < int(current_app.config["SCHEDULE_DAILY_HOUR"]):
            return None
        return now.strftime("%Y-%m-%d")

    def next_run(self, now: dt.datetime) -> dt.datetime:
        if self.every == "5min":
            start = now.replace(second=0, microsecond=0)
            return start + dt.timedelta(minutes=5 - now.minute % 5)
        if self.every == "hour":
            return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        at = now.replace(hour=int(current_app.config["SCHEDULE_DAILY_HOUR"]), minute=0, second=0, microsecond=0)
        return at if at > now else at + dt.timedelta(days=1)


_registry: dict[str, Periodic] = {}


def register(name: str, fn: Callable[[], object], *, every: str, description: str) -> None:
    """Run `fn()` once per period (`every`: "5min", "hour" or "day"), in a transaction that commits at its end."""
    if every not in CADENCES:
        raise ValueError(f"every must be one of {CADENCES}, not {every!r}")
    _registry[name] = Periodic(name, fn, every, description)


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.name)


def claim(name: str, period: str) -> ScheduleRun | None:
    """Insert the (name, period) row; None if another consumer has it already."""
    run = ScheduleRun(name=name, period=period, started_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return None
    return run


def run_due(now: dt.datetime | None = None, only: str | None = None) -> list[str]:
    """Run every registered task whose period has come and that no one has run for it; returns their names."""
    from equiptrain import transaction

    transaction.writes_now()
    ran = []
    for periodic in registered():
        if only and periodic.name != only:
            continue
        period = periodic.period(now or utcnow())
        if period is None:
            continue
        run = claim(periodic.name, period)
        if run is None:
            continue
        try:
            periodic.fn()
            run.finished_at = utcnow()
            db.session.commit()
            ran.append(periodic.name)
        except Exception as error:
            db.session.rollback()
            log.exception("scheduled task %s (%s) failed", periodic.name, period)
            # The failure is kept (the status page shows it) and this period is not tried again: `jobs retry`.
            failed = claim(periodic.name, period)
            if failed is not None:
                failed.error = f"{type(error).__name__}: {error}"[:2000]
                db.session.commit()
    db.session.commit()
    return ran


def forget(name: str) -> int:
    """Let a task run again in its current period (an administrator's retry after a failure)."""
    if name not in _registry:
        raise LookupError(f"There is no scheduled task called {name}.")
    period = _registry[name].period(utcnow()) or (utcnow() - dt.timedelta(days=1)).strftime("%Y-%m-%d")
    result = db.session.execute(delete(ScheduleRun).where(ScheduleRun.name == name, ScheduleRun.period == period))
    return int(getattr(result, "rowcount", 0) or 0)


def last_runs() -> dict[str, ScheduleRun]:
    latest = select(ScheduleRun.name, func.max(ScheduleRun.id).label("id")).group_by(ScheduleRun.name).subquery()
    rows = db.session.scalars(select(ScheduleRun).join(latest, latest.c.id == ScheduleRun.id))
    return {r.name: r for r in rows}


def prune() -> None:
    """Claims older than 60 days say nothing more (the audit log keeps what the tasks sent)."""
    db.session.execute(delete(ScheduleRun).where(ScheduleRun.started_at < utcnow() - dt.timedelta(days=60)))
