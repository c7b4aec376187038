"""Invitations for many people at once (after an import), sent in batches off the request that asked for them.

`queue_invitations` records who to invite (in the request's transaction); `send_batches` sends them, one batch
per transaction, and is what the background task and `equiptrain users send-invitations` run. Each batch commits
its progress with its audit records and its emails' outbox rows (see `mail`), so a worker that dies stops between
batches: the batch in flight is done again from the start (its rows were never committed), and every committed
email is delivered by the outbox, however often workers die. `resume_stalled` starts again any run
whose worker has gone quiet; the progress page and the CLI call it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from equiptrain import transaction
from equiptrain.accounts.models import BulkInvitation, Organisation, User
from equiptrain.accounts.services import invite
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs import queue

log = logging.getLogger(__name__)
# A run whose worker has not reported for this long is taken to have stopped (a batch of 50 takes seconds with
# the outbox, under a minute through a slow SMTP server).
STALLED_AFTER = dt.timedelta(minutes=5)


def queue_invitations(actor: User | None, organisation: Organisation, users: list[User]) -> BulkInvitation:
    """Record that `users` are to be invited; the caller starts `send_batches` once this commits."""
    run = BulkInvitation(
        organisation_id=organisation.id,
        actor_id=actor.id if actor else None,
        user_ids=[u.id for u in users],
        done=0,
        sent=0,
        skipped=0,
    )
    db.session.add(run)
    db.session.flush()
    return run


def start(run_id: int) -> None:
    """Send a run's invitations by a job, once the current transaction commits."""
    transaction.after_commit(send_batches, run_id)


def _claim(run: BulkInvitation, seen: dt.datetime) -> bool:
    """Mark the run as being worked on now, unless another worker touched it since `seen` (two pages asking at
    once start it only once)."""
    result = cast(
        CursorResult,
        db.session.execute(
            update(BulkInvitation)
            .where(BulkInvitation.id == run.id, BulkInvitation.updated_at == seen, BulkInvitation.finished_at.is_(None))
            .values(updated_at=utcnow())
            .execution_options(synchronize_session="fetch")
        ),
    )
    return result.rowcount == 1


def send_batches(run_id: int, *, progress=None) -> BulkInvitation | None:
    """Send the rest of a run's invitations, committing after each batch. `progress(run)` is called after each
    batch (the CLI prints it)."""
    size = int(current_app.config["INVITATION_BATCH_SIZE"])
    while True:
        run = db.session.get(BulkInvitation, run_id)
        if run is None or run.finished_at is not None:
            return run
        ids = run.user_ids[run.done : run.done + size]
        if not ids:
            run.finished_at = run.updated_at = utcnow()
            db.session.commit()
            return run
        actor = db.session.get(User, run.actor_id) if run.actor_id else None
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        for user_id in ids:
            user = users.get(user_id)
            if user is None or user.has_password or not user.is_active:
                run.skipped += 1
                continue
            invite(actor, user)
            run.sent += 1
        run.done += len(ids)
        run.updated_at = utcnow()
        db.session.commit()
        if progress is not None:
            progress(run)
        if queue.stopping():
            log.info("bulk invitations %s stopped at %s of %s as the process exits", run.id, run.done, run.total)
            return run


def claim_stalled(run: BulkInvitation) -> bool:
    """Take over a run that is unfinished and that nobody has worked on for STALLED_AFTER (its worker stopped);
    False if it is finished, or still being worked on, or another worker took it first."""
    if run.finished_at is not None or utcnow() - run.updated_at < STALLED_AFTER:
        return False
    return _claim(run, run.updated_at)


def resume_stalled(run: BulkInvitation) -> bool:
    """Start a stalled run again in the background (once this transaction commits). True if restarted."""
    if not claim_stalled(run):
        return False
    log.info("bulk invitations %s stalled at %s of %s; starting again", run.id, run.done, run.total)
    start(run.id)
    return True


def unfinished() -> list[BulkInvitation]:
    return list(
        db.session.scalars(
            select(BulkInvitation).where(BulkInvitation.finished_at.is_(None)).order_by(BulkInvitation.id)
        )
    )
