"""The programme's scheduled messages. Each runs once a day (see `register_schedule`), works out who is due a
message today, and sends it once: every message has a `dedupe_key` in the outbox, so a day run twice, or a run
that catches up after the consumer was stopped, sends nothing twice. Never to a deactivated person; never a
category the organisation switched off; every one audit-logged and listed on the person's own messages page.

The weekly cap: an overdue learner is reminded at most once in any 7 days, and a manager's manual reminder
counts towards the same cap (both are rows in `reminders`), whichever came first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from equiptrain import mail
from equiptrain.accounts.models import Membership, MembershipRole, Organisation, User, UserSession
from equiptrain.auditlog.services import log_event
from equiptrain.dashboards import queries as dq
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards.models import Reminder
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs import schedule
from equiptrain.jobs.models import OutboxItem
from equiptrain.reminders import settings

WEEK = dt.timedelta(days=7)
REMINDER_DAYS = (14, 3)
SUPERVISION_NOTICE_DAYS = 14
DIGEST_WINDOW_DAYS = 14


def today() -> dt.date:
    return utcnow().date()


def already_sent(keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    return set(db.session.scalars(select(OutboxItem.dedupe_key).where(OutboxItem.dedupe_key.in_(list(keys)))))


def send_scheduled(
    user: User,
    category: str,
    key: str,
    subject: str,
    text: str,
    *,
    organisation_id: int | None,
    switched_off: dict[int, set[str]],
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bool:
    """Send one scheduled message unless it went already, its category is off, or the person is deactivated."""
    if not user.is_active or category in switched_off.get(organisation_id or -1, set()):
        return False
    if already_sent([key]):
        return False
    mail.send(
        user.email,
        subject,
        f"Hello {user.name},\n\n{text}\n\nYou can see the messages EquipTrain has sent you here: "
        f"{mail.external_url('reminders.my_messages')}\n",
        attachments=attachments,
        category=category,
        user_id=user.id,
        organisation_id=organisation_id,
        dedupe_key=key,
    )
    log_event("scheduled_message.sent", None, user, organisation_id=organisation_id, category=category, title=subject)
    return True


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).options(selectinload(Organisation.teams))))


def _users(ids) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(ids) or [-1])))}


# ---- deadlines ------------------------------------------------------------------------------------------------


def deadline_reminders(on: dt.date | None = None) -> int:
    """14 and 3 days before a learner's mandatory deadline (always), and weekly once overdue (capped with the
    managers' manual reminders at one a week per person)."""
    on = on or today()
    off = settings.all_switched_off()
    modules = dq.current_modules()
    link = mail.external_url("learning.programme")
    sent = 0
    for org in _organisations():
        policy = rules.load(org.id)
        if not policy.has_requirements:
            continue
        rows = [(team, row) for team in org.teams for row in dq.team_matrix(team, policy, modules, on=on)]
        people = _users({row.user_id for _team, row in rows})
        last = dq.last_reminders(list(people))
        for team, row in rows:
            user = people[row.user_id]
            if row.status == rules.COMPLETE or row.deadline is None:
                continue
            days = (row.deadline - on).days
            if days >= 0:
                due = next((d for d in sorted(REMINDER_DAYS) if days <= d), None)
                if due is None:
                    continue
                # The nearest reminder not yet sent: a day missed (no consumer) is caught up, never sent twice.
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                sent += send_scheduled(
                    user,
                    "deadline_reminder",
                    f"deadline:{due}:{user.id}:{row.deadline.isoformat()}",
                    f"Your EQUIP training is due {when}",
                    f"Your mandatory EQUIP training is due by {row.deadline:%A %d %B %Y} ({when}).\n\n"
                    f"Carry on with your programme: {link}",
                    organisation_id=org.id,
                    switched_off=off,
                )
                continue
            previous = last.get(user.id)
            if previous is not None and utcnow() - previous < WEEK:
                continue
            if "overdue_reminder" in off.get(org.id, set()):
                continue
            if send_scheduled(
                user,
                "overdue_reminder",
                f"overdue:{user.id}:{on.isoformat()}",
                "Your EQUIP training is overdue",
                f"Your mandatory EQUIP training was due by {row.deadline:%A %d %B %Y}. Please finish it as soon "
                f"as you can, or talk to your manager if something is in the way.\n\nYour programme: {link}",
                organisation_id=org.id,
                switched_off=off,
            ):
                db.session.add(Reminder(user_id=user.id, team_id=team.id, sent_by_id=None, sent_at=utcnow()))
                last[user.id] = utcnow()
                sent += 1
    db.session.flush()
    return sent


# ---- expiry -----------------------------------------------------------------------------------------------------


def expiry_notices(on: dt.date | None = None) -> int:
    """EXPIRY_NOTICE_DAYS before a completion of a mandatory module expires (the module's own months), open its
    refresher and tell the learner (once); tell them again once it has expired. The core the same way (its own
    months): its refresher opens, the learner is offered a place at the next core (or, none being scheduled,
    their managers are asked for a catch-up session), and the learner and their managers are told."""
    from equiptrain.learning.models import ModuleProgress
    from equiptrain.reminders.refreshers import open_refresher
    from equiptrain.workshops.queries import core_completed

    on = on or today()
    notice = dt.timedelta(days=int(current_app.config["EXPIRY_NOTICE_DAYS"]))
    off = settings.all_switched_off()
    modules = dq.current_modules()
    titles = {m.id: m.title for m in modules}
    link = mail.external_url("learning.programme")
    sent = 0
    for org in _organisations():
        policy = rules.load(org.id)
        if not policy.expires:
            continue
        expiring = set(policy.module_expiry_months) & set(titles)
        rows = db.session.execute(
            select(User, ModuleProgress.module_id, ModuleProgress.completed_at)
            .join(ModuleProgress, ModuleProgress.user_id == User.id)
            .where(
                User.organisation_id == org.id,
                User.deactivated_at.is_(None),
                ModuleProgress.completed_at.is_not(None),
                ModuleProgress.module_id.in_(expiring or [-1]),
            )
        ).all()
        again = (
            "read the module's units, take its knowledge check and a solo practice again"
            if policy.refresher_whole_module
            else "take the module's knowledge check and a solo practice again"
        )
        for user, module_id, completed_at in rows:
            if completed_at is None:
                continue
            completed = completed_at.date()
            expires = policy.module_expiry(module_id, completed)
            if expires is None or expires - notice > on:
                continue
            open_refresher(user.id, module_id, expires, policy.refresher_whole_module)
            sent += _expiry_notice(
                user,
                org.id,
                off,
                f"Module: {titles[module_id]}",
                completed,
                expires,
                on,
                f"Your refresher is open: {again}. Once you have, your completion is renewed and a new certificate "
                f"issued.\n\nYour programme: {link}",
            )
        if policy.core_expiry_months:
            people = select(User.id).where(User.organisation_id == org.id, User.deactivated_at.is_(None))
            due = {
                uid: (last.date(), expires)
                for uid, last in core_completed(people).items()
                if (expires := policy.core_expiry(last.date())) is not None and expires - notice <= on
            }
            for user in _users(due).values():
                completed, expires = due[user.id]
                refresher, opened = open_refresher(user.id, None, expires)
                sent += _core_refresher_opened(user, org.id, off, refresher.id, completed, expires, on, opened)
    return sent


def _expiry_notice(
    user: User,
    organisation_id: int,
    off: dict[int, set[str]],
    what: str,
    completed: dt.date,
    expires: dt.date,
    on: dt.date,
    how: str,
) -> bool:
    """The learner's notice that a completion expires soon (once), and that it has expired (once)."""
    expired = expires <= on
    state = f"expired on {expires:%d %B %Y}" if expired else f"expires on {expires:%d %B %Y}"
    return send_scheduled(
        user,
        "expiry_notice",
        f"expiry:{'expired' if expired else 'soon'}:{user.id}:{what[:80]}:{completed.isoformat()}",
        f"Your EQUIP training {'has expired' if expired else 'expires soon'}: {what}",
        f"Your completion of {what} (on {completed:%d %B %Y}) {state}. {how}",
        organisation_id=organisation_id,
        switched_off=off,
    )


def _core_refresher_opened(
    user: User,
    organisation_id: int,
    off: dict[int, set[str]],
    refresher_id: int,
    completed: dt.date,
    expires: dt.date,
    on: dt.date,
    opened: bool,
) -> int:
    """A core refresher: when it opens, a place at the next core workshop of the learner's team (the new
    starters' way), and their managers told; the learner's notice says where to go."""
    from equiptrain.accounts.models import Team
    from equiptrain.workshops import newstarters

    teams = list(
        db.session.scalars(
            select(Team).join(Membership, Membership.team_id == Team.id).where(Membership.user_id == user.id)
        )
    )
    workshop = None
    if opened and teams:
        workshop = newstarters.offer_place(user, teams[0])
        log_event(
            "refresher.opened",
            None,
            user,
            organisation_id=organisation_id,
            core=True,
            workshop_id=workshop.id if workshop else None,
        )
    if workshop is None:
        workshop = next((w for w in map(newstarters.next_core, teams[:1]) if w is not None), None)
    if workshop is not None:
        where = (
            f"You have a place at the next core workshop, {workshop.title}, starting "
            f"{workshop.starts_at:%d %B %Y}: reply on its page, "
            f"{mail.external_url('workshops.detail', workshop_id=workshop.id)}"
        )
    else:
        where = (
            "No core workshop is scheduled yet, so your manager has been asked to arrange a catch-up session with "
            "a lived-experience trainer and a professional trainer"
        )
    how = (
        "Your refresher is open: attend a day of a core workshop (or a catch-up session) to renew it; a new "
        f"certificate is issued when you have. {where}.\n\nYour programme: "
        f"{mail.external_url('learning.programme')}"
    )
    sent = int(_expiry_notice(user, organisation_id, off, "Core workshop", completed, expires, on, how))
    for team in teams:
        for manager in newstarters.managers_of(team, user):
            sent += send_scheduled(
                manager,
                "expiry_notice",
                f"core_refresher:{refresher_id}:{manager.id}",
                f"{user.name}'s EQUIP core workshop expires on {expires:%d %B %Y}",
                f"{user.name} ({team.name}) attended the EQUIP core workshop on {completed:%d %B %Y}; that expires "
                f"on {expires:%d %B %Y} and their refresher is open. "
                + (
                    f"They have been offered a place at {workshop.title}, starting {workshop.starts_at:%d %B %Y}. "
                    "Please make sure they can be released to attend."
                    if workshop is not None
                    else "No core workshop is scheduled yet: please arrange a catch-up session with a "
                    "lived-experience trainer and a professional trainer, or ask your EQUIP administrator to "
                    "schedule the next core."
                )
                + f"\n\nYour team's page: {mail.external_url('dashboards.team', team_id=team.id)}",
                organisation_id=organisation_id,
                switched_off=off,
            )
    return sent


# ---- supervision ------------------------------------------------------------------------------------------------


def supervision_reminders(on: dt.date | None = None) -> int:
    """The trainers and the team's managers, two weeks before a supervision session falls due and once it is
    overdue (each once per session and person)."""
    from equiptrain.supervision.models import SupervisionPlan, SupervisionSession
    from equiptrain.workshops.models import Workshop

    on = on or today()
    off = settings.all_switched_off()
    sessions = db.session.scalars(
        select(SupervisionSession)
        .join(SupervisionPlan, SupervisionPlan.id == SupervisionSession.plan_id)
        .where(SupervisionSession.due_on <= on + dt.timedelta(days=SUPERVISION_NOTICE_DAYS))
        .options(
            selectinload(SupervisionSession.plan).selectinload(SupervisionPlan.team),
            selectinload(SupervisionSession.plan)
            .selectinload(SupervisionPlan.core_workshop)
            .selectinload(Workshop.facilitators),
            selectinload(SupervisionSession.workshop).selectinload(Workshop.facilitators),
        )
    ).all()
    sent = 0
    for session in sessions:
        if session.held_at is not None:
            continue
        team = session.plan.team
        people = set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.team_id == team.id, Membership.role == MembershipRole.MANAGER
                )
            )
        )
        for w in (session.plan.core_workshop, session.workshop):
            if w is not None:
                people |= {f.user_id for f in w.facilitators}
        overdue = session.due_on < on
        category = "supervision_overdue" if overdue else "supervision_due"
        for user in _users(people).values():
            sent += send_scheduled(
                user,
                category,
                f"{category}:{session.id}:{user.id}",
                f"Team supervision for {team.name} {'is overdue' if overdue else 'is due soon'}",
                f"Supervision session {session.number} for {team.name} "
                + (
                    f"was due by {session.due_on:%A %d %B %Y} and has not been held yet."
                    if overdue
                    else f"is due by {session.due_on:%A %d %B %Y}."
                )
                + f"\n\nThe team's supervision plan: {mail.external_url('supervision.team', team_id=team.id)}",
                organisation_id=team.organisation_id,
                switched_off=off,
            )
    return sent


# ---- workshops ----------------------------------------------------------------------------------------------------


def workshop_reminders(now: dt.datetime | None = None) -> int:
    """The day before a session (UK dates), everyone attending and delivering it is sent a reminder with the
    workshop's calendar invite."""
    from equiptrain.workshops.models import Invitation, Reply, Workshop, WorkshopSession, WorkshopStatus
    from equiptrain.workshops.services import calendar_bytes, when_lines
    from equiptrain.workshops.uktime import to_uk

    now = now or utcnow()
    tomorrow = to_uk(now).date() + dt.timedelta(days=1)
    off = settings.all_switched_off()
    window = db.session.scalars(
        select(WorkshopSession)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .where(
            Workshop.status == WorkshopStatus.PUBLISHED,
            WorkshopSession.starts_at >= now,
            WorkshopSession.starts_at < now + dt.timedelta(days=3),
        )
        .options(
            selectinload(WorkshopSession.workshop).selectinload(Workshop.sessions),
            selectinload(WorkshopSession.workshop).selectinload(Workshop.facilitators),
        )
    ).all()
    sent = 0
    for session in window:
        if to_uk(session.starts_at).date() != tomorrow:
            continue
        workshop = session.workshop
        people = {f.user_id for f in workshop.facilitators} | set(
            db.session.scalars(
                select(Invitation.user_id).where(
                    Invitation.workshop_id == workshop.id, Invitation.reply == Reply.ATTENDING
                )
            )
        )
        invite = calendar_bytes([workshop])
        for user in _users(people).values():
            sent += send_scheduled(
                user,
                "workshop_reminder",
                f"workshop_reminder:{session.id}:{user.id}",
                f"Tomorrow: {workshop.title}",
                f"A reminder that {workshop.title} "
                + (f"(session {session.number}) " if len(workshop.sessions) > 1 else "")
                + f"is tomorrow, {to_uk(session.starts_at):%A %d %B at %H:%M} (UK time).\n\n"
                f"When:\n{when_lines(workshop)}\nWhere: {workshop.place}\n\n"
                f"Details: {mail.external_url('workshops.detail', workshop_id=workshop.id)}",
                organisation_id=workshop.organisation_id,
                switched_off=off,
                attachments=[("workshop.ics", "text/calendar", invite)],
            )
    return sent


# ---- the managers' digest ------------------------------------------------------------------------------------------


def manager_digests(on: dt.date | None = None) -> int:
    """On each organisation's chosen weekday, each manager who has not opted out gets one email about their
    teams: who is overdue, who is due in the next fortnight, completions expiring, supervision sessions due.
    Names, dates and statuses only: nothing anyone wrote, no confidence answers."""
    from equiptrain.supervision.models import SupervisionPlan, SupervisionSession

    on = on or today()
    off = settings.all_switched_off()
    modules = dq.current_modules()
    notice = dt.timedelta(days=int(current_app.config["EXPIRY_NOTICE_DAYS"]))
    sent = 0
    for org in _organisations():
        if "manager_digest" in off.get(org.id, set()):
            continue
        _off, weekday = settings.organisation_settings(org.id)
        if on.weekday() != weekday:
            continue
        policy = rules.load(org.id)
        expiring: dict[str, list[str]] = defaultdict(list)
        if policy.expires:
            for _n, name, email, what, _completed, expires in dq.compliance_records(org.id, policy, modules):
                if expires is not None and expires - notice <= on:
                    state = "expired" if expires <= on else "expires"
                    expiring[email].append(f"{name}: {what}, {state} {expires:%d %b %Y}")
        lines_by_manager: dict[int, list[str]] = defaultdict(list)
        for team in org.teams:
            managers = list(
                db.session.scalars(
                    select(Membership.user_id).where(
                        Membership.team_id == team.id, Membership.role == MembershipRole.MANAGER
                    )
                )
            )
            if not managers:
                continue
            rows = [r for r in dq.team_matrix(team, policy, modules, on=on) if r.role is not MembershipRole.MANAGER]
            overdue = [f"{r.name} (due {r.deadline:%d %b %Y})" for r in rows if r.overdue and r.deadline]
            soon = [
                f"{r.name} (due {r.deadline:%d %b %Y})"
                for r in rows
                if r.deadline and r.status != rules.COMPLETE and 0 <= (r.deadline - on).days <= DIGEST_WINDOW_DAYS
            ]
            expiry = [line for r in rows for line in expiring.get(r.email, [])]
            supervision = [
                f"Session {s.number}, due {s.due_on:%d %b %Y}{' (overdue)' if s.due_on < on else ''}"
                for s in db.session.scalars(
                    select(SupervisionSession)
                    .join(SupervisionPlan, SupervisionPlan.id == SupervisionSession.plan_id)
                    .where(
                        SupervisionPlan.team_id == team.id,
                        SupervisionSession.due_on <= on + dt.timedelta(days=DIGEST_WINDOW_DAYS),
                    )
                    .options(selectinload(SupervisionSession.workshop))
                    .order_by(SupervisionSession.number)
                )
                if s.held_at is None
            ]
            block = [f"{team.name} ({len(rows)} staff)"]
            for heading, items in (
                ("Overdue", overdue),
                ("Due in the next fortnight", soon),
                ("Completions expiring", expiry),
                ("Supervision sessions due", supervision),
            ):
                block.append(f"  {heading}: {len(items) or 'none'}")
                block.extend(f"    - {item}" for item in items)
            for manager_id in managers:
                lines_by_manager[manager_id].extend([*block, ""])
        opted = settings.opted_out(lines_by_manager, "manager_digest")
        for user in _users(set(lines_by_manager) - opted).values():
            sent += send_scheduled(
                user,
                "manager_digest",
                f"digest:{user.id}:{on.isoformat()}",
                f"Your teams' EQUIP training this week ({on:%d %B %Y})",
                "Here is how your teams' EQUIP training stands.\n\n"
                + "\n".join(lines_by_manager[user.id])
                + f"\nThe team dashboard: {mail.external_url('dashboards.index')}\n\nYou can stop this weekly "
                f"email on your messages page.",
                organisation_id=org.id,
                switched_off=off,
            )
    return sent


# ---- sessions -----------------------------------------------------------------------------------------------------


def end_idle_sessions(now: dt.datetime | None = None) -> int:
    """End sessions idle for SESSION_IDLE_HOURS, and remembered ones REMEMBER_DAYS after sign-in."""
    now = now or utcnow()
    idle = now - dt.timedelta(hours=float(current_app.config["SESSION_IDLE_HOURS"]))
    remembered = now - dt.timedelta(days=int(current_app.config["REMEMBER_DAYS"]))
    result = db.session.execute(
        delete(UserSession).where(
            or_(
                (UserSession.remember.is_(False)) & (UserSession.last_seen_at < idle),
                (UserSession.remember.is_(True)) & (UserSession.created_at < remembered),
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _expire_offers() -> None:
    from equiptrain.workshops.services import expire_offers

    expire_offers()


def _resume_invitations() -> None:
    from equiptrain.accounts.invitations import resume_stalled, unfinished

    for run in unfinished():
        resume_stalled(run)


def _check_refreshers() -> None:
    from equiptrain.reminders.refreshers import check_open

    check_open()


def _daily() -> None:
    """The day's messages, in one transaction (they commit with their claim, or not at all)."""
    deadline_reminders()
    expiry_notices()
    supervision_reminders()
    manager_digests()


def register_schedule() -> None:
    from equiptrain.jobs import outbox

    schedule.register("outbox.sweep", outbox.sweep, every="5min", description="Queue again deliveries not yet sent")
    schedule.register(
        "invitations.resume", _resume_invitations, every="5min", description="Restart stalled invitation runs"
    )
    schedule.register(
        "workshops.expire_offers", _expire_offers, every="5min", description="Lapse waiting-list offers on time"
    )
    schedule.register(
        "refreshers.check", _check_refreshers, every="5min", description="Renew completions whose refresher is done"
    )
    schedule.register("sessions.end_idle", end_idle_sessions, every="hour", description="End idle sessions")
    schedule.register(
        "reminders.daily",
        _daily,
        every="day",
        description="Deadline reminders, expiry notices, supervision due, managers' digests",
    )
    schedule.register(
        "workshops.reminders", workshop_reminders, every="day", description="Day-before workshop reminders"
    )
    schedule.register("schedule.prune", schedule.prune, every="day", description="Forget old schedule claims")
