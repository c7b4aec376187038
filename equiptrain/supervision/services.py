"""Supervision rules: a team's plan after the core (SUPERVISION_SESSIONS sessions of SUPERVISION_SESSION_MINUTES
over SUPERVISION_MONTHS), linking the supervision workshops that deliver it, and the team's action plan.

Who (policy.py): the organisation's admins, the team's managers and the trainers who deliver to the team see its
plan and keep its action plan; admins and those trainers start plans and link workshops. A plan starts itself,
from the end of the core, when a core workshop's last register is signed off for a team that has none
(`workshop_signed_off`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from flask import current_app
from sqlalchemy import select

from equiptrain.accounts.models import Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.supervision.models import ActionStatus, SupervisionPlan, SupervisionSession, TeamAction
from equiptrain.workshops.models import Workshop, WorkshopKind, WorkshopStatus
from equiptrain.workshops.uktime import to_uk

MAX_TEXT = 2000


# -- the plan ----------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{months} months from {day.isoformat()} is past the year {dt.MAXYEAR}")
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(starts_on: dt.date, sessions: int, months: int) -> list[dt.date]:
    """Evenly spread due dates: by default three sessions over six months fall due at 2, 4 and 6 months."""
    return [add_months(starts_on, int(months * n / sessions + 0.5)) for n in range(1, sessions + 1)]


def start_plan(
    actor: User | None, team: Team, starts_on: dt.date, core_workshop: Workshop | None = None
) -> SupervisionPlan:
    """The team's supervision plan, counted from `starts_on` (the end of the core)."""
    if db.session.scalar(select(SupervisionPlan.id).where(SupervisionPlan.team_id == team.id)):
        raise ServiceError(f"{team.name} already has a supervision plan. Change its sessions' dates instead.")
    if core_workshop is not None and core_workshop.kind is not WorkshopKind.CORE:
        raise ServiceError("A supervision plan follows a core workshop. Choose the team's core.", "core_workshop")
    config = current_app.config
    count, minutes = int(config["SUPERVISION_SESSIONS"]), int(config["SUPERVISION_SESSION_MINUTES"])
    try:
        dates = due_dates(starts_on, count, int(config["SUPERVISION_MONTHS"]))
    except ValueError:
        raise ServiceError(
            "The sessions would fall due after the year 9999. Choose a date such as the last day of the core.",
            "starts_on",
        ) from None
    plan = SupervisionPlan(
        team_id=team.id, core_workshop=core_workshop, starts_on=starts_on, created_by_id=actor.id if actor else None
    )
    plan.sessions = [SupervisionSession(number=n, due_on=due, minutes=minutes) for n, due in enumerate(dates, 1)]
    db.session.add(plan)
    db.session.flush()
    log_event(
        "supervision.plan_started",
        actor,
        team,
        organisation_id=team.organisation_id,
        starts_on=starts_on.isoformat(),
        sessions=count,
    )
    return plan


def update_session(
    actor: User, session: SupervisionSession, *, due_on: dt.date | None = None, workshop: Workshop | None = None
) -> None:
    """Move a planned session's due date and/or record the workshop that delivers it: both or neither."""
    if due_on is not None and due_on < session.plan.starts_on:
        raise ServiceError("A supervision session falls due after the core. Choose a later date.", "due_on")
    if workshop is not None:
        _check_link(session, workshop)
    if due_on is not None:
        session.due_on = due_on
    if workshop is not None:
        link_workshop(actor, session, workshop)
    db.session.flush()


def _check_link(session: SupervisionSession, workshop: Workshop) -> None:
    team = session.plan.team
    if workshop.kind is not WorkshopKind.SUPERVISION or team.id not in {t.id for t in workshop.teams}:
        raise ServiceError(f"Choose a team supervision workshop that invites {team.name}.", "workshop")
    if workshop.status is WorkshopStatus.CANCELLED:
        raise ServiceError("That workshop is cancelled. Choose another, or schedule a new one.", "workshop")
    taken = db.session.scalar(select(SupervisionSession).where(SupervisionSession.workshop_id == workshop.id))
    if taken is not None and taken is not session:
        raise ServiceError(f"That workshop already delivers session {taken.number}.", "workshop")


def link_workshop(actor: User, session: SupervisionSession, workshop: Workshop) -> None:
    """Record that a supervision workshop delivers this planned session (its register counts toward CPD)."""
    _check_link(session, workshop)
    team = session.plan.team
    session.workshop = workshop
    db.session.flush()
    log_event(
        "supervision.workshop_linked",
        actor,
        team,
        organisation_id=team.organisation_id,
        session=session.number,
        workshop_id=workshop.id,
    )


def on_workshop_signed_off(workshop: Workshop, **_) -> None:
    """A core ends: start a plan for each invited team without one. A supervision workshop ends, not yet linked to a
    planned session: it delivers the earliest undelivered session of the first invited team with a plan (one
    workshop delivers one planned session; supervision is held team by team)."""
    teams = list(workshop.teams)
    plans = {
        p.team_id: p
        for p in db.session.scalars(select(SupervisionPlan).where(SupervisionPlan.team_id.in_([t.id for t in teams])))
    }
    if workshop.kind is WorkshopKind.CORE:
        for team in teams:
            if team.id not in plans:
                start_plan(None, team, to_uk(workshop.ends_at).date(), workshop)
    elif workshop.kind is WorkshopKind.SUPERVISION:
        if db.session.scalar(select(SupervisionSession.id).where(SupervisionSession.workshop_id == workshop.id)):
            return
        for team in teams:
            plan = plans.get(team.id)
            free = next((s for s in plan.sessions if s.workshop_id is None), None) if plan else None
            if free is not None:
                free.workshop_id = workshop.id
                break  # a workshop delivers one planned session
        db.session.flush()


# -- the action plan ---------------------------------------------------------------------------------------------


def _text(value: str, field: str, what: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(f"Enter {what}.", field)
    if len(value) > limit:
        raise ServiceError(f"Keep {what} to {limit} characters or fewer.", field)
    return value


def add_action(
    actor: User, plan: SupervisionPlan, *, session_number: int, action: str, owner: str, due_on: dt.date
) -> TeamAction:
    """An action agreed at a session: what, who owns it, by when. Reviewed at the next session."""
    if session_number not in {s.number for s in plan.sessions}:
        raise ServiceError("Choose the session at which the action was agreed.", "session_number")
    row = TeamAction(
        plan=plan,
        agreed_at_session=session_number,
        action=_text(action, "action", "the action"),
        owner=_text(owner, "owner", "who owns the action", 200),
        due_on=due_on,
        created_by_id=actor.id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    log_event("supervision.action_added", actor, plan.team, organisation_id=plan.team.organisation_id, action_id=row.id)
    return row


def review_action(
    actor: User, action: TeamAction, *, status: ActionStatus, note: str, session_number: int | None
) -> None:
    """Record progress on an action, usually at the next session (`session_number`)."""
    if session_number is not None:
        if session_number not in {s.number for s in action.plan.sessions}:
            raise ServiceError("Choose the session at which the action was reviewed.", "session_number")
        if session_number < action.agreed_at_session:
            raise ServiceError("An action is reviewed at the session it was agreed or a later one.", "session_number")
    if len(note or "") > MAX_TEXT:
        raise ServiceError(f"Keep the note to {MAX_TEXT} characters or fewer.", "note")
    action.status, action.review_note = status, (note or "").strip()
    action.reviewed_at_session, action.updated_at = session_number, utcnow()
    db.session.flush()
