"""Live role-play rounds: forming groups from those present, rotating roles, role-brief privacy and the
observer's checklist for the round's practitioner."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import User
from equiptrain.content.models import Scenario
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance, grouping
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    ObserverFeedback,
    Role,
    RoleAssignment,
    RolePlayGroup,
    RolePlayRound,
    Workshop,
    WorkshopSession,
)


def scenarios_for(workshop: Workshop) -> list[Scenario]:
    """The role-play scenarios of the workshop's modules (not retired)."""
    ids = [m.id for m in workshop.modules]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Scenario)
            .where(Scenario.module_id.in_(ids), Scenario.kind == "roleplay", Scenario.retired_at.is_(None))
            .order_by(Scenario.module_id, Scenario.position)
        )
    )


def open_session(workshop: Workshop) -> WorkshopSession | None:
    """The session role play happens in: the first whose register is not signed off (None once all are)."""
    return next((s for s in workshop.sessions if s.signed_off_at is None), None)


def present_people(workshop: Workshop) -> list[User]:
    """Those in the room for the open session: marked present or late, or checked in and not marked otherwise.
    Never someone marked absent, someone who has not activated their account (they cannot sign in to read a
    brief), someone deactivated, or a facilitator."""
    session = open_session(workshop)
    if session is None:
        return []
    rows = db.session.scalars(
        select(Attendance)
        .where(
            Attendance.session_id == session.id,
            Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE]),
        )
        .options(selectinload(Attendance.user))
    ).all()
    facilitators = workshop.facilitator_ids
    return [a.user for a in rows if a.user_id not in facilitators and a.user.has_password and a.user.is_active]


def current_round(workshop: Workshop) -> RolePlayRound | None:
    return db.session.scalar(
        select(RolePlayRound)
        .where(RolePlayRound.workshop_id == workshop.id, RolePlayRound.ended_at.is_(None))
        .options(
            selectinload(RolePlayRound.groups).selectinload(RolePlayGroup.assignments).selectinload(RoleAssignment.user)
        )
    )


def rounds(workshop: Workshop) -> list[RolePlayRound]:
    return list(
        db.session.scalars(
            select(RolePlayRound).where(RolePlayRound.workshop_id == workshop.id).order_by(RolePlayRound.number)
        )
    )


def role_history(workshop: Workshop) -> dict[int, Counter]:
    history: dict[int, Counter] = defaultdict(Counter)
    for user_id, role in db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role)
        .join(RolePlayRound, RolePlayRound.id == RoleAssignment.round_id)
        .where(RolePlayRound.workshop_id == workshop.id)
    ):
        history[user_id][role.value] += 1
    return history


def start_round(actor: User, workshop: Workshop, scenario: Scenario | None) -> RolePlayRound:
    """Start a round on `scenario`: form groups of 3-4 from those present, rotating the roles. Refused once the
    register is signed off (the session is over) or the workshop is cancelled."""
    if workshop.is_cancelled:
        raise ServiceError("This workshop is cancelled, so no role play can start.")
    session = open_session(workshop)
    if session is None:
        raise ServiceError("The register has been signed off, so the workshop is over: no new rounds can start.")
    attendance.require_day_reached(session, "role play")
    if scenario is None or scenario not in scenarios_for(workshop):
        raise ServiceError("Choose a role-play scenario from this workshop's modules.", "scenario")
    if current_round(workshop) is not None:
        raise ServiceError("A round is running. End it before starting the next one.")
    people = present_people(workshop)
    if len(people) < 3:
        raise ServiceError(
            f"A role play needs at least 3 people present; {len(people)} are. Take the register or open check-in first."
        )
    number = len(rounds(workshop)) + 1
    has_carer = "carer" in (scenario.data or {}).get("roles", {})
    groups = grouping.form_groups(
        [(u.id, u.profession.value) for u in people],
        role_history(workshop),
        has_carer,
        seed=workshop.id * 1000 + number,
    )
    round_ = RolePlayRound(workshop_id=workshop.id, scenario_id=scenario.id, number=number)
    db.session.add(round_)
    db.session.flush()
    for i, members in enumerate(groups, start=1):
        group = RolePlayGroup(round=round_, number=i)
        db.session.add(group)
        db.session.flush()
        for user_id, role in members:
            db.session.add(RoleAssignment(round_id=round_.id, group_id=group.id, user_id=user_id, role=Role(role)))
    db.session.flush()
    return round_


def end_round(actor: User, workshop: Workshop) -> None:
    round_ = current_round(workshop)
    if round_ is None:
        raise ServiceError("No round is running.")
    round_.ended_at = utcnow()
    db.session.flush()


def assignment(user: User, round_: RolePlayRound) -> RoleAssignment | None:
    return db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.round_id == round_.id, RoleAssignment.user_id == user.id)
    )


def latest_assignment(user: User, workshop: Workshop) -> RoleAssignment | None:
    """The person's role in the workshop's latest round."""
    return db.session.scalar(
        select(RoleAssignment)
        .join(RolePlayRound, RolePlayRound.id == RoleAssignment.round_id)
        .where(RolePlayRound.workshop_id == workshop.id, RoleAssignment.user_id == user.id)
        .order_by(RolePlayRound.number.desc())
        .limit(1)
    )


def group_practitioner(group: RolePlayGroup) -> RoleAssignment:
    return next(a for a in group.assignments if a.role is Role.PRACTITIONER)


def submit_observation(user: User, round_: RolePlayRound, checked: list[str], comments: str) -> ObserverFeedback:
    """The observer's checklist and comments, for the group's practitioner only."""
    mine = assignment(user, round_)
    if mine is None or mine.role is not Role.OBSERVER:
        raise ServiceError("Only the group's observer fills in the checklist.")
    slugs = [c["slug"] for c in round_.scenario.data.get("observer_checklist", [])]
    practitioner = group_practitioner(mine.group)
    row = db.session.scalar(
        select(ObserverFeedback).where(
            ObserverFeedback.group_id == mine.group_id, ObserverFeedback.observer_id == user.id
        )
    )
    if row is None:
        row = ObserverFeedback(group_id=mine.group_id, observer_id=user.id, practitioner_id=practitioner.user_id)
        db.session.add(row)
    row.checklist = {slug: slug in checked for slug in slugs}
    row.comments = (comments or "").strip()
    db.session.flush()
    return row


def feedback_for_practitioner(user: User, workshop: Workshop) -> list[ObserverFeedback]:
    return list(
        db.session.scalars(
            select(ObserverFeedback)
            .join(RolePlayGroup)
            .join(RolePlayRound)
            .where(RolePlayRound.workshop_id == workshop.id, ObserverFeedback.practitioner_id == user.id)
            .options(
                selectinload(ObserverFeedback.group)
                .selectinload(RolePlayGroup.round)
                .selectinload(RolePlayRound.scenario)
            )
            .order_by(ObserverFeedback.id)
        )
    )


def observed_group_ids(round_: RolePlayRound) -> set[int]:
    return set(
        db.session.scalars(
            select(ObserverFeedback.group_id).where(ObserverFeedback.group_id.in_([g.id for g in round_.groups]))
        )
    )
