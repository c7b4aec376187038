"""The demo shows a team mid-programme: a two-day core attended, one supervision session held with an action
plan, one due."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.accounts.models import Team
from equiptrain.demo import load_demo
from equiptrain.extensions import db
from equiptrain.supervision import queries as supervision_queries
from equiptrain.workshops import queries
from equiptrain.workshops.models import WorkshopKind


def test_the_demo_team_is_mid_programme(app, no_course):
    load_demo()
    team = db.session.scalar(select(Team).where(Team.name == "North Community Mental Health Team"))
    row = next(r for r in queries.team_training(team.organisation_id) if r["team"].id == team.id)
    assert row["core_done"] and row["attended"] == row["members"] - 1  # one came on day two only
    plan = supervision_queries.plan_for(team)
    assert plan.core_workshop.kind is WorkshopKind.CORE and len(plan.core_workshop.sessions) == 2
    held, due, later = plan.sessions
    assert held.held_at is not None and not held.overdue(supervision_queries.today())
    assert due.held_at is None and due.workshop is not None and due.due_on > supervision_queries.today()
    assert later.workshop is None
    assert len(plan.actions) == 3 and {a.agreed_at_session for a in plan.actions} == {1}
    member_ids = [m.user_id for m in team.memberships]
    assert len(queries.core_attendance(member_ids)) == row["attended"]
    assert sum(queries.follow_ups_attended(member_ids).values()) == 7
