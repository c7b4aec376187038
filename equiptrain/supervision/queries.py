"""Read-only queries for the supervision pages (a fixed number of queries each, whatever the number of teams)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Team, User
from equiptrain.content.models import SupervisionTemplate
from equiptrain.extensions import db
from equiptrain.supervision.models import SupervisionPlan, SupervisionSession
from equiptrain.workshops.models import Workshop, WorkshopKind, WorkshopStatus, workshop_teams
from equiptrain.workshops.queries import delivered_team_ids
from equiptrain.workshops.uktime import to_uk

_PLAN = (
    selectinload(SupervisionPlan.team),
    selectinload(SupervisionPlan.core_workshop),
    selectinload(SupervisionPlan.sessions).selectinload(SupervisionSession.workshop).selectinload(Workshop.sessions),
    selectinload(SupervisionPlan.actions),
)


def today() -> dt.date:
    """Today in the UK, which is when due dates fall."""
    return to_uk(dt.datetime.now(dt.UTC)).date()


def _visible_teams(user: User):
    """A condition on Team for the teams whose plans the person sees (the rule `see_supervision` in policy.py)."""
    if user.is_platform_admin:
        return Team.id.is_not(None)
    conditions: list[ColumnElement[bool]] = [Team.id.in_(list(user.managed_team_ids) or [0])]
    if user.organisation_id is not None:
        if user.is_org_admin:
            conditions.append(Team.organisation_id == user.organisation_id)
        if user.is_trainer:
            conditions.append(Team.id.in_(delivered_team_ids(user.id)) & (Team.organisation_id == user.organisation_id))
    return or_(*conditions)


def overview(user: User) -> dict:
    """The plans the person sees, each with its next session and whether one is overdue, and the teams without a
    plan (3 queries plus the plans' eager loads)."""
    plans = list(
        db.session.scalars(
            select(SupervisionPlan).join(Team).where(_visible_teams(user)).options(*_PLAN).order_by(Team.name)
        )
    )
    without = list(
        db.session.scalars(
            select(Team).where(_visible_teams(user), ~Team.id.in_(select(SupervisionPlan.team_id))).order_by(Team.name)
        )
    )
    now = today()
    rows = []
    for plan in plans:
        pending = [s for s in plan.sessions if s.held_at is None]
        rows.append(
            {
                "plan": plan,
                "next": pending[0] if pending else None,
                "overdue": [s for s in pending if s.overdue(now)],
                "held": len(plan.sessions) - len(pending),
            }
        )
    return {"rows": rows, "without": without, "today": now}


def plan_for(team: Team) -> SupervisionPlan | None:
    return db.session.scalar(select(SupervisionPlan).where(SupervisionPlan.team_id == team.id).options(*_PLAN))


def templates() -> dict[int, SupervisionTemplate]:
    """The active session templates by number."""
    return {
        t.number: t
        for t in db.session.scalars(select(SupervisionTemplate).where(SupervisionTemplate.retired_at.is_(None)))
    }


def template(number: int) -> SupervisionTemplate | None:
    return db.session.scalar(
        select(SupervisionTemplate).where(
            SupervisionTemplate.number == number, SupervisionTemplate.retired_at.is_(None)
        )
    )


def linkable_workshops(team: Team) -> list[Workshop]:
    """The team's supervision workshops that are not cancelled and deliver no planned session yet."""
    return list(
        db.session.scalars(
            select(Workshop)
            .join(workshop_teams, workshop_teams.c.workshop_id == Workshop.id)
            .where(
                workshop_teams.c.team_id == team.id,
                Workshop.kind == WorkshopKind.SUPERVISION,
                Workshop.status != WorkshopStatus.CANCELLED,
                ~Workshop.id.in_(
                    select(SupervisionSession.workshop_id).where(SupervisionSession.workshop_id.is_not(None))
                ),
            )
            .order_by(Workshop.starts_at)
        )
    )


def cores(team: Team) -> list[Workshop]:
    """The team's core workshops, newest first (to start a plan from)."""
    return list(
        db.session.scalars(
            select(Workshop)
            .join(workshop_teams, workshop_teams.c.workshop_id == Workshop.id)
            .where(
                workshop_teams.c.team_id == team.id,
                Workshop.kind == WorkshopKind.CORE,
                Workshop.status != WorkshopStatus.CANCELLED,
            )
            .order_by(Workshop.starts_at.desc())
        )
    )


def overdue_count(user: User) -> int:
    """How many planned sessions the person can see are overdue (for the home page)."""
    return sum(len(r["overdue"]) for r in overview(user)["rows"])
