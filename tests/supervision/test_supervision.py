"""Team supervision after the core: plan and due dates, overdue flags, linking supervision workshops (which count
toward CPD like the core), the action plan, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest

from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection.models import CPDEntry
from equiptrain.supervision import queries, services
from equiptrain.supervision.models import ActionStatus, SupervisionPlan
from equiptrain.trainers.models import TrainerKind
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus, WorkshopKind
from equiptrain.workshops.uktime import to_uk
from tests.supervision.helpers import make_template
from tests.workshops.helpers import make_workshop

P = AttendanceStatus.PRESENT


def _sign_off(workshop, statuses):
    actor = workshop.facilitators[0].user
    for session in workshop.sessions:
        attendance.mark(actor, workshop, statuses, session)
        attendance.sign_off(actor, workshop, session)


def _team_after_core(build, days_ago=10):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(3)]
    core = make_workshop(build, teams=[team], days=2, starts_in=dt.timedelta(days=-days_ago - 7))
    _sign_off(core, {p.id: P for p in people})
    return team, people, core


def test_due_dates_spread_over_the_months():
    assert services.due_dates(dt.date(2026, 1, 31), 3, 6) == [
        dt.date(2026, 3, 31),
        dt.date(2026, 5, 31),
        dt.date(2026, 7, 31),
    ]
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert services.due_dates(dt.date(2026, 1, 1), 4, 6) == [
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
    ]


def test_a_plan_starts_when_the_core_is_signed_off(build):
    team, _, core = _team_after_core(build)
    plan = queries.plan_for(team)
    assert plan is not None and plan.core_workshop_id == core.id
    end = to_uk(core.ends_at).date()
    assert plan.starts_on == end
    assert [s.due_on for s in plan.sessions] == services.due_dates(end, 3, 6)
    assert [s.minutes for s in plan.sessions] == [120, 120, 120]
    with pytest.raises(ServiceError, match="already has a supervision plan"):
        services.start_plan(None, team, end)


def test_the_plan_follows_the_settings(app, build, monkeypatch):
    monkeypatch.setitem(app.config, "SUPERVISION_SESSIONS", 2)
    monkeypatch.setitem(app.config, "SUPERVISION_SESSION_MINUTES", 90)
    monkeypatch.setitem(app.config, "SUPERVISION_MONTHS", 4)
    team = build.team()
    plan = services.start_plan(None, team, dt.date(2026, 1, 10))
    assert [(s.due_on, s.minutes) for s in plan.sessions] == [(dt.date(2026, 3, 10), 90), (dt.date(2026, 5, 10), 90)]


def test_overdue_sessions_are_flagged_and_held_ones_are_not(build, client, login):
    team = build.team()
    manager = build.user("manager", team=team)
    people = [build.user("learner", team=team) for _ in range(3)]
    plan = services.start_plan(None, team, queries.today() - dt.timedelta(days=150))
    assert [s.overdue(queries.today()) for s in plan.sessions] == [True, True, False]
    row = next(r for r in queries.overview(manager)["rows"] if r["plan"].id == plan.id)
    assert [s.number for s in row["overdue"]] == [1, 2]
    # Session 1 is held through a supervision workshop; it counts toward CPD like the core.
    sup = make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.SUPERVISION,
        starts_in=dt.timedelta(days=-3),
        follow_up_of=make_workshop(build, org=team.organisation, teams=[team]),
    )
    _sign_off(sup, {p.id: P for p in people})
    db.session.refresh(plan)
    assert plan.sessions[0].workshop_id == sup.id and plan.sessions[0].held_at is not None
    assert not plan.sessions[0].overdue(queries.today())
    assert db.session.query(CPDEntry).filter_by(user_id=people[0].id, source_ref=f"workshop:{sup.id}").one().hours
    login(manager)
    page = client.get(f"/supervision/teams/{team.id}").get_data(as_text=True)
    assert page.count("Overdue") == 1 and "Held " in page
    home = client.get("/").get_data(as_text=True)
    assert "1 supervision session is overdue" in home


def test_linking_a_workshop_and_moving_a_due_date(build, client, login):
    team = build.team()
    admin = build.user("admin", org=team.organisation)
    plan = services.start_plan(admin, team, dt.date(2026, 1, 10))
    core = make_workshop(build, org=team.organisation, teams=[team])
    sup = make_workshop(build, org=team.organisation, teams=[team], kind=WorkshopKind.SUPERVISION, follow_up_of=core)
    other = make_workshop(
        build,
        org=team.organisation,
        teams=[build.team(team.organisation)],
        kind=WorkshopKind.SUPERVISION,
        follow_up_of=core,
    )
    with pytest.raises(ServiceError, match="invites"):
        services.update_session(admin, plan.sessions[0], workshop=other)
    with pytest.raises(ServiceError, match="after the core"):
        services.update_session(admin, plan.sessions[0], due_on=dt.date(2025, 1, 1), workshop=sup)
    assert plan.sessions[0].workshop_id is None  # all or nothing
    login(admin)
    client.post(
        f"/supervision/teams/{team.id}/sessions/2",
        data={"session-workshop": str(sup.id), "session-due_on": "2026-06-01"},
    )
    db.session.refresh(plan)
    assert plan.sessions[1].workshop_id == sup.id and plan.sessions[1].due_on == dt.date(2026, 6, 1)
    with pytest.raises(ServiceError, match="already delivers session 2"):
        services.update_session(admin, plan.sessions[0], workshop=sup)


def test_the_action_plan_is_agreed_and_reviewed_at_the_next_session(build, client, login):
    team = build.team()
    manager = build.user("manager", team=team)
    plan = services.start_plan(None, team, dt.date(2026, 1, 10))
    login(manager)
    response = client.post(
        f"/supervision/teams/{team.id}/actions",
        data={
            "action-action": "Write the goals with the person at their next appointment",
            "action-owner": "Every care coordinator",
            "action-due_on": "2026-03-01",
            "action-session_number": "1",
        },
    )
    assert response.status_code == 302
    action = db.session.get(SupervisionPlan, plan.id).actions[0]
    assert (action.owner, action.due_on, action.status) == (
        "Every care coordinator",
        dt.date(2026, 3, 1),
        ActionStatus.OPEN,
    )
    client.post(
        f"/supervision/teams/{team.id}/actions/{action.id}",
        data={
            f"review-{action.id}-status": "done",
            f"review-{action.id}-session_number": "2",
            f"review-{action.id}-note": "Goals are now in people's own words in most plans.",
        },
    )
    db.session.refresh(action)
    assert action.status is ActionStatus.DONE and action.reviewed_at_session == 2
    later = services.add_action(
        manager,
        plan,
        session_number=2,
        action="Bring plans to the team meeting",
        owner="Team manager",
        due_on=dt.date(2026, 5, 1),
    )
    with pytest.raises(ServiceError, match="agreed or a later one"):
        services.review_action(manager, later, status=ActionStatus.DONE, note="", session_number=1)
    bad = client.post(
        f"/supervision/teams/{team.id}/actions",
        data={"action-action": "", "action-owner": "x", "action-due_on": "2026-03-01", "action-session_number": "1"},
    )
    assert bad.status_code == 400 and "Enter the action the team agreed" in bad.get_data(as_text=True)


def test_who_sees_a_teams_plan(build, client, login):
    team = build.team()
    plan = services.start_plan(None, team, dt.date(2026, 1, 10))
    db.session.commit()
    trainer = build.user("trainer", org=team.organisation)
    colleague = build.user("trainer", org=team.organisation, trainer_kind=TrainerKind.CARER)
    make_workshop(build, org=team.organisation, teams=[team], facilitators=[trainer, colleague])
    allowed = [build.user("manager", team=team), trainer, build.user("admin", org=team.organisation)]
    refused = [
        build.user("learner", team=team),
        build.user("manager", team=build.team(team.organisation)),
        build.user("trainer", org=team.organisation),  # delivers to no workshop of this team
    ]
    for person in allowed:
        login(person)
        assert client.get(f"/supervision/teams/{team.id}").status_code == 200, person
    for person in refused:
        login(person)
        assert client.get(f"/supervision/teams/{team.id}").status_code == 403, person
    login(build.user("trainer", org=build.org()))  # another organisation's team answers as a missing one
    assert client.get(f"/supervision/teams/{team.id}").status_code == 404
    # A manager keeps the action plan but does not change the plan's sessions.
    login(allowed[0])
    assert client.post(f"/supervision/teams/{team.id}/sessions/1", data={}).status_code == 403
    assert plan.id


def test_the_session_template_page(build, client, login):
    make_template(1)
    login(build.user("trainer"))
    page = client.get("/supervision/sessions/1").get_data(as_text=True)
    assert "Session 1: audit" in page and "Audit two plans together." in page and "Bee P (2015)." in page
    assert client.get("/supervision/sessions/7").status_code == 404
