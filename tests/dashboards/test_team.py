"""The team view: the matrix, filters and sorting, the summary, one person's page, who may see which team, the
training settings and reminders."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.dashboards import services
from equiptrain.dashboards.models import Reminder, TeamDeadline
from equiptrain.db import utcnow
from equiptrain.extensions import db


def _names_in_order(html: str, names) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_matrix_lists_every_member_with_status_and_overdue(client, login, team_world):
    w = team_world
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}").get_data(as_text=True)
    for name in ("Dana Done", "Milo Midway", "Nell Never", "Ivy Invited"):
        assert name in page
    assert "Invited, not signed in yet" in page
    assert 'aria-sort="ascending"' in page and "<caption" in page and 'scope="row"' in page
    # Everyone but Dana is past yesterday's deadline.
    overdue = client.get(f"/dashboards/teams/{w['team'].id}?overdue=yes").get_data(as_text=True)
    assert "Dana Done" not in overdue and "Milo Midway" in overdue and "Nell Never" in overdue
    assert "Showing 4 of 5 people" in overdue  # the manager is a member too
    complete = client.get(f"/dashboards/teams/{w['team'].id}?status=complete").get_data(as_text=True)
    assert "Dana Done" in complete and "Milo Midway" not in complete
    social = client.get(f"/dashboards/teams/{w['team'].id}?profession=social_worker").get_data(as_text=True)
    assert "Dana Done" in social and "Nell Never" not in social


def test_matrix_sorts_server_side_and_ignores_nonsense(client, login, team_world):
    w = team_world
    login(w["manager"])
    names = ["Dana Done", "Milo Midway", "Nell Never", "Ivy Invited"]
    page = client.get(f"/dashboards/teams/{w['team'].id}?sort=status&dir=desc").get_data(as_text=True)
    assert _names_in_order(page, names)[0] == "Dana Done"
    assert 'aria-sort="descending"' in page
    slug = w["modules"][0].slug
    page = client.get(f"/dashboards/teams/{w['team'].id}?sort=m-{slug}&dir=desc").get_data(as_text=True)
    assert _names_in_order(page, names)[-1] in ("Nell Never", "Ivy Invited")
    nonsense = f"/dashboards/teams/{w['team'].id}?sort=drop+table&dir=up&status=x&profession=y&org=9x"
    assert client.get(nonsense).status_code == 200


def test_summary_counts_completion_and_training(client, login, team_world):
    w = team_world
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}").get_data(as_text=True)
    assert "1 of 5 attended" in page and "Not yet trained" in page
    assert "2 of 5 (40%)" in page  # module 1: Dana and Milo
    assert "<svg" in page and "<desc" in page


def test_person_page(client, login, team_world):
    w = team_world
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}/people/{w['midway'].id}").get_data(as_text=True)
    assert "Milo Midway" in page and "Overdue" in page and "In progress" in page
    other = w["admin"]
    assert client.get(f"/dashboards/teams/{w['team'].id}/people/{other.id}").status_code == 404


def test_who_may_see_which_team(build, client, login, team_world):
    w = team_world
    other_team = build.team(w["org"])
    other_manager = build.user("manager", team=other_team)
    lead = build.user("programme_lead", org=w["org"])
    stranger_org = build.org()
    stranger_lead = build.user("programme_lead", org=stranger_org)
    stranger_admin = build.user("admin", org=stranger_org)
    url = f"/dashboards/teams/{w['team'].id}"
    for person, expected in (
        (w["manager"], 200),
        (lead, 200),
        (w["admin"], 200),
        (other_manager, 403),
        (stranger_lead, 404),  # another organisation's team answers as a missing one
        (stranger_admin, 404),
        (w["done"], 403),
    ):
        login(person)
        assert client.get(url).status_code == expected, person
        assert client.get(url + "/export.csv").status_code == expected, person
    login(lead)
    assert client.post(url + "/remind", data={"people": w["never"].id}).status_code == 403  # leads only look
    login(stranger_lead)
    page = client.get("/dashboards/organisation").get_data(as_text=True)
    assert w["team"].name not in page
    assert client.get(f"/dashboards/organisation?org={w['org'].id}").get_data(as_text=True).count(w["team"].name) == 0


def test_settings_save_and_team_deadline_only_later(client, login, team_world):
    w = team_world
    m1, m2 = w["modules"]
    login(w["admin"])
    page = client.get("/admin/training").get_data(as_text=True)
    assert m1.title in page and "Completion deadline" in page
    response = client.post(
        "/admin/training",
        data={
            "modules": [str(m1.id)],
            "core_workshop": "y",
            "deadline": "",
            "joiner_days": "",
            "core_expiry_months": "",
        },
    )
    assert "Give a completion deadline" in response.get_data(as_text=True)
    response = client.post(
        "/admin/training",
        data={"modules": [str(m1.id)], "deadline": "2027-03-31", "joiner_days": "90", "core_expiry_months": "abc"},
    )
    assert "Enter a number of months" in response.get_data(as_text=True) or "Not a valid integer" in response.get_data(
        as_text=True
    )
    response = client.post(
        "/admin/training", data={"modules": [str(m1.id)], "deadline": "2027-03-31", "joiner_days": "90"}
    )
    assert response.status_code == 302
    early = client.post(
        "/admin/training/team-deadline",
        data={"team": w["team"].id, "team_deadline": "2027-01-01"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "can only be later" in early
    assert db.session.get(TeamDeadline, w["team"].id) is None
    client.post("/admin/training/team-deadline", data={"team": w["team"].id, "team_deadline": "2027-06-30"})
    assert db.session.get(TeamDeadline, w["team"].id).deadline == dt.date(2027, 6, 30)
    # Nobody is overdue now: the team has until June 2027.
    login(w["manager"])
    page = client.get(f"/dashboards/teams/{w['team'].id}?overdue=yes").get_data(as_text=True)
    assert "Nobody matches these filters" in page


def test_reminders_are_sent_throttled_and_audited(client, login, team_world, outbox):
    w = team_world
    login(w["manager"])
    url = f"/dashboards/teams/{w['team'].id}/remind"
    page = client.post(url, data={"people": [w["never"].id, w["midway"].id]}, follow_redirects=True)
    assert "Reminder sent to Milo Midway, Nell Never" in page.get_data(as_text=True)
    assert len(outbox.to(w["never"].email)) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminder.sent")).all()
    assert {e.subject_id for e in events} == {w["never"].id, w["midway"].id}
    again = client.post(url, data={"people": [w["never"].id]}, follow_redirects=True).get_data(as_text=True)
    assert "Not sent to Nell Never" in again and "at most one reminder a week" in again
    assert len(outbox.to(w["never"].email)) == 1
    # A week later it goes.
    result = services.send_reminders(
        w["manager"], w["team"], {w["never"].id}, now=utcnow() + dt.timedelta(days=7, minutes=1)
    )
    assert [p.id for p in result.sent] == [w["never"].id]
    # Someone outside the team cannot be reminded through it.
    nothing = client.post(url, data={"people": [w["admin"].id]}, follow_redirects=True).get_data(as_text=True)
    assert "Choose at least one person in this team" in nothing
    assert db.session.scalar(select(Reminder).where(Reminder.user_id == w["admin"].id)) is None


def test_home_pages_lead_with_the_role(build, client, login, team_world):
    w = team_world
    login(w["manager"])
    page = client.get("/").get_data(as_text=True)
    assert page.index("Your team") < page.index("Your EQUIP programme")
    login(w["admin"])
    page = client.get("/").get_data(as_text=True)
    main = page.index('id="maincontent"')  # the header links to the administration hub first (issue 24)
    assert page.index("training across the organisation", main) < page.index("Administration", main)


def test_organisation_counts_agree_with_the_team_matrix(app, build, team_world):
    """The organisation view counts inside the database; the team view person by person: same rules."""
    from equiptrain.dashboards import queries
    from equiptrain.dashboards import requirements as rules
    from equiptrain.dashboards.models import TeamDeadline

    w = team_world
    newcomer = build.user("learner", team=w["team"], name="Nia Newcomer")
    newcomer.memberships[0].joined_at = utcnow() - dt.timedelta(days=10)
    db.session.commit()
    modules = queries.current_modules()
    ids = frozenset(m.id for m in w["modules"])
    today = dt.date.today()
    policies = [
        rules.Requirements(w["org"].id, today - dt.timedelta(days=1), None, False, None, ids),
        rules.Requirements(w["org"].id, today - dt.timedelta(days=1), 30, False, None, ids),
        rules.Requirements(w["org"].id, None, 5, True, None, frozenset()),
        rules.Requirements(w["org"].id, today + dt.timedelta(days=3), None, True, None, ids),
        rules.Requirements(w["org"].id, None, None, False, None, frozenset()),
    ]
    for later in (None, today + dt.timedelta(days=1)):
        if later:
            db.session.add(TeamDeadline(team_id=w["team"].id, deadline=later))
            db.session.commit()
        for policy in policies:
            rows = queries.team_matrix(w["team"], policy, modules)
            line = next(
                t for t in queries.organisation_table(w["org"].id, policy, modules) if t.team_id == w["team"].id
            )
            assert line.staff == len(rows)
            assert line.complete == sum(r.status == rules.COMPLETE for r in rows), policy
            assert line.overdue == sum(r.overdue for r in rows), (policy, later)
            assert line.core_attended == sum(1 for r in rows if r.core_on)


def test_home_panels_lead_for_their_roles(app, build, monkeypatch):
    from equiptrain import ui
    from equiptrain.ui import nav

    monkeypatch.setattr(nav, "_HOME_PANELS", {})
    ui.add_home_panel("mine", lambda u: "<p>learner panel</p>", order=10)
    ui.add_home_panel("sessions", lambda u: "<p>sessions panel</p>", order=20, leads_for=("trainer",))
    trainer, learner = build.user("trainer"), build.user("learner")
    assert [str(p) for p in ui.home_panels(trainer)] == ["<p>sessions panel</p>", "<p>learner panel</p>"]
    assert [str(p) for p in ui.home_panels(learner)] == ["<p>learner panel</p>", "<p>sessions panel</p>"]
