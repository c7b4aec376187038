"""Durable deliveries. A row is written in the transaction that causes it (`transaction.add_to_outbox`), a job
delivers it after commit, and the row says whether it went: the row, not the queue, is the truth.

A kind registers its deliverer: `register_kind("email", send_email)`. A deliverer raises `Retry` (or an
`OSError`) when the far end is unavailable: the row is tried again later with back-off (1, 5, 30 minutes, then
every 2 hours) until MAX_ATTEMPTS, then marked failed for an administrator to retry (`equiptrain jobs retry
ID`). `sweep()` (every 5 minutes, and when a consumer starts) queues again any row still pending
OUTBOX_SWEEP_AFTER_SECONDS after its next try was due, so a job lost
with a killed consumer or an unreachable queue is not lost for good. Delivery is at least once: a crash between
the far end accepting and the row being marked sends it again, with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select, update

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs.models import FAILED, PENDING, SENT, OutboxItem

log = logging.getLogger(__name__)
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = 8

_kinds: dict[str, Callable[[OutboxItem], None]] = {}


class Retry(Exception):
    """The far end is unavailable for now: try this delivery again later."""


def register_kind(kind: str, deliver_fn: Callable[[OutboxItem], None]) -> None:
    """Let `kind` rows be delivered by `deliver_fn(item)` (e.g. xAPI statements, exports)."""
    _kinds[kind] = deliver_fn


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts else dt.timedelta(0)


def deliver(item_id: int) -> None:
    """Deliver one row (the job queued after commit); nothing if it went already or is not due."""
    from equiptrain.jobs import queue
    from equiptrain.transaction import job_name

    item = db.session.get(OutboxItem, item_id)
    if item is None or item.status != PENDING:
        return
    deliver_fn = _kinds.get(item.kind)
    if deliver_fn is None:
        raise LookupError(f"no deliverer registered for outbox kind {item.kind!r}")
    try:
        deliver_fn(item)
    except (Retry, OSError, smtplib.SMTPException) as error:
        item.attempts += 1
        item.last_error = f"{type(error).__name__}: {error}"[:2000]
        if item.attempts >= MAX_ATTEMPTS:
            item.status = FAILED
            log.error("outbox %s (%s to %s) failed for good: %s", item.id, item.kind, item.recipient, error)
        else:
            wait = backoff(item.attempts)
            item.next_attempt_at = utcnow() + wait
            log.warning("outbox %s: %s; trying again in %s", item.id, error, wait)
            db.session.commit()
            queue.jobs().enqueue(job_name(deliver), (item.id,), {}, delay=wait.total_seconds())
        return
    item.status, item.sent_at, item.attempts = SENT, utcnow(), item.attempts + 1
    item.last_error = None
    # Once delivered the stored message is not needed again, and it may hold a sign-in link (an invitation, a
    # reset): keep what the person's list of messages shows (subject, date, Message-ID), not the body.
    item.body = None


def sweep() -> int:
    """Queue again every pending row whose next try is overdue (its job was lost); returns how many."""
    from equiptrain.transaction import after_commit

    wait = dt.timedelta(seconds=float(current_app.config["OUTBOX_SWEEP_AFTER_SECONDS"]))
    due = utcnow() - wait
    ids = list(
        db.session.scalars(
            select(OutboxItem.id)
            .where(OutboxItem.status == PENDING, OutboxItem.next_attempt_at < due)
            .order_by(OutboxItem.id)
            .limit(5000)
        )
    )
    if ids:
        # Pushed a little later, so a second sweep before these are delivered does not queue them again.
        db.session.execute(update(OutboxItem).where(OutboxItem.id.in_(ids)).values(next_attempt_at=utcnow() + wait))
        for item_id in ids:
            after_commit(deliver, item_id)
        log.info("outbox sweep: %s deliveries queued again", len(ids))
    return len(ids)


def retry(item_id: int) -> OutboxItem:
    """An administrator's retry of a failed (or stuck) row: tried again at once, attempts counted afresh."""
    from equiptrain.transaction import after_commit

    item = db.session.get(OutboxItem, item_id)
    if item is None:
        raise LookupError(f"There is no job {item_id}.")
    if item.status == SENT:
        raise ValueError(f"Job {item_id} was delivered on {item.sent_at:%d %B %Y at %H:%M}: nothing to retry.")
    item.status, item.attempts, item.next_attempt_at = PENDING, 0, utcnow()
    db.session.flush()
    after_commit(deliver, item.id)
    return item
