"""Expiry and recertification. Where an organisation gives a mandatory module an expiry (months), a learner's
completion of it opens a refresher EXPIRY_NOTICE_DAYS before it expires: the module's knowledge check and a solo
practice, again. Once both are done since the refresher opened, the completion is renewed (from that day), and
each certificate that recorded the module is marked expired (not revoked) and a new one issued in its place; the
old one's check page says so and links the new one.

The core the same way, where the organisation gives it an expiry: its refresher (a `Refresher` naming the core,
not a module) opens with a place offered at the next core (or the manager asked for a catch-up session), and is
done when the learner attends a core day after it opened (`on_core_attended`, a receiver of the workshops'
attendance events): the core completion is renewed from that workshop, and the certificates that recorded a core
workshop expire and are issued again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import bindparam, delete, exists, select

from equiptrain.accounts.models import User
from equiptrain.auditlog.services import log_event
from equiptrain.certificates.models import Certificate, CertificateStatus
from equiptrain.content.models import Module, Quiz, Scenario, Unit
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress, PracticeAttempt, QuizAttempt, UnitRead
from equiptrain.reminders.models import Refresher


def open_refresher(
    user_id: int, module_id: int | None, expires_on: dt.date, whole_module: bool = False
) -> tuple[Refresher, bool]:
    """The refresher for this completion (of a module, or of the core when `module_id` is None), opened now if it
    was not yet; (refresher, newly opened). A whole-module refresher marks the module's units unread, to be read
    again."""
    which = Refresher.core.is_(True) if module_id is None else Refresher.module_id == module_id
    found = db.session.scalar(
        select(Refresher).where(Refresher.user_id == user_id, which, Refresher.expires_on == expires_on)
    )
    if found is not None:
        return found, False
    whole_module = whole_module and module_id is not None
    refresher = Refresher(
        user_id=user_id,
        module_id=module_id,
        core=module_id is None,
        expires_on=expires_on,
        opened_at=utcnow(),
        whole_module=whole_module,
    )
    db.session.add(refresher)
    if whole_module:
        db.session.execute(
            delete(UnitRead).where(
                UnitRead.user_id == user_id, UnitRead.unit_id.in_(select(Unit.id).where(Unit.module_id == module_id))
            )
        )
    db.session.flush()
    return refresher, True


def done_since(refresher: Refresher) -> bool:
    """Passed the module's knowledge check, and finished one of its solo practices, since the refresher opened
    (a module without one of them needs only the other). A core refresher: attended a core since it opened."""
    if refresher.core:
        from equiptrain.workshops.queries import core_completed

        last = core_completed([refresher.user_id]).get(refresher.user_id)
        return last is not None and last >= refresher.opened_at
    quiz = select(Quiz.id).where(Quiz.module_id == refresher.module_id)
    solo = select(Scenario.id).where(Scenario.module_id == refresher.module_id, Scenario.kind == "solo")
    has_quiz = db.session.scalar(select(exists(quiz)))
    has_solo = db.session.scalar(select(exists(solo)))
    if not (has_quiz or has_solo):
        return False
    passed = not has_quiz or db.session.scalar(
        select(
            exists(
                select(QuizAttempt.id).where(
                    QuizAttempt.user_id == refresher.user_id,
                    QuizAttempt.quiz_id.in_(quiz),
                    QuizAttempt.passed.is_(True),
                    QuizAttempt.submitted_at >= refresher.opened_at,
                )
            )
        )
    )
    practised = not has_solo or db.session.scalar(
        select(
            exists(
                select(PracticeAttempt.id).where(
                    PracticeAttempt.user_id == refresher.user_id,
                    PracticeAttempt.scenario_id.in_(solo),
                    PracticeAttempt.finished_at.is_not(None),
                    PracticeAttempt.finished_at >= refresher.opened_at,
                )
            )
        )
    )
    if refresher.whole_module:
        unread = select(Unit.id).where(
            Unit.module_id == refresher.module_id,
            Unit.retired_at.is_(None),
            ~Unit.id.in_(
                select(UnitRead.unit_id).where(
                    UnitRead.user_id == refresher.user_id, UnitRead.read_at >= refresher.opened_at
                )
            ),
        )
        if db.session.scalar(select(exists(unread))):
            return False
    return bool(passed and practised)


def renew(refresher: Refresher) -> list[Certificate]:
    """Renew the completion and the certificates that record the module; returns the new certificates."""
    if refresher.core:
        return renew_core(refresher)
    now = utcnow()
    user = db.session.get(User, refresher.user_id)
    module = db.session.get(Module, refresher.module_id) if refresher.module_id is not None else None
    if user is None or module is None:
        return []
    progress = db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id)
    )
    if progress is not None:
        progress.completed_at = now
    refresher.completed_at = now
    return _expire_and_reissue(
        user,
        lambda c: any(m.get("slug") == module.slug for m in (c.claim or {}).get("modules", [])),
        now,
        module=module.slug,
    )


def _expire_and_reissue(
    user: User, records: Callable[[Certificate], bool], now: dt.datetime, **facts
) -> list[Certificate]:
    """The learner's valid certificates that `records` (the renewed completion) expire, not revoked, and are issued
    again; each old one points at its successor. Audited with `facts`. Returns the new certificates."""
    from equiptrain.certificates.services import issue_due

    old = [
        c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id, Certificate.status == CertificateStatus.VALID)
        )
        if records(c)
    ]
    for cert in old:
        cert.status, cert.superseded_at = CertificateStatus.EXPIRED, now
    db.session.flush()
    new = issue_due([user])
    for cert in old:
        cert.superseded_by_id = next((n.id for n in new if n.achievement == cert.achievement), None)
    log_event("refresher.completed", user, user, expired_certificates=[c.code for c in old], **facts)
    db.session.flush()
    return new


def _records_core(cert: Certificate) -> bool:
    from equiptrain.workshops.models import WorkshopKind

    return any(w.get("kind") == WorkshopKind.CORE.label for w in (cert.claim or {}).get("workshops", []))


def renew_core(refresher: Refresher) -> list[Certificate]:
    """Complete a core refresher: the certificates that recorded a core workshop expire (not revoked) and are
    issued again; the core completion itself is renewed by the attendance (see `workshops.queries.core_completed`).
    Returns the new certificates."""
    now = utcnow()
    user = db.session.get(User, refresher.user_id)
    if user is None:
        return []
    refresher.completed_at = now
    return _expire_and_reissue(user, _records_core, now, core=True)


def on_core_attended(user: User, *, at: dt.datetime, core_workshop: bool = False, **_facts) -> None:
    """A receiver of `workshop_attended` and `workshop_partly_attended`: a core day attended after the learner's
    core refresher opened completes it (a single day is enough for a refresher). The event says whether the
    workshop was a core one."""
    if not core_workshop:
        return
    for refresher in db.session.scalars(
        select(Refresher).where(
            Refresher.user_id == user.id,
            Refresher.core.is_(True),
            Refresher.completed_at.is_(None),
            Refresher.opened_at <= at,
        )
    ).all():
        renew_core(refresher)


def check_open() -> int:
    """Renew every open refresher whose work is done (every 5 minutes); returns how many."""
    renewed = 0
    for refresher in db.session.scalars(select(Refresher).where(Refresher.completed_at.is_(None))).all():
        if done_since(refresher):
            renew(refresher)
            renewed += 1
    return renewed


# Built once, like the learner pages' other statements: building a statement and its cache key on every request
# cost more than running it.
_ANY_OPEN = (
    select(Refresher.id).where(Refresher.user_id == bindparam("user_id"), Refresher.completed_at.is_(None)).limit(1)
)


def has_open(user_id: int) -> bool:
    """Whether the learner has a refresher open (one light query: an id, not two entities). My programme asks this
    first: most learners have none."""
    return db.session.scalar(_ANY_OPEN, {"user_id": user_id}) is not None


def open_for(user_id: int) -> list[tuple[Refresher, Module | None]]:
    """The learner's open refreshers, soonest expiry first, each with its module (None: the core)."""
    rows = db.session.execute(
        select(Refresher, Module)
        .outerjoin(Module, Module.id == Refresher.module_id)
        .where(Refresher.user_id == user_id, Refresher.completed_at.is_(None))
        .order_by(Refresher.expires_on, Refresher.id)
    ).all()
    return [(refresher, module) for refresher, module in rows]


def expiry_dates(user: User) -> list[tuple[str, dt.date, dt.date]]:
    """(what, completed or renewed on, expires on) for each of the learner's completions that expire: mandatory
    modules given an expiry, and the core (four queries)."""
    from equiptrain.dashboards import requirements as rules
    from equiptrain.workshops.queries import core_completed

    if user.organisation_id is None:
        return []
    policy = rules.load(user.organisation_id)
    if not policy.expires:
        return []
    out = []
    for title, module_id, completed_at in db.session.execute(
        select(Module.title, ModuleProgress.module_id, ModuleProgress.completed_at)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            ModuleProgress.user_id == user.id,
            ModuleProgress.completed_at.is_not(None),
            ModuleProgress.module_id.in_(list(policy.module_expiry_months) or [-1]),
            Module.retired_at.is_(None),
        )
        .order_by(Module.position)
    ).all():
        if completed_at is not None and (expires := policy.module_expiry(module_id, completed_at.date())):
            out.append((title, completed_at.date(), expires))
    if policy.core_expiry_months:
        last = core_completed([user.id]).get(user.id)
        if last is not None and (expires := policy.core_expiry(last.date())):
            out.append(("The core workshop", last.date(), expires))
    return out
