"""What the queue and the outbox are doing, for `equiptrain jobs status` and the administrators' page, and the
administrator's retry."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs import outbox, queue, schedule
from equiptrain.jobs.models import FAILED, PENDING, OutboxItem

HEARTBEAT_KEY = "equiptrain.heartbeat"
# A consumer ticks every minute; one not heard from for this long is taken to be stopped.
QUIET_AFTER = dt.timedelta(minutes=3)


@dataclass
class ScheduleLine:
    name: str
    description: str
    every: str
    last_period: str | None
    last_error: str | None
    next_run: dt.datetime


@dataclass
class Status:
    queued: int
    scheduled: int
    consumer_seen_at: dt.datetime | None
    outbox_pending: int
    outbox_failed: list[OutboxItem] = field(default_factory=list)
    outbox_retrying: list[OutboxItem] = field(default_factory=list)
    schedules: list[ScheduleLine] = field(default_factory=list)

    @property
    def consumer_running(self) -> bool:
        return self.consumer_seen_at is not None and utcnow() - self.consumer_seen_at < QUIET_AFTER

    @property
    def summary(self) -> str:
        if self.consumer_running:
            return "A consumer is running: jobs are being done."
        if self.consumer_seen_at is None:
            return "No consumer has run yet: jobs wait until one starts (equiptrain worker, or equiptrain serve)."
        return (
            f"No consumer has been heard from since {self.consumer_seen_at:%d %B %Y at %H:%M} UTC: jobs wait "
            "until one starts (equiptrain worker, or equiptrain serve)."
        )


def beat(jobs: queue.Jobs) -> None:
    """A consumer's sign of life, written by its every-minute tick."""
    jobs.huey.put(HEARTBEAT_KEY, time.time())


def consumer_seen_at(jobs: queue.Jobs) -> dt.datetime | None:
    value = jobs.huey.get(HEARTBEAT_KEY, peek=True)
    return dt.datetime.fromtimestamp(value, dt.UTC) if value else None


def status() -> Status:
    jobs = queue.jobs()
    queued, scheduled = jobs.counts()
    pending = db.session.scalar(select(func.count(OutboxItem.id)).where(OutboxItem.status == PENDING)) or 0
    failed = list(
        db.session.scalars(
            select(OutboxItem).where(OutboxItem.status == FAILED).order_by(OutboxItem.id.desc()).limit(50)
        )
    )
    retrying = list(
        db.session.scalars(
            select(OutboxItem)
            .where(OutboxItem.status == PENDING, OutboxItem.attempts > 0)
            .order_by(OutboxItem.id.desc())
            .limit(50)
        )
    )
    last = schedule.last_runs()
    now = utcnow()
    lines = [
        ScheduleLine(
            p.name,
            p.description,
            p.every,
            last[p.name].period if p.name in last else None,
            last[p.name].error if p.name in last else None,
            p.next_run(now),
        )
        for p in schedule.registered()
    ]
    return Status(queued, scheduled, consumer_seen_at(jobs), pending, failed, retrying, lines)


def retry(ident: str) -> str:
    """Retry an outbox row by its number, or let a scheduled task run again by its name; says what it did."""
    if ident.isdigit():
        item = outbox.retry(int(ident))
        return f"Job {item.id} ({item.kind} to {item.recipient or 'its destination'}) will be tried again now."
    if schedule.forget(ident):
        return f"{ident} will run again at the next tick (or run `equiptrain jobs run-due`)."
    return f"{ident} has not run in this period: it will run when due."
