"""Builders for the dashboard tests: module progress, core-workshop attendance and confidence answers written
directly as rows (the dashboards only read them)."""

from __future__ import annotations

import datetime as dt
import itertools

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress  # noqa: F401  (re-exported for tests)
from equiptrain.reflection.models import ConfidenceResponse
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    Workshop,
    WorkshopKind,
    WorkshopResult,
    WorkshopSession,
    WorkshopStatus,
)
from tests.reflection.helpers import confidence_items, make_module

_seq = itertools.count(1)


def modules(n: int = 2):
    return [make_module(title=f"Dashboard module {next(_seq)}") for _ in range(n)]


def progress(user, module, *, complete: bool = True, days_ago: int = 3) -> ModuleProgress:
    started = utcnow() - dt.timedelta(days=days_ago + 10)
    row = ModuleProgress(
        user_id=user.id,
        module_id=module.id,
        started_at=started,
        units_read=1,
        completed_at=utcnow() - dt.timedelta(days=days_ago) if complete else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


def attended(users, org, teams=(), *, kind: WorkshopKind = WorkshopKind.CORE, days_ago: int = 20) -> Workshop:
    """A workshop whose register was signed off, attended by `users`."""
    start = utcnow() - dt.timedelta(days=days_ago)
    workshop = Workshop(
        organisation_id=org.id,
        title=f"Signed-off workshop {next(_seq)}",
        kind=kind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        capacity=30,
        status=WorkshopStatus.PUBLISHED,
        signed_off_at=start + dt.timedelta(hours=7),
    )
    workshop.teams = list(teams)
    db.session.add(workshop)
    db.session.flush()
    session = WorkshopSession(
        workshop_id=workshop.id,
        number=1,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        signed_off_at=workshop.signed_off_at,
    )
    db.session.add(session)
    db.session.flush()
    for user in users:
        db.session.add(
            Attendance(workshop_id=workshop.id, session_id=session.id, user_id=user.id, status=AttendanceStatus.PRESENT)
        )
        db.session.add(
            WorkshopResult(
                workshop_id=workshop.id,
                user_id=user.id,
                sessions_attended=1,
                sessions_total=1,
                attended=True,
                hours=6.0,
            )
        )
    db.session.commit()
    return workshop


def confidence(user, module, before: int, after: int) -> None:
    items = confidence_items()
    for phase, value in (("before", before), ("after", after)):
        db.session.add(
            ConfidenceResponse(
                user_id=user.id, module_id=module.id, phase=phase, answers={i.slug: value for i in items}
            )
        )
    db.session.commit()
