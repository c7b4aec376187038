"""Every dashboard page runs the same number of SQL statements whatever the size of the team or organisation."""

from __future__ import annotations

from sqlalchemy import select, text

from equiptrain.accounts.models import Membership, MembershipRole, User
from equiptrain.demo.large import build_organisation
from equiptrain.extensions import db
from tests.dashboards import helpers
from tests.reflection.helpers import confidence_items


def _count(client, count_queries, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: templates compiled, nothing cached from the data
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


def _manager_of(team_id: int) -> User:
    return db.session.scalar(
        select(User).join(Membership).where(Membership.team_id == team_id, Membership.role == MembershipRole.MANAGER)
    )


def _lead_of(built) -> User:
    lead = db.session.get(User, built.user_ids[1])
    lead.is_programme_lead = True
    db.session.commit()
    return lead


def test_team_pages_cost_the_same_for_5_and_200_people(client, login, count_queries):
    modules = helpers.modules(3)
    confidence_items()
    counts = {}
    for size in (5, 200):
        built = build_organisation(
            f"Count trust {size}",
            teams=1,
            staff_per_team=size,
            password_hash="x",
            modules=modules,
            entries=size * 2,
            workshops=2,
        )
        db.session.commit()
        team_id = built.team_ids[0]
        login(_manager_of(team_id))
        counts[size] = [
            _count(client, count_queries, url)
            for url in (
                f"/dashboards/teams/{team_id}",
                f"/dashboards/teams/{team_id}?sort=status&overdue=yes",
                f"/dashboards/teams/{team_id}/people/{built.user_ids[-1]}",
                f"/dashboards/teams/{team_id}/export.csv",
                f"/dashboards/teams/{team_id}/export.xlsx",
            )
        ]
    assert counts[5] == counts[200], counts
    assert counts[5][0] <= 20


def analyse() -> None:
    """Give PostgreSQL's planner statistics for the rows this test's transaction added (autovacuum cannot see
    them), as a real database has: without them it plans the organisation view for empty tables."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def test_organisation_pages_cost_the_same_for_10_and_500_teams(client, login, count_queries):
    modules = helpers.modules(3)
    counts = {}
    for teams in (10, 500):
        built = build_organisation(
            f"Org count trust {teams}",
            teams=teams,
            staff_per_team=3,
            password_hash="x",
            modules=modules,
            entries=teams,
            workshops=teams + 5,
        )
        db.session.commit()
        analyse()
        login(_lead_of(built))
        counts[teams] = [
            _count(client, count_queries, url)
            for url in (
                "/dashboards/organisation",
                "/dashboards/organisation?sort=confidence&dir=desc",
                "/dashboards/organisation/export.csv",
                "/dashboards/organisation/compliance.csv",
            )
        ]
    assert counts[10] == counts[500], counts
    assert counts[10][0] <= 20
