"""The supervision pages run a fixed number of queries whatever the number of teams, plans and actions."""

from __future__ import annotations

import datetime as dt

from equiptrain.extensions import db
from equiptrain.supervision import services


def _plans(build, org, n, actions=3):
    for _ in range(n):
        team = build.team(org)
        plan = services.start_plan(None, team, dt.date(2026, 1, 10))
        for k in range(actions):
            services.add_action(
                build.user("manager", team=team),
                plan,
                session_number=1,
                action=f"Action {k}",
                owner="Owner",
                due_on=dt.date(2026, 3, 1),
            )


def test_the_list_of_plans_runs_a_fixed_number_of_queries(build, client, login, count_queries):
    admin = build.user("admin")
    login(admin)
    _plans(build, admin.organisation, 1)
    with count_queries() as small:
        assert client.get("/supervision/").status_code == 200
    _plans(build, admin.organisation, 6)
    with count_queries() as large:
        assert client.get("/supervision/").status_code == 200
    assert large.count == small.count, large.statements


def test_a_teams_plan_runs_a_fixed_number_of_queries(build, client, login, count_queries):
    team = build.team()
    manager = build.user("manager", team=team)
    plan = services.start_plan(None, team, dt.date(2026, 1, 10))
    services.add_action(manager, plan, session_number=1, action="First", owner="Owner", due_on=dt.date(2026, 3, 1))
    login(manager)
    db.session.flush()
    db.session.expire_all()  # as a new request finds it: nothing loaded yet
    with count_queries() as small:
        assert client.get(f"/supervision/teams/{team.id}").status_code == 200
    for k in range(8):
        services.add_action(
            manager, plan, session_number=1 + k % 3, action=f"Action {k}", owner="Owner", due_on=dt.date(2026, 3, 1)
        )
    db.session.flush()
    db.session.expire_all()
    with count_queries() as large:
        assert client.get(f"/supervision/teams/{team.id}").status_code == 200
    assert large.count == small.count, large.statements
